"""analysis.io: the column-wise CSV reader (pyarrow) gives what the record-by-record reader gives.

Every CSV file is read by pyarrow when it is regular (:func:`analysis.io._csv_fast`) and by the
csv module otherwise; both must give the same frame, row numbers and field-count problems, so
that the error records (file, row, column, value, rule, message) do not depend on the reader.
The reference here is the record-by-record reader as it was (``_records_csv`` + ``_frame_from_records``,
a Python object per cell); the exact reader in use (``_csv_exact``) turns batches of records into Arrow
columns and must give the same as well, field-count problems included.
"""

import csv
import io as _io
import random

import pandas as pd
import pytest
from _io_helpers import as_records, raw_frame

from analysis import contract, io
from analysis.frame import WHITESPACE
from analysis.io import ReadLimits, read_table

TOKENS = [
    "a",
    "ja",
    "nee",
    "7",
    " ",
    "  ",
    '"',
    '""',
    ",",
    ";",
    "\n",
    "\r",
    "\r\n",
    "\t",
    "é",
    "\u00a0",
    "\x1c",
    "",
    "x y",
]


def _exact(data: bytes, limits=None):
    limits = limits or ReadLimits()
    return io._frame_from_records(*io._records_csv(data, limits), short_rows=True)


def _random_file(rnd: random.Random) -> bytes:
    width = rnd.randint(1, 5)
    records = []
    for _ in range(rnd.randint(1, 8)):
        n = width if rnd.random() < 0.85 else rnd.randint(0, width + 2)
        records.append(["".join(rnd.choice(TOKENS) for _ in range(rnd.randint(0, 3))) for _ in range(n)])
    buf = _io.StringIO()
    quoting = rnd.choice([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_MINIMAL])
    csv.writer(buf, quoting=quoting, lineterminator=rnd.choice(["\n", "\r\n", "\r"])).writerows(records)
    text = buf.getvalue()
    if rnd.random() < 0.3:  # raw damage: a stray token anywhere
        i = rnd.randint(0, len(text))
        text = text[:i] + rnd.choice(TOKENS) + text[i:]
    return text.encode(rnd.choice(["utf-8", "utf-8", "utf-8-sig", "cp1252", "utf-16"]), errors="replace")


def _same(fast, exact):
    frame, rows = fast
    eframe, erows, long_rows = exact
    assert long_rows == []
    assert rows == erows
    pd.testing.assert_frame_equal(frame, eframe)


def test_read_table_csv_batched_exact_reader_matches_the_reference_on_random_files(monkeypatch):
    monkeypatch.setattr(io, "_EXACT_BATCH", 3)  # several batches per file
    rnd = random.Random(20261204)
    irregular = 0
    for _ in range(800):
        data = _random_file(rnd)
        try:
            expected = _exact(data)
        except io.ReadError as exc:
            with pytest.raises(type(exc)) as got:
                io._csv_exact(data, ReadLimits())
            assert str(got.value) == str(exc)
            continue
        frame, rows, wrong = io._csv_exact(data, ReadLimits())
        eframe, erows, ewrong = expected
        assert (rows, wrong) == (erows, ewrong), data
        pd.testing.assert_frame_equal(frame, eframe)
        irregular += bool(wrong)
    assert irregular > 50


def test_read_table_csv_fast_reader_matches_the_exact_reader_on_random_files():
    rnd = random.Random(20261203)
    fast_used = 0
    for _ in range(1000):
        data = _random_file(rnd)
        try:
            exact = _exact(data)
        except io.ReadError as exc:
            # a file the exact reader refuses is never read by the fast one
            assert io._csv_fast(data, ReadLimits()) is None, (data, exc)
            continue
        fast = io._csv_fast(data, ReadLimits())
        if fast is None:
            continue
        fast_used += 1
        _same(fast, exact)
    assert fast_used > 200  # the comparison has teeth: a good part of the files take the fast way


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_read_table_csv_fast_reader_numbers_records_with_line_breaks_and_empty_lines(newline):
    records = as_records(raw_frame(4))
    records[2][-2] = f"eerste regel{newline}tweede, met komma"
    buf = _io.StringIO()
    csv.writer(buf, lineterminator=newline).writerows(records[:3])
    text = buf.getvalue() + newline + newline + "".join(",".join(r) + newline for r in records[3:])
    data = text.encode()
    fast = io._csv_fast(data, ReadLimits())
    assert fast is not None
    _same(fast, _exact(data))
    assert fast[1] == [2, 3, 6, 7]  # records, not lines: the empty lines keep their numbers


