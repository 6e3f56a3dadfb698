"""analysis.validation: one test per rule, each pinning file, row, column and rule.

Rows are spreadsheet rows: the header is row 1, so frame position p is row p + 2.
"""

import uuid

import pandas as pd
import pytest
import yaml
from _io_helpers import IDS, raw_frame

from analysis import contract
from analysis.answers import answer_rules
from analysis.frame import canonical_frame, empty_frame
from analysis.questionnaire import DEFAULT_PATH, parse_questionnaire
from analysis.validation import (
    MAX_ERRORS,
    MAX_TEXT_LENGTH,
    RECORD_COLUMNS,
    ErrorRecord,
    ValidationError,
    ValidationReport,
    validate_frame,
)

FILE = "ronde1.csv"
COMMENT_LIMIT = answer_rules()["comment_grade"].max_length  # 1000, from the questionnaire


def _check(df, **kw):
    return validate_frame(df, file=FILE, **kw)


def _where(report):
    return [(e.file, e.row, e.column, e.rule) for e in report.errors]


def _with(pos, column, value, n=4):
    df = raw_frame(n)
    df.loc[pos, column] = value
    return df


# --------------------------------------------------------------------------- valid input


def test_validate_frame_valid_rows_give_the_canonical_frame():
    df = raw_frame(4)
    frame, report = _check(df)
    assert report.ok and report.errors == [] and report.warnings == []
    assert report.n_rows == 4
    pd.testing.assert_frame_equal(frame, canonical_frame(df))
    assert list(frame.columns) == list(contract.COLUMNS)
    assert frame["grade"].dtype == "Int64" and frame["had_gap"].dtype == "string"
    assert frame.loc[1, "n_workers"] == 0  # "0" is a value, not missing
    assert pd.isna(frame.loc[3, "grade"])


def test_validate_frame_accepts_boundaries_and_strips_spaces():
    df = raw_frame(4)
    df.loc[0, ["n_workers", "grade"]] = ["0", "1"]
    df.loc[1, ["n_workers", "grade"]] = ["6", "10"]
    df.loc[2, "had_gap"] = "  ja "
    df.loc[3, "grade"] = "7.0"  # a whole number written as a float
    frame, report = _check(df)
    assert report.ok, report.summary()
    assert frame.loc[2, "had_gap"] == "ja"
    assert frame.loc[3, "grade"] == 7


def test_validate_frame_accepts_numbers_not_only_text():
    df = raw_frame(2)
    df["grade"] = [7.0, float("nan")]
    df["n_workers"] = [3, 0]
    frame, report = _check(df)
    assert report.ok, report.summary()
    assert frame["grade"].tolist() == [7, pd.NA]
    assert frame["n_workers"].tolist() == [3, 0]


def test_validate_frame_comment_columns_may_be_missing():
    df = raw_frame(3).drop(columns=list(contract.COMMENT_COLUMNS))
    frame, report = _check(df)
    assert report.ok
    assert frame["comment_grade"].isna().all()


# --------------------------------------------------------------------------- rules


def test_validate_frame_missing_column():
    frame, report = _check(raw_frame(3).drop(columns=["grade"]))
    assert _where(report) == [(FILE, 1, "grade", "missing_column")]
    assert not report.ok and len(frame) == 0


def test_validate_frame_missing_column_hints_at_wrong_case():
    frame, report = _check(raw_frame(2).rename(columns={"grade": "Grade"}))
    assert _where(report) == [(FILE, 1, "grade", "missing_column")]
    assert "'Grade'" in report.errors[0].message
    assert [(w.row, w.column, w.rule) for w in report.warnings] == [(1, "Grade", "unknown_column")]


def test_validate_frame_duplicate_column():
    df = raw_frame(2)
    df = pd.concat([df, df[["grade"]]], axis=1)
    frame, report = _check(df)
    assert _where(report) == [(FILE, 1, "grade", "duplicate_column")]


def test_validate_frame_unknown_code_suggests_the_right_code():
    frame, report = _check(_with(1, "had_gap", "Ja"))
    assert _where(report) == [(FILE, 3, "had_gap", "unknown_code")]
    err = report.errors[0]
    assert err.value == "Ja"
    assert "did you mean 'ja'?" in err.message.lower()
    assert "Bedoelt u 'ja'?" in err.message_in("nl")


@pytest.mark.parametrize(
    "column,value,hint",
    [
        ("explained_at_start", "Een beetje", "een_beetje"),
        ("explained_at_start", "Weet ik niet meer", "weet_niet"),
        ("respondent_type", "Ouder", "ouder"),
        ("measure_type", "OTS", "ots"),
    ],
)
def test_validate_frame_unknown_code_hint_from_labels(column, value, hint):
    _, report = _check(_with(0, column, value))
    assert _where(report) == [(FILE, 2, column, "unknown_code")]
    assert f"'{hint}'" in report.errors[0].message


