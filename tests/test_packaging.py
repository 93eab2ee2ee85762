"""`pip install .` gives a working package: every cpd subpackage and its data in the wheel, requirements.txt as
its dependencies, and `recert` running from a fresh virtual environment that has no checkout on its path.

Offline on purpose: the wheel is built with the setuptools already in .venv (no build isolation, nothing
downloaded) and the fresh environment borrows .venv's installed dependencies through a path file (a path file
does not run the .pth files it points at, so .venv's editable `cpd` stays invisible: the import must come from
the wheel). The same was checked once with a real download (`pip install recert-0.1.0-py3-none-any.whl` into a
new venv from the package index); that takes minutes, so it is not a test.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


def _requirements(name: str) -> list[str]:
    lines = (ROOT / name).read_text().splitlines()
    return [s for s in (line.split(" #")[0].strip() for line in lines) if s and not s.startswith("#")]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """A wheel of a copy of the source, with a new subpackage holding the kinds of data files cpd may carry."""
    src = tmp_path_factory.mktemp("src")
    for name in ("pyproject.toml", "requirements.txt", "requirements-dev.txt", "README.md"):
        shutil.copy(ROOT / name, src / name)
    shutil.copytree(ROOT / "cpd", src / "cpd", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    (src / "cpd" / "zz_probe" / "migrations" / "versions").mkdir(parents=True)
    for rel in (
        "zz_probe/migrations/versions/0001_first.py",  # a folder without __init__.py (alembic's versions)
        "zz_probe/__init__.py",
        "zz_probe/migrations/__init__.py",
        "zz_probe/migrations/env.py",
        "zz_probe/alembic.ini",
        "zz_probe/migrations/script.py.mako",
        "zz_probe/rules.yaml",
        "zz_probe/migrations/0001.sql",
    ):
        (src / "cpd" / rel).write_text("# probe\n")
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "--disable-pip-version-check",
            str(src),
            "-w",
            str(out),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    (whl,) = out.glob("recert-*.whl")
    return whl


def test_wheel_holds_every_subpackage_and_its_data_files(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    packages = {p.parent.relative_to(ROOT).as_posix() for p in (ROOT / "cpd").rglob("__init__.py")}
    assert {f"{p}/__init__.py" for p in packages} <= names  # today's subpackages, found without a list
    assert {
        "cpd/credentials.yaml",
        "cpd/zz_probe/migrations/versions/0001_first.py",
        "cpd/headers.yaml",
        "cpd/zz_probe/migrations/env.py",
        "cpd/zz_probe/alembic.ini",
        "cpd/zz_probe/migrations/script.py.mako",
        "cpd/zz_probe/rules.yaml",
        "cpd/zz_probe/migrations/0001.sql",
    } <= names
    assert not any("__pycache__" in n or n.startswith(("tests/", "app_pages/", "benchmarks/")) for n in names)


def test_wheel_depends_on_requirements_txt_and_offers_the_dev_extra(wheel):
    with zipfile.ZipFile(wheel) as z:
        meta = z.read(next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))).decode()
    deps = [line.split(": ", 1)[1] for line in meta.splitlines() if line.startswith("Requires-Dist: ")]
    runtime = [d for d in deps if "extra ==" not in d]
    dev = [d.split(";")[0].strip() for d in deps if d.endswith('extra == "dev"')]
    assert runtime == _requirements("requirements.txt")
    assert dev == _requirements("requirements-dev.txt")
    assert any(r.startswith("pyarrow==") for r in runtime)


def test_installed_wheel_imports_and_runs_recert_in_a_fresh_venv(wheel, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=60)
    py = venv / "bin" / "python"
    site = Path(
        subprocess.run(
            [py, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    (site / "borrowed_dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    pip = [sys.executable, "-m", "pip", "--python", str(py), "--disable-pip-version-check"]
    subprocess.run([*pip, "install", "-q", "--no-deps", "--no-index", str(wheel)], check=True, timeout=120)
    check = subprocess.run([*pip, "check"], capture_output=True, text=True, timeout=120)
    assert "recert" not in check.stdout.lower(), (
        check.stdout
    )  # every declared dependency is installed, pinned
    where = subprocess.run(
        [py, "-c", "import cpd, cpd.ingest; print(cpd.__file__)"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    assert Path(where).is_relative_to(site)
    run = subprocess.run(
        [
            venv / "bin" / "recert",
            "standing",
            ROOT / "sample_data" / "recert_workbook.xlsx",
            "--as-of",
            "2026-12-01",
            "--format",
            "json",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert len(json.loads(run.stdout)["standings"]) > 10
