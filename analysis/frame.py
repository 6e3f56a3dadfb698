"""The canonical in-memory response frame (see docs/architecture.md)."""

from __future__ import annotations

import pandas as pd

from . import contract

INT_COLUMNS = tuple(contract.INT_RANGES)
TEXT_COLUMNS = tuple(c for c in contract.COLUMNS if c not in contract.INT_RANGES)


def empty_frame() -> pd.DataFrame:
    """An empty response frame with the contract columns and dtypes."""
    return canonical_frame(pd.DataFrame(columns=list(contract.COLUMNS)))


def canonical_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Return a copy with exactly the contract columns, in order, with canonical dtypes.

    Text and code columns become pandas ``string`` dtype with ``pd.NA`` for
    missing (empty strings count as missing); ``n_workers`` and ``grade``
    become nullable ``Int64``.  Columns the frame lacks are added empty.
    Values are not validated here: use :func:`analysis.validation.validate_frame`.
    """
    out = pd.DataFrame(index=pd.RangeIndex(len(df)))
    for col in contract.COLUMNS:
        s = df[col].reset_index(drop=True) if col in df.columns else pd.Series([pd.NA] * len(df), dtype="object")
        if col in contract.INT_RANGES:
            out[col] = pd.to_numeric(s, errors="coerce").astype("Float64").round().astype("Int64")
        else:
            s = s.astype("string").str.strip()
            out[col] = s.mask(s == "", pd.NA)
    return out
