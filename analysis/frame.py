"""The canonical in-memory response frame (see docs/architecture.md)."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from . import contract

INT_COLUMNS = tuple(contract.INT_RANGES)
TEXT_COLUMNS = tuple(c for c in contract.COLUMNS if c not in contract.INT_RANGES)


#: What ``str.strip()`` removes; pyarrow's ``utf8_trim`` is given exactly these characters.
WHITESPACE = "".join(c for c in map(chr, range(0x3001)) if c.isspace())


def _total_bytes(values) -> int:
    return pc.sum(pc.binary_length(values)).as_py() or 0


def clean_text(values: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """Arrow text stripped as ``str.strip()`` strips it, empty text -> null, whole columns at a time.

    Returns ``values`` itself (no copy kept) when no cell has spaces around it and none is empty.
    """
    t = pc.utf8_trim(values, characters=WHITESPACE)
    if _total_bytes(t) == _total_bytes(values) and not pc.any(pc.equal(values, "")).as_py():
        return values
    return pc.if_else(pc.equal(t, ""), pa.scalar(None, t.type), t)


def arrow_text(s: pd.Series) -> pa.ChunkedArray | None:
    """The Arrow array under a pandas text series with pyarrow storage (``string``, or the
    default ``str`` of pandas 3, whose missing cells are Arrow nulls too), else ``None``."""
    if isinstance(s.dtype, pd.StringDtype) and s.dtype.storage == "pyarrow":
        return s.array.__arrow_array__()
    return None


def clean_text_series(s: pd.Series) -> pd.Series | None:
    """A pandas ``string`` series (pyarrow storage) through :func:`clean_text`; ``None`` for other series."""
    arr = arrow_text(s)
    if arr is None:
        return None
    out = clean_text(arr)
    if out is arr:  # the same text; also pandas' default "str" dtype (NaN for missing) becomes "string"
        return s.reset_index(drop=True).astype("string")
    return pd.Series(pd.array(out, dtype="string"), name=s.name)


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
            fast = clean_text_series(s)
            if fast is not None:
                out[col] = fast.array
                continue
            s = s.astype("string").str.strip()
            out[col] = s.mask(s == "", pd.NA)
    return out