def test_read_table_csv_fast_reader_strips_what_python_strips():
    # every character str.strip() removes, around a code (NBSP, U+2028, \x1c ... \x1f, ideographic space)
    ws = WHITESPACE
    assert ws == "".join(c for c in map(chr, range(0x110000)) if c.isspace())
    buf = _io.StringIO()
    csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\n").writerows([["had_gap", "x"], [f"{ws}ja{ws}", ws]])
    data = buf.getvalue().encode()
    frame, rows = io._csv_fast(data, ReadLimits())
    assert frame["had_gap"].tolist() == ["ja"] and frame["x"].isna().all() and rows == [2]


def test_read_table_csv_irregular_file_falls_back_to_the_exact_reader(tmp_path):
    records = as_records(raw_frame(3))
    records[2] = records[2] + ["te veel"]
    path = tmp_path / "lang.csv"
    path.write_text("".join(",".join(r) + "\n" for r in records), encoding="utf-8")
    assert io._csv_fast(path, ReadLimits()) is None
    table = read_table(path)
    assert table.field_counts == ((3, 26, 25),) and table.rows == (2, 3, 4)


def test_read_table_csv_fast_reader_keeps_the_shape_limits(tmp_path):
    path = tmp_path / "groot.csv"
    path.write_text("a,b\n" + "1,2\n" * 5, encoding="utf-8")
    for limits in (ReadLimits(max_rows=4), ReadLimits(max_columns=1), ReadLimits(max_text_cells=11)):
        assert io._csv_fast(path, limits) is None
        with pytest.raises(io.LimitExceeded):
            read_table(path, limits=limits)


def test_read_limits_let_a_million_contract_rows_in():
    # issue 10: a report of 1,000,000 responses must be possible (the limit was 10 million cells)
    limits = ReadLimits()
    assert limits.max_text_cells >= 1_000_000 * len(contract.COLUMNS)
    assert limits.max_rows >= 1_000_000


def test_validate_frame_arrow_text_gives_the_records_of_object_text():
    # the Arrow way (strip, whole numbers parsed by Arrow) and the object way give the same records
    from analysis.validation import validate_frame

    df = raw_frame(6)
    df.loc[0, "grade"] = "1" * 400  # far out of range
    df.loc[1, "n_workers"] = "-" + "9" * 30
    df.loc[2, "grade"] = "+7."
    df.loc[3, "grade"] = " 007.00 "
    df.loc[4, "had_gap"] = "\u00a0ja\u2028"
    df.loc[5, "grade"] = "7.5"
    arrow = pd.DataFrame({c: pd.array(df[c].replace("", None), dtype="string") for c in df.columns})
    a_frame, a_report = validate_frame(arrow)
    o_frame, o_report = validate_frame(df)
    assert a_report.errors == o_report.errors
    assert [(e.row, e.column, e.rule) for e in a_report.errors] == [
        (2, "grade", "out_of_range"),
        (3, "n_workers", "out_of_range"),
        (7, "grade", "not_integer"),
    ]
    df.loc[[0, 5], "grade"] = "7"
    df.loc[1, "n_workers"] = "3"
    arrow = pd.DataFrame({c: pd.array(df[c].replace("", None), dtype="string") for c in df.columns})
    a_frame, a_report = validate_frame(arrow)
    o_frame, o_report = validate_frame(df)
    assert a_report.ok and o_report.ok
    pd.testing.assert_frame_equal(a_frame, o_frame)
    assert a_frame.loc[3, "grade"] == 7 and a_frame.loc[4, "had_gap"] == "ja"


def test_canonical_frame_turns_pandas_default_str_into_string():
    # text from the database arrives as pandas 3's default "str" (NaN for missing): the frame is "string"
    from analysis.frame import canonical_frame

    df = raw_frame(2).astype("str")
    df.loc[0, "comment_improve"] = None
    out = canonical_frame(df)
    assert all(isinstance(out[c].dtype, pd.StringDtype) and out[c].dtype.na_value is pd.NA for c in df.columns[:5])
    assert out["comment_improve"].isna().tolist() == [True, False]
