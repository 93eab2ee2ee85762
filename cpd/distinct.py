"""Work once per distinct value of a column, then spread the answer back to every row.

A column of 150,000 CE rows holds a few thousand distinct dates, a handful of units and one name per trainer:
parsing, matching or folding each distinct value once (and spreading the result with the factorize codes) is
what keeps reading and standing vectorised. Shared by ingest (every parser) and standing (activity bodies).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Distinct:
    """A column as its distinct values plus, per row, the code of its value.

    A sheet factorises each column once (``Distinct.of``) and hands this to every parser, which then work per
    distinct value; a plain Series is factorised on the way in.
    """

    codes: np.ndarray
    uniques: pd.Series  # object dtype, default index
    index: pd.Index

    @classmethod
    def of(cls, values: pd.Series | Distinct) -> Distinct:
        if isinstance(values, Distinct):
            return values
        # The NA sentinel halves the cost on object arrays (no separate isna pass); missing cells (None, NaN)
        # then share one code, for a trailing None: every parser treats the two alike.
        codes, uniques = pd.factorize(np.asarray(values, dtype=object), use_na_sentinel=True)
        uniques = np.asarray(uniques, dtype=object)
        if len(codes) and codes.min() < 0:
            codes = np.where(codes < 0, len(uniques), codes)
            uniques = np.append(uniques, np.array([None], dtype=object))
        return cls(codes, pd.Series(uniques, dtype=object), values.index)

    def __len__(self) -> int:
        return len(self.codes)

    def first_rows(self) -> np.ndarray:
        """For each distinct value, the position of its first row."""
        first = np.empty(len(self.uniques), dtype=np.intp)
        first[self.codes[::-1]] = np.arange(len(self.codes) - 1, -1, -1)
        return first

    def spread(self, result: pd.Series) -> pd.Series:
        """A per-distinct-value result, one per row."""
        return pd.Series(result.to_numpy()[self.codes], index=self.index, dtype=result.dtype)


def map_unique(values: pd.Series | Distinct, fn: Callable[[Any], object]) -> pd.Series:
    """``values.map(fn)`` evaluating ``fn`` once per distinct value."""
    d = Distinct.of(values)
    return d.spread(pd.Series([fn(v) for v in d.uniques], dtype=object))


def combined_codes(columns: Iterable[pd.Series | np.ndarray], start: np.ndarray) -> np.ndarray:
    """One integer per distinct combination of the columns' values, row by row, numbered in order of first
    appearance; ``start`` (one integer per row, zeros for none) is a first key. Missing values are a value."""
    code = start.astype(np.int64)
    for values in columns:
        c, u = pd.factorize(values, use_na_sentinel=False)  # codes 0.., never -1
        code, _ = pd.factorize(code * (len(u) + 1) + c)  # re-coded each time, so it never overflows
    return code


def combine_codes(parts: Iterable[tuple[np.ndarray, int]], n: int) -> np.ndarray:
    """One integer per distinct combination of several columns' codes (``(codes, how many codes)`` each, ``n``
    rows): equal for rows equal in every column, different otherwise; not numbered in any order. Integer
    arithmetic, re-coded only when the product of the sizes would overflow."""
    code = np.zeros(n, dtype=np.int64)
    size = 1
    for codes, k in parts:
        k = max(int(k), 1)
        if size * k >= 2**62:
            code, uniques = pd.factorize(code)
            size = max(len(uniques), 1)
        code = code * k + codes
        size *= k
    return code