def test_validate_frame_unknown_code_na_text_is_not_missing():
    _, report = _check(_with(2, "had_gap", "NA"))
    assert _where(report) == [(FILE, 4, "had_gap", "unknown_code")]
    assert "Allowed: ja, nee, weet_niet" in report.errors[0].message


@pytest.mark.parametrize("column,value", [("n_workers", "7"), ("n_workers", "-1"), ("grade", "0"), ("grade", "11")])
def test_validate_frame_out_of_range(column, value):
    _, report = _check(_with(3, column, value))
    assert _where(report) == [(FILE, 5, column, "out_of_range")]
    assert report.errors[0].value == value


@pytest.mark.parametrize("value", ["7.5", "zeven", "7,0", "7 1/2"])
def test_validate_frame_not_integer(value):
    _, report = _check(_with(0, "grade", value))
    assert _where(report) == [(FILE, 2, "grade", "not_integer")]
    assert report.errors[0].value == value


@pytest.mark.parametrize("column", contract.ID_COLUMNS)
def test_validate_frame_required_value(column):
    _, report = _check(_with(2, column, "  "))
    assert _where(report) == [(FILE, 4, column, "required_value")]
    assert report.errors[0].value is None


def test_validate_frame_duplicate_id_within_file():
    df = raw_frame(4)
    df.loc[3, "response_id"] = df.loc[1, "response_id"].upper()  # same id, other case
    _, report = _check(df)
    assert _where(report) == [(FILE, 5, "response_id", "duplicate_id")]
    assert "row 3" in report.errors[0].message and "rij 3" in report.errors[0].message_in("nl")


def test_validate_frame_duplicate_id_in_database():
    _, report = _check(raw_frame(4), existing_ids={IDS[2].upper(), str(uuid.uuid4())})
    assert _where(report) == [(FILE, 4, "response_id", "duplicate_id")]
    assert "database" in report.errors[0].message


@pytest.mark.parametrize(
    "value",
    [
        "abc",
        "12",  # sequential ids are not allowed
        "ea1086f6-f00d-11f1-b85f-02fc00000001",  # a UUID, but version 1 (time-based)
        "1f3a5c7e9b2d4f608000000000000001",  # no hyphens
        "{1f3a5c7e-9b2d-4f60-8000-000000000001}",
    ],
)
def test_validate_frame_bad_uuid(value):
    _, report = _check(_with(1, "response_id", value))
    assert _where(report) == [(FILE, 3, "response_id", "bad_uuid")]


def test_validate_frame_uuid_is_stored_lower_case():
    df = _with(0, "response_id", IDS[0].upper())
    frame, report = _check(df)
    assert report.ok
    assert frame.loc[0, "response_id"] == IDS[0]


@pytest.mark.parametrize(
    "value", ["2025-W53", "2025-W00", "2025-W54", "2025-7", "2025W07", "2025-w07", "07-2025", "2025-02-14"]
)
def test_validate_frame_bad_week(value):
    # 2025 has 52 ISO weeks (28 Dec 2025 is in week 52); 2026 has 53.
    _, report = _check(_with(0, "submitted_week", value))
    assert _where(report) == [(FILE, 2, "submitted_week", "bad_week")]


def test_validate_frame_week_53_in_a_long_year_is_valid():
    _, report = _check(_with(0, "submitted_week", "2020-W53"))
    assert report.ok


@pytest.mark.parametrize("value", ["JB RA", "-JB", "_A", "JB.RA", "A" * 21, "jbé"])
def test_validate_frame_bad_gi(value):
    _, report = _check(_with(1, "gi", value))
    assert _where(report) == [(FILE, 3, "gi", "bad_gi")]


def test_validate_frame_gi_is_a_free_short_code():
    df = raw_frame(3)
    df["gi"] = ["NIEUW1", "x", "ABCDEFGHIJ"]
    _, report = _check(df)
    assert report.ok


def test_validate_frame_gi_contract_1_1_codes_are_valid():
    # contract 1.1: 1 to 20 letters, digits, _ or -, starting with a letter or digit
    df = raw_frame(4)
    df["gi"] = ["GI_A", "jb-west", "A" * 20, "9-x_Y"]
    frame, report = _check(df)
    assert report.ok
    assert list(frame["gi"]) == ["GI_A", "jb-west", "A" * 20, "9-x_Y"]


def test_validate_frame_bad_gi_message_states_the_contract_rule():
    _, report = _check(_with(0, "gi", "-JB"))
    (err,) = report.errors
    assert "1 to 20 letters, digits, _ or -" in err.message
    assert "1 tot 20 letters, cijfers, _ of -" in err.message_in("nl")


