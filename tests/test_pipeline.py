"""analysis.pipeline: read, map, validate, scrub and check the round, with row numbers
carried explicitly and error counts that stay true beyond the listed records."""

from __future__ import annotations

import uuid

import pandas as pd
import pytest
from _io_helpers import as_records, raw_frame, write_csv_text

from analysis import pipeline, validation
from analysis.io import RawTable, ReadError
from analysis.validation import MAX_ERRORS, ValidationReport, unreadable_report, validate_frame

ROUND = pipeline.RoundDescription("ronde-2025-1", ("JBRA", "WSS", "JBN", "JBG"))


def _csv(tmp_path, df, name="ronde.csv", blank_after=None):
    rec = as_records(df)
    if blank_after is not None:
        rec = rec[: blank_after + 1] + [[]] + rec[blank_after + 1 :]
    path = tmp_path / name
    write_csv_text(path, rec)
    return path


def test_prepare_import_runs_every_step_and_keeps_row_numbers(tmp_path):
    df = raw_frame(4)
    df.loc[1, "comment_improve"] = "Bel mij op 06-12345678"
    path = _csv(tmp_path, df, blank_after=1)  # a blank line after row 2: rows 2, 4, 5, 6
    prepared = pipeline.prepare_import(path, round=ROUND)
    assert prepared.ok and prepared.round_id == "ronde-2025-1" and prepared.scrubbed
    assert prepared.rows == (2, 4, 5, 6) and len(prepared) == 4
    assert "06-12345678" not in prepared.frame.loc[1, "comment_improve"]
    assert prepared.frame.attrs == {}


def test_prepare_import_round_errors_name_the_spreadsheet_row(tmp_path):
    df = raw_frame(4)
    df.loc[2, "gi"] = "JBW"
    df.loc[3, "round_id"] = "andere-ronde"
    path = _csv(tmp_path, df, blank_after=1)
    prepared = pipeline.prepare_import(path, round=ROUND)
    assert not prepared.ok and len(prepared) == 0 and prepared.rows == ()
    assert [(e.file, e.row, e.column, e.value, e.rule) for e in prepared.report.errors] == [
        ("ronde.csv", 5, "gi", "JBW", "gi_not_in_round"),
        ("ronde.csv", 6, "round_id", "andere-ronde", "wrong_round"),
    ]


def test_prepare_import_with_a_mapping_reads_another_tools_file(tmp_path):
    from analysis.mapping import suggest_mapping

    df = raw_frame(3).rename(columns={"gi": "Instelling", "grade": "Rapportcijfer"})
    df.loc[2, "Rapportcijfer"] = "twaalf"
    path = _csv(tmp_path, df)
    raw = pipeline.read(path)
    mapping = suggest_mapping(raw.frame)
    prepared = pipeline.prepare_import(raw, mapping=mapping, round=ROUND)
    assert [(e.row, e.column, e.rule) for e in prepared.report.errors] == [(4, "grade", "not_integer")]


def test_prepare_import_unreadable_file_is_a_report_not_an_exception(tmp_path):
    prepared = pipeline.prepare_import(tmp_path / "weg.xlsx", round=ROUND)
    assert not prepared.ok and prepared.report.rules() == {"unreadable_file"}
    assert prepared.report.file == "weg.xlsx" and len(prepared) == 0


def test_prepare_import_of_a_dataframe_numbers_rows_from_two():
    df = raw_frame(3)
    df.loc[1, "grade"] = "11"
    prepared = pipeline.prepare_import(df, file="frame", round=ROUND)
    assert [(e.file, e.row) for e in prepared.report.errors] == [("frame", 3)]


def test_prepared_import_without_round_check_has_no_round():
    prepared = pipeline.prepare_import(raw_frame(2))
    assert prepared.ok and prepared.round_id is None


def test_raw_table_needs_one_row_number_per_row():
    with pytest.raises(ValueError, match="3 row numbers for 2 rows"):
        RawTable(raw_frame(2), (2, 3, 4))


# --------------------------------------------------------------------------- truthful counts


def _many(n: int) -> pd.DataFrame:
    df = pd.DataFrame([raw_frame(1).iloc[0].to_dict()] * n)
    df["response_id"] = [str(uuid.UUID(int=i + 1, version=4)) for i in range(n)]
    return df


