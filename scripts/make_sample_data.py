"""Write the committed sample files, or a chain-sized workbook for benchmarks.

    python scripts/make_sample_data.py [--anchor YYYY-MM-DD] [--out sample_data/]
    python scripts/make_sample_data.py --chain 10000 --out benchmarks/data/chain_10k.xlsx [--seed 7]

The anchor is the as-of date the files are meant to be viewed at (default: the committed files' anchor).
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from anywhere without installing

from cpd import samples  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--anchor",
        type=date.fromisoformat,
        default=samples.DEFAULT_ANCHOR,
        help="as-of date the files are meant to be viewed at (YYYY-MM-DD)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="folder for the sample files (default sample_data/), or the .xlsx path with --chain",
    )
    parser.add_argument(
        "--chain", type=int, metavar="N", help="write one chain workbook with N trainers instead"
    )
    parser.add_argument("--seed", type=int, default=7, help="random seed for --chain")
    args = parser.parse_args(argv)

    if args.chain is not None:
        if args.chain < 1:
            parser.error("--chain needs at least 1 trainer")
        out = args.out or Path(f"chain_{args.chain}.xlsx")
        start = time.perf_counter()
        data = samples.build_chain_workbook(args.chain, anchor=args.anchor, seed=args.seed)
        seconds = time.perf_counter() - start
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)
        print(f"{out}: {args.chain} trainers, {len(data) / 1e6:.1f} MB in {seconds:.1f} s")
        return 0

    folder = args.out or Path(__file__).resolve().parents[1] / "sample_data"
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in samples.build_sample(args.anchor).items():
        (folder / name).write_bytes(data)
        print(f"{folder / name}: {len(data)} bytes")
    (folder / "README.md").write_text(samples.sample_readme(args.anchor), encoding="utf-8")
    print(f"{folder / 'README.md'} (anchor {args.anchor.isoformat()})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