def test_validate_frame_text_too_long_does_not_copy_the_text():
    # the longest comment is the questionnaire's max_length (analysis.answers), as online
    limit = COMMENT_LIMIT
    df = raw_frame(3)
    df.loc[0, "comment_grade"] = "a" * limit
    df.loc[2, "comment_improve"] = "b" * (limit + 1)
    _, report = _check(df)
    assert _where(report) == [(FILE, 4, "comment_improve", "text_too_long")]
    assert report.errors[0].value is None
    assert str(limit + 1) in report.errors[0].message


def test_validate_frame_text_item_without_max_length_uses_max_text_length():
    data = yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))
    data["items"].append({"id": "story", "step": "cijfer", "type": "text", "text": data["items"][-1]["text"]})
    q = parse_questionnaire(data)
    df = raw_frame(2)
    df["story"] = ["a" * MAX_TEXT_LENGTH, "b" * (MAX_TEXT_LENGTH + 1)]
    _, report = _check(df, questionnaire=q)
    assert _where(report) == [(FILE, 3, "story", "text_too_long")]


def test_validate_frame_unknown_column_is_a_warning_and_dropped():
    df = raw_frame(2)
    df["postcode"] = ["1234 AB", ""]
    frame, report = _check(df)
    assert report.ok
    assert [(w.file, w.row, w.column, w.rule) for w in report.warnings] == [(FILE, 1, "postcode", "unknown_column")]
    assert "postcode" not in frame.columns and len(frame) == 2


def test_validate_frame_empty_unnamed_column_is_ignored_silently():
    df = raw_frame(2)
    df[""] = ["", None]
    _, report = _check(df)
    assert report.ok and report.warnings == []


def _questionnaire_with_extra_item():
    data = yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))
    data["items"].append(
        {
            "id": "felt_heard",
            "step": "cijfer",
            "type": "choice",
            "required": False,
            "text": {
                rt: {"nl": "Voelde u zich gehoord?", "en": "Did you feel heard?"} for rt in contract.RESPONDENT_TYPES
            },
            "options": [
                {"code": "ja", "label": {"nl": "Ja", "en": "Yes"}},
                {"code": "nee", "label": {"nl": "Nee", "en": "No"}},
            ],
        }
    )
    return parse_questionnaire(data, "extra.yaml")


def test_validate_frame_keeps_a_column_the_questionnaire_defines():
    q = _questionnaire_with_extra_item()
    df = raw_frame(3)
    df["felt_heard"] = ["ja", "", "nee"]
    frame, report = _check(df, questionnaire=q)
    assert report.ok and report.warnings == []
    assert frame["felt_heard"].tolist() == ["ja", pd.NA, "nee"]
    assert list(frame.columns[: len(contract.COLUMNS)]) == list(contract.COLUMNS)


def test_validate_frame_checks_codes_of_a_questionnaire_column():
    q = _questionnaire_with_extra_item()
    df = raw_frame(3)
    df["felt_heard"] = ["ja", "misschien", "nee"]
    _, report = _check(df, questionnaire=q)
    assert _where(report) == [(FILE, 3, "felt_heard", "unknown_code")]


def test_validate_frame_no_rows_is_a_warning():
    frame, report = _check(raw_frame(0))
    assert report.ok
    assert [w.rule for w in report.warnings] == ["no_rows"]
    assert len(frame) == 0 and list(frame.columns) == list(contract.COLUMNS)


# --------------------------------------------------------------------------- collecting


def test_validate_frame_collects_all_errors_in_row_order():
    df = raw_frame(4).drop(columns=["asked_safety"])
    df.loc[3, "grade"] = "11"
    df.loc[0, "had_gap"] = "jaa"
    df.loc[0, "gi"] = ""
    df.loc[2, "submitted_week"] = "2025-W60"
    _, report = _check(df)
    assert _where(report) == [
        (FILE, 1, "asked_safety", "missing_column"),
        (FILE, 2, "gi", "required_value"),
        (FILE, 2, "had_gap", "unknown_code"),
        (FILE, 4, "submitted_week", "bad_week"),
        (FILE, 5, "grade", "out_of_range"),
    ]
    assert report.n_errors == 5


def test_validate_frame_rejected_file_gives_an_empty_frame():
    frame, report = _check(_with(1, "grade", "12"))
    assert report.ok is False
    assert len(frame) == 0
    pd.testing.assert_frame_equal(frame, empty_frame())


def test_validate_frame_caps_the_list_of_errors():
    n = MAX_ERRORS + 200
    df = pd.DataFrame([raw_frame(1).iloc[0].to_dict()] * n)
    df["response_id"] = [str(uuid.uuid4()) for _ in range(n)]
    df["grade"] = "99"
    _, report = _check(df)
    assert report.n_errors == n
    assert len(report.errors) == MAX_ERRORS + 1
    assert report.truncated
    assert report.errors[-1].rule == "too_many_errors"
    assert report.errors[MAX_ERRORS - 1].row == MAX_ERRORS + 1  # the first 1000 data rows
    assert str(n) in report.errors[-1].message