def test_error_counts_are_true_beyond_the_listed_records():
    df = _many(2500)
    df.loc[:2416, "grade"] = "99"  # 2,417 rows with an error ...
    df.loc[:99, "had_gap"] = "misschien"  # ... of which 100 with two
    _, report = validate_frame(df, file="groot.csv")
    assert report.n_error_rows == 2417 and report.n_errors == 2517
    assert report.n_listed == MAX_ERRORS and report.truncated
    assert report.error_summary("nl") == "2.417 rijen hebben fouten; de eerste 1.000 staan hieronder"
    assert report.error_summary("en") == "2,417 rows have errors; the first 1,000 are listed"
    assert report.error_summary("en", listed=50) == "2,417 rows have errors; the first 50 are listed"
    assert "2517 errors found; only the first 1000 are listed." == report.errors[-1].message


def test_round_error_counts_are_true_beyond_the_listed_records():
    df = _many(1500)
    df["gi"] = "JBW"
    prepared = pipeline.prepare_import(df, file="jbw.csv", round=ROUND)
    report = prepared.report
    assert report.n_error_rows == 1500 and report.n_errors == 1500 and report.n_listed == MAX_ERRORS
    assert report.error_summary("nl") == "1.500 rijen hebben fouten; de eerste 1.000 staan hieronder"
    assert report.errors[MAX_ERRORS - 1].row == MAX_ERRORS + 1


def test_error_summary_small_numbers_and_whole_file_problems():
    df = raw_frame(3)
    df.loc[0, "grade"] = "11"
    _, one = validate_frame(df)
    assert one.error_summary("nl") == "1 rij heeft een fout" and one.error_summary("en") == "1 row has an error"
    df.loc[0, "had_gap"] = "x"
    df.loc[2, "gi"] = "-"
    _, three = validate_frame(df)
    assert three.error_summary("nl") == "2 rijen hebben fouten"
    assert three.error_summary("en") == "2 rows have errors"
    whole = unreadable_report("x.csv", ReadError("empty").reason)
    assert whole.error_summary("nl") == "1 fout" and whole.error_summary("en") == "1 error"
    assert ValidationReport(file="ok.csv").error_summary("nl") == ""


def test_validation_error_text_counts_truthfully():
    df = _many(1200)
    df["grade"] = "0"
    _, report = validate_frame(df, file="nul.csv")
    text = str(validation.ValidationError(report))
    assert text.startswith("nul.csv: 1,200 rows have errors; the first 5 are listed: ")
    assert text.endswith("; ... and 1,195 more")


def test_field_count_problems_count_as_rows_with_errors(tmp_path):
    rec = as_records(raw_frame(3))
    rec[2] = rec[2] + ["losse tekst"]
    rec[3][-3] = "99"  # grade of row 4: out of range
    path = tmp_path / "lang.csv"
    write_csv_text(path, rec)
    prepared = pipeline.prepare_import(path, round=ROUND)
    assert [(e.row, e.rule) for e in prepared.report.errors] == [(3, "wrong_field_count"), (4, "out_of_range")]
    assert prepared.report.n_error_rows == 2


# --------------------------------------------------------------------------- one check per rule


def test_validate_frame_runs_every_check_once_in_order(monkeypatch):
    seen = []
    original = validation.CHECKS

    def spy(f):
        return lambda ctx: (seen.append(f.__name__), f(ctx))[1]

    monkeypatch.setattr(validation, "CHECKS", tuple(spy(f) for f in original))
    validate_frame(raw_frame(2))
    assert seen == [f.__name__ for f in original]
    assert all(name.startswith("check_") for name in seen)


def test_a_check_is_a_small_function_of_the_shared_context():
    df = raw_frame(3)
    df.loc[1, "gi"] = "-JB"
    df.loc[2, "grade"] = "11"
    ctx = validation._context(
        df, file="f.csv", questionnaire=None, existing_ids=(), rows=pd.RangeIndex(2, 5).to_numpy(), field_counts=()
    )
    validation.check_gi(ctx)  # only the gi rule runs
    assert [(e.row, e.column, e.rule) for e in ctx.collector.records()] == [(3, "gi", "bad_gi")]
    validation.check_integers(ctx)
    assert [(e.row, e.rule) for e in ctx.collector.records()] == [(3, "bad_gi"), (4, "out_of_range")]