def test_validate_frame_uses_source_row_numbers():
    df = _with(1, "grade", "x", n=3)
    _, report = _check(df, row_numbers=[2, 5, 9])
    assert _where(report) == [(FILE, 5, "grade", "not_integer")]
    # row numbers travel explicitly: DataFrame.attrs are not read
    df.attrs["source_rows"] = [3, 4, 8]
    _, report = _check(df)
    assert _where(report) == [(FILE, 3, "grade", "not_integer")]
    with pytest.raises(ValueError, match="row_numbers has 2 entries for 3 rows"):
        _check(df, row_numbers=[2, 3])


# --------------------------------------------------------------------------- report


def test_validation_report_raise_if_errors_names_file_row_column():
    _, report = _check(_with(1, "grade", "12"))
    with pytest.raises(ValidationError) as info:
        report.raise_if_errors()
    assert info.value.report is report
    assert "ronde1.csv" in str(info.value) and "row 3" in str(info.value) and "column grade" in str(info.value)
    ok_report = ValidationReport(file="x.csv")
    ok_report.raise_if_errors()  # nothing to raise
    assert ok_report.ok


def test_validation_report_to_frame_lists_errors_then_warnings():
    df = _with(0, "grade", "12")
    df["extra"] = "x"
    _, report = _check(df)
    table = report.to_frame()
    assert list(table.columns) == list(RECORD_COLUMNS)
    assert table["severity"].tolist() == ["error", "warning"]
    assert table["row"].tolist() == [2, 1]
    assert table.loc[0, "rule"] == "out_of_range" and table.loc[0, "value"] == "12"
    assert len(ValidationReport(file="x").to_frame()) == 0


def test_validation_report_summary_in_dutch_and_english():
    _, report = _check(_with(0, "grade", "12"))
    nl = report.summary("nl")
    en = report.summary("en")
    assert "ronde1.csv: 4 rijen, 1 fout, 0 waarschuwingen." in nl
    assert "afgekeurd" in nl and "rij 2, kolom grade" in nl
    assert "ronde1.csv: 4 rows, 1 error, 0 warnings." in en
    assert "rejected" in en and "row 2, column grade" in en


def test_error_record_is_frozen():
    rec = ErrorRecord("f", 2, "grade", "x", "not_integer", {"value": "'x'", "column": "grade"})
    assert rec.message == "'x' in grade is not a whole number."
    assert rec.message_in("nl") == "'x' in grade is geen heel getal."
    with pytest.raises(AttributeError):
        rec.row = 3


# --------------------------------------------------------------------------- optional column (contract 1.1)


def test_validate_frame_questionnaire_variant_wrong_value_names_file_row_column_value_and_rule():
    # issue 12: questionnaire_variant is 'standaard' or 'makkelijk' (analysis.contract.OPTIONAL_COLUMNS)
    df = raw_frame(4)
    df[contract.VARIANT_COLUMN] = ["standaard", "Makkelijk", "anders", "makkelijk"]
    frame, report = _check(df)
    assert not report.ok and frame.empty and contract.VARIANT_COLUMN in frame.columns
    got = [(e.file, e.row, e.column, e.value, e.rule) for e in report.errors]
    assert got == [
        (FILE, 3, contract.VARIANT_COLUMN, "Makkelijk", "unknown_code"),
        (FILE, 4, contract.VARIANT_COLUMN, "anders", "unknown_code"),
    ]
    hint, plain = report.errors
    assert hint.message_in("nl") == (
        "'Makkelijk' is geen code van questionnaire_variant. Bedoelt u 'makkelijk'? Toegestaan: standaard, makkelijk."
    )
    assert plain.message == "'anders' is not a code of questionnaire_variant. Allowed: standaard, makkelijk."
    assert "unknown_column" not in report.rules()


def test_validate_frame_questionnaire_variant_is_kept_and_empty_or_missing_means_standard():
    df = raw_frame(3)
    df[contract.VARIANT_COLUMN] = ["makkelijk", "", " standaard "]
    frame, report = _check(df)
    assert report.ok and report.warnings == []
    assert frame[contract.VARIANT_COLUMN].tolist() == ["makkelijk", "standaard", "standaard"]
    assert list(frame.columns) == [*contract.COLUMNS, contract.VARIANT_COLUMN]
    without, report = _check(raw_frame(3))  # no column: the standard version (storage fills it in)
    assert report.ok and list(without.columns) == list(contract.COLUMNS)
