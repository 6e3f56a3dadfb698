"""analysis.io: reading CSV/XLSX/SAV/Parquet into the canonical frame, writing them back."""

import codecs
import copy
import io as _io

import numpy as np
import openpyxl
import pandas as pd
import pyreadstat
import pytest
from _io_helpers import IDS, as_records, raw_frame, valid_frame, write_csv_text

from analysis import contract
from analysis.frame import canonical_frame, empty_frame
from analysis.io import (
    ReadError,
    detect_delimiter,
    neutralise_formula,
    read_frame_raw,
    read_responses,
    read_table,
    write_responses,
)
from analysis.pipeline import prepare_import
from analysis.questionnaire import load_questionnaire


def _where(report):
    return [(e.file, e.row, e.column, e.rule) for e in report.errors]


# --------------------------------------------------------------------------- CSV


@pytest.mark.parametrize(
    "sep,encoding",
    [
        (",", "utf-8"),
        (";", "utf-8"),
        (",", "utf-8-sig"),  # with BOM
        (";", "utf-8-sig"),
        (";", "cp1252"),  # Windows-1252, as a Dutch Excel saves "CSV (gescheiden door lijstscheidingsteken)"
        ("\t", "utf-8"),
    ],
)
def test_read_responses_csv_detects_delimiter_and_encoding(tmp_path, sep, encoding):
    df = raw_frame(4)
    df.loc[2, "comment_improve"] = "één keer; ‘te laat’, café"
    path = tmp_path / "antwoorden.csv"
    write_csv_text(path, as_records(df), sep=sep, encoding=encoding)
    frame, report = read_responses(path)
    assert report.ok, report.summary()
    assert frame.loc[2, "comment_improve"] == "één keer; ‘te laat’, café"
    assert frame.loc[0, "comment_grade"] == "Ze luistert goed, één keer te laat."
    pd.testing.assert_frame_equal(frame, canonical_frame(df))


def test_read_responses_csv_bom_is_not_part_of_the_first_column(tmp_path):
    path = tmp_path / "bom.csv"
    write_csv_text(path, as_records(raw_frame(2)), encoding="utf-8-sig")
    assert path.read_bytes().startswith(codecs.BOM_UTF8)
    raw = read_frame_raw(path)
    assert raw.columns[0] == "response_id"


def test_read_responses_csv_utf16_excel_unicode_text(tmp_path):
    path = tmp_path / "unicode.txt"
    write_csv_text(path, as_records(raw_frame(2)), sep="\t", encoding="utf-16")
    frame, report = read_responses(path)
    assert report.ok, report.summary()
    assert frame.loc[0, "comment_grade"] == "Ze luistert goed, één keer te laat."


def test_detect_delimiter_uses_the_header_line():
    assert detect_delimiter("a,b,c") == ","
    assert detect_delimiter("a;b;c") == ";"
    assert detect_delimiter('"x,y";b;c') == ";"  # a comma inside quotes does not count
    assert detect_delimiter("a\tb") == "\t"
    assert detect_delimiter("response_id") == ","


def test_read_responses_csv_keeps_zero_and_na_as_written(tmp_path):
    df = raw_frame(3)
    df.loc[0, "n_workers"] = "0"
    df.loc[1, "had_gap"] = "NA"
    path = tmp_path / "na.csv"
    write_csv_text(path, as_records(df))
    frame, report = read_responses(path)
    assert _where(report) == [("na.csv", 3, "had_gap", "unknown_code")]
    df.loc[1, "had_gap"] = "nee"
    write_csv_text(path, as_records(df))
    frame, report = read_responses(path)
    assert report.ok and frame.loc[0, "n_workers"] == 0


def test_read_responses_csv_row_numbers_follow_records(tmp_path):
    # a comment with a line break spans two physical lines but is one spreadsheet row;
    # a blank line is skipped but still counts.
    df = raw_frame(3)
    df.loc[0, "comment_grade"] = "regel een\nregel twee"
    df.loc[2, "grade"] = "11"
    rec = as_records(df)
    path = tmp_path / "rows.csv"
    write_csv_text(path, rec[:2] + [[""] * 0] + rec[2:])  # header, row 2, blank row 3, rows 4-5
    frame, report = read_responses(path)
    assert _where(report) == [("rows.csv", 5, "grade", "out_of_range")]
    assert report.n_rows == 3
    df.loc[2, "grade"] = "10"
    write_csv_text(path, as_records(df)[:2] + [[]] + as_records(df)[2:])
    frame, report = read_responses(path)
    assert report.ok
    # for later checks (the round, the database) the row numbers travel with the prepared import
    assert read_table(path).rows == (2, 4, 5)
    assert prepare_import(path).rows == (2, 4, 5) and frame.attrs == {}


def test_read_responses_frames_with_row_numbers_can_be_combined(tmp_path):
    write_csv_text(tmp_path / "a.csv", as_records(raw_frame(3)))
    a, _ = read_responses(tmp_path / "a.csv")
    b = a.copy()
    b["response_id"] = b["response_id"].str.replace("1f3a", "2f3a")
    both = pd.concat([a, b], ignore_index=True)  # nothing hidden in attrs to break concat or copies
    assert len(both) == 6
    assert a.attrs == {} and copy.deepcopy(a).attrs == {}


def test_read_responses_csv_row_longer_than_header(tmp_path):
    rec = as_records(raw_frame(3))
    rec[2] = rec[2] + ["losse tekst"]  # an unquoted delimiter in a comment shifts the cells
    path = tmp_path / "lang.csv"
    write_csv_text(path, rec)
    frame, report = read_responses(path)
    assert _where(report) == [("lang.csv", 3, None, "wrong_field_count")]
    assert len(frame) == 0 and not report.ok


def test_read_responses_csv_row_shorter_than_header(tmp_path):
    # A cut-off last line (a copy or upload that stopped half-way) used to be padded with
    # empty cells: its missing answers were silently read as "not answered".
    rec = as_records(raw_frame(4))
    path = tmp_path / "kort.csv"
    write_csv_text(path, rec)
    cut = path.read_text(encoding="utf-8").rstrip("\n")
    for _ in range(3):  # the last row loses its last three cells (grade and the comments)
        cut = cut[: cut.rindex(",")]
    path.write_text(cut, encoding="utf-8")
    frame, report = read_responses(path)
    assert _where(report) == [("kort.csv", 5, None, "wrong_field_count")]
    assert len(frame) == 0 and not report.ok
    [err] = report.errors
    width = len(contract.COLUMNS)
    assert err.message.startswith(f"Row has {width - 3} cells but the header has {width}; ")
    assert "cut off" in err.message
    assert err.message_in("nl").startswith(f"De rij heeft {width - 3} cellen, maar de kopregel heeft er {width}; ")
    assert "afgebroken" in err.message_in("nl")
    # a short row in the middle (a delimiter missing), with a semicolon file
    rec = as_records(raw_frame(4))
    rec[2] = rec[2][:5]
    write_csv_text(path, rec, sep=";")
    frame, report = read_responses(path)
    assert _where(report) == [("kort.csv", 3, None, "wrong_field_count")]
    assert "5 cells" in report.errors[0].message


def test_read_responses_csv_empty_lines_are_still_skipped(tmp_path):
    rec = as_records(raw_frame(3))
    width = len(contract.COLUMNS)
    # a blank line (0 cells) and a line of delimiters only (every cell empty) are not short rows
    path = tmp_path / "leeg.csv"
    write_csv_text(path, rec[:2] + [[]] + rec[2:3] + [[""] * (width - 4)] + rec[3:] + [[]])
    frame, report = read_responses(path)
    assert report.ok, report.summary()
    assert read_table(path).rows == (2, 4, 6)


def test_read_responses_xlsx_short_rows_are_not_an_error(tmp_path):
    # Excel leaves trailing empty cells out of a row; that is "not answered", not a cut-off row.
    wb = openpyxl.Workbook()
    ws = wb.active
    rec = as_records(raw_frame(2))
    ws.append(rec[0])
    ws.append(rec[1])
    ws.append(rec[2][:-2])  # comment_grade and comment_improve empty
    path = tmp_path / "kort.xlsx"
    wb.save(path)
    frame, report = read_responses(path)
    assert report.ok, report.summary()
    assert len(frame) == 2


def test_read_responses_csv_trailing_delimiters_are_ignored(tmp_path):
    rec = [r + [""] for r in as_records(raw_frame(2))]
    path = tmp_path / "trailing.csv"
    write_csv_text(path, rec, sep=";")
    frame, report = read_responses(path)
    assert report.ok and report.warnings == []
    assert len(frame) == 2


def test_read_responses_csv_reports_every_error_with_the_file_name(tmp_path):
    df = raw_frame(4).drop(columns=["opinion_asked"])
    df.loc[0, "grade"] = "7.5"
    df.loc[3, "response_id"] = df.loc[0, "response_id"]
    path = tmp_path / "fout.csv"
    write_csv_text(path, as_records(df), sep=";")
    frame, report = read_responses(path, existing_ids=[IDS[1]])
    assert _where(report) == [
        ("fout.csv", 1, "opinion_asked", "missing_column"),
        ("fout.csv", 2, "grade", "not_integer"),
        ("fout.csv", 3, "response_id", "duplicate_id"),
        ("fout.csv", 5, "response_id", "duplicate_id"),
    ]
    assert len(frame) == 0
    pd.testing.assert_frame_equal(frame, empty_frame())


# --------------------------------------------------------------------------- unreadable


def test_read_responses_unreadable_files(tmp_path):
    cases = {}
    cases["weg.csv"] = None  # does not exist
    (tmp_path / "leeg.csv").write_bytes(b"")
    cases["leeg.csv"] = "empty"
    (tmp_path / "kapot.xlsx").write_bytes(b"dit is geen excel")
    cases["kapot.xlsx"] = "Excel"
    (tmp_path / "kapot.sav").write_bytes(b"dit is geen spss")
    cases["kapot.sav"] = "SPSS"
    (tmp_path / "oud.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    cases["oud.xls"] = ".xls"
    (tmp_path / "data.json").write_text("{}")
    cases["data.json"] = "unknown file type"
    (tmp_path / "binair.csv").write_bytes(b"a,b\x00c")
    cases["binair.csv"] = "NUL"
    (tmp_path / "kapot.parquet").write_bytes(b"PAR1nope")
    cases["kapot.parquet"] = "Parquet"
    for name, fragment in cases.items():
        frame, report = read_responses(tmp_path / name)
        assert _where(report) == [(name, None, None, "unreadable_file")], name
        assert report.ok is False and len(frame) == 0
        if fragment:
            assert fragment in report.errors[0].message, (name, report.errors[0].message)
        assert report.errors[0].message_in("nl").startswith("Het bestand kan niet worden gelezen")


def test_read_frame_raw_raises_read_error(tmp_path):
    with pytest.raises(ReadError):
        read_frame_raw(tmp_path / "weg.csv")


def test_read_frame_raw_keeps_text_and_duplicate_headers(tmp_path):
    rec = as_records(raw_frame(2))
    rec[0] = [" Response ID "] + rec[0][1:] + ["grade"]
    rec[1] = rec[1] + ["007"]
    rec[2] = rec[2] + [""]
    path = tmp_path / "raw.csv"
    write_csv_text(path, rec, sep=";")
    raw = read_frame_raw(path)
    assert raw.columns[0] == "Response ID"
    assert list(raw.columns).count("grade") == 2
    assert raw.iloc[0, -1] == "007" and pd.isna(raw.iloc[1, -1])
    assert all(isinstance(raw.iloc[:, j].dtype, pd.StringDtype) for j in range(raw.shape[1]))
    table = read_table(path)
    assert table.rows == (2, 3) and table.file == "raw.csv"
    pd.testing.assert_frame_equal(table.frame, raw)


def test_read_responses_accepts_bytes_and_file_objects():
    buf = _io.StringIO()
    raw_frame(2).to_csv(buf, index=False, sep=";")
    data = buf.getvalue().encode("cp1252")
    frame, report = read_responses(data, file="upload.csv")
    assert report.ok and report.file == "upload.csv" and len(frame) == 2
    fh = _io.BytesIO(data)
    fh.name = "C:/Users/x/ronde.csv"
    frame, report = read_responses(fh)
    assert report.ok and report.file == "ronde.csv"


# --------------------------------------------------------------------------- XLSX


def _write_xlsx_by_hand(path, rows, *, start_blank_rows=0):
    wb = openpyxl.Workbook()
    ws = wb.active
    for _ in range(start_blank_rows):
        ws.append([])
    for r in rows:
        ws.append(r)
    wb.create_sheet("tweede")["A1"] = "niet lezen"
    wb.save(path)


def test_read_responses_xlsx_numbers_become_codes(tmp_path):
    rec = as_records(raw_frame(3))
    gi = rec[0].index("grade")
    nw = rec[0].index("n_workers")
    rec[1][gi], rec[1][nw] = 7.0, 2  # Excel stores numbers as floats
    rec[2][gi], rec[2][nw] = 1, 0.0
    rec[3][gi], rec[3][nw] = 10.0, 6
    path = tmp_path / "ronde.xlsx"
    _write_xlsx_by_hand(path, rec)
    frame, report = read_responses(path)
    assert report.ok, report.summary()
    assert frame["grade"].tolist() == [7, 1, 10]
    assert frame["n_workers"].tolist() == [2, 0, 6]
    assert frame.loc[0, "comment_grade"] == "Ze luistert goed, één keer te laat."


def test_read_responses_xlsx_errors_name_the_sheet_row(tmp_path):
    rec = as_records(raw_frame(3))
    gi = rec[0].index("grade")
    rec[3][gi] = 7.5
    path = tmp_path / "fout.xlsx"
    _write_xlsx_by_hand(path, rec, start_blank_rows=2)  # header on row 3
    frame, report = read_responses(path)
    assert _where(report) == [("fout.xlsx", 6, "grade", "not_integer")]
    assert report.errors[0].value == "7.5"


# --------------------------------------------------------------------------- SAV


def _spss_frame(n=3):
    """An SPSS-style table: codes as numbers 1..k, value labels in Dutch or English."""
    df = raw_frame(n)
    out = {}
    labels = {}
    q = load_questionnaire()
    for c in contract.COLUMNS:
        if c in contract.CODES and c != "respondent_type":
            item = q.item(c)
            codes = list(item.codes)
            out[c] = [float(codes.index(v) + 1) if v else np.nan for v in df[c]]
            lang = "en" if c.startswith("quality_") else "nl"
            labels[c] = {float(i + 1): o.label.get(lang) for i, o in enumerate(item.options)}
        elif c in contract.INT_RANGES:
            out[c] = [float(v) if v else np.nan for v in df[c]]
        else:
            out[c] = list(df[c])
    # respondent_type: labels are the codes themselves
    out["respondent_type"] = [1.0 if v == "ouder" else 2.0 for v in df["respondent_type"]]
    labels["respondent_type"] = {1.0: "ouder", 2.0: "jeugdige"}
    return pd.DataFrame(out), labels


def test_read_responses_sav_maps_value_labels_to_codes(tmp_path):
    table, labels = _spss_frame(4)
    path = tmp_path / "spss.sav"
    pyreadstat.write_sav(table, str(path), variable_value_labels=labels)
    frame, report = read_responses(path)
    assert report.ok, report.summary()
    pd.testing.assert_frame_equal(frame, valid_frame(4))


def test_read_responses_sav_n_workers_coded_by_label(tmp_path):
    table, labels = _spss_frame(3)
    # n_workers coded 1..7 with the Dutch answer labels: 1 = "Nog geen" (0), 7 = "Meer dan 5" (6)
    table["n_workers"] = [3.0, 1.0, 7.0]
    labels["n_workers"] = {1.0: "Nog geen", 2.0: "1", 3.0: "2", 4.0: "3", 5.0: "4", 6.0: "5", 7.0: "Meer dan 5"}
    path = tmp_path / "n.sav"
    pyreadstat.write_sav(table, str(path), variable_value_labels=labels)
    frame, report = read_responses(path)
    assert report.ok, report.summary()
    assert frame["n_workers"].tolist() == [2, 0, 6]


def test_read_responses_sav_unlabelled_value_is_an_unknown_code(tmp_path):
    table, labels = _spss_frame(3)
    table.loc[1, "had_gap"] = 9.0  # no label
    table.loc[2, "explained_at_start"] = 5.0
    labels["explained_at_start"] = {**labels["explained_at_start"], 5.0: "Geen idee"}
    path = tmp_path / "onbekend.sav"
    pyreadstat.write_sav(table, str(path), variable_value_labels=labels)
    frame, report = read_responses(path)
    assert _where(report) == [
        ("onbekend.sav", 3, "had_gap", "unknown_code"),
        ("onbekend.sav", 4, "explained_at_start", "unknown_code"),
    ]
    assert report.errors[0].value == "9"
    assert report.errors[1].value == "Geen idee"


# --------------------------------------------------------------------------- Parquet


def test_read_responses_parquet(tmp_path):
    df = valid_frame(4)
    path = tmp_path / "x.parquet"
    df.to_parquet(path, index=False)
    frame, report = read_responses(path)
    assert report.ok
    pd.testing.assert_frame_equal(frame, df)


# --------------------------------------------------------------------------- writing


@pytest.mark.parametrize("ext", ["csv", "xlsx", "sav", "parquet"])
def test_write_responses_round_trip(tmp_path, ext):
    df = valid_frame(4)
    df.loc[1, "comment_grade"] = 'Lange tekst met "aanhalingstekens", puntkomma; en\neen nieuwe regel ' + "x" * 600
    path = write_responses(df, tmp_path / f"uit.{ext}")
    assert path.exists()
    frame, report = read_responses(path)
    assert report.ok, report.summary()
    pd.testing.assert_frame_equal(frame, df)


def test_write_responses_format_overrides_extension(tmp_path):
    path = write_responses(valid_frame(2), tmp_path / "uit.dat", format="csv", sep=";", bom=True)
    data = path.read_bytes()
    assert data.startswith(codecs.BOM_UTF8)
    assert data.decode("utf-8-sig").splitlines()[0] == ";".join(contract.COLUMNS)
    with pytest.raises(ValueError):
        write_responses(valid_frame(2), tmp_path / "uit.json")


def test_write_responses_csv_contract_column_order_and_integers(tmp_path):
    df = valid_frame(4)[list(reversed(contract.COLUMNS))]  # any order in, contract order out
    path = write_responses(df, tmp_path / "uit.csv")
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == ",".join(contract.COLUMNS)
    assert ",7," in lines[1] and "7.0" not in lines[1]


FORMULAS = ['=HYPERLINK("http://x","klik")', "+31 20", "-2+3", "@SUM(A1)", "\tverborgen", "\r=1"]


def test_neutralise_formula_prefixes_an_apostrophe():
    for text in FORMULAS:
        assert neutralise_formula(text) == "'" + text
    for text in ["Goed gedaan", "7", "'al veilig", "e=mc2", None]:
        assert neutralise_formula(text) == text


def test_write_responses_csv_neutralises_formulas(tmp_path):
    df = valid_frame(len(FORMULAS))
    df["comment_improve"] = pd.array(FORMULAS, dtype="string")
    path = write_responses(df, tmp_path / "formules.csv")
    frame, report = read_responses(path)
    assert report.ok
    # text is stripped on the way in (canonical frame), then neutralised on the way out
    assert frame["comment_improve"].tolist() == [neutralise_formula(t.strip()) for t in FORMULAS]
    assert frame["comment_improve"].tolist()[:4] == ["'" + t for t in FORMULAS[:4]]
    text = path.read_text(encoding="utf-8")
    assert "'=HYPERLINK" in text and "\n=" not in text and ",=" not in text and ",@" not in text


def test_write_responses_xlsx_neutralises_formulas(tmp_path):
    df = valid_frame(len(FORMULAS))
    df["comment_improve"] = pd.array(FORMULAS, dtype="string")
    df.loc[0, "comment_grade"] = "controle\x01teken"  # not allowed in XML: removed
    path = write_responses(df, tmp_path / "formules.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    col = list(contract.COLUMNS).index("comment_improve") + 1
    cells = [ws.cell(row=r, column=col) for r in range(2, 2 + len(FORMULAS))]
    assert all(c.data_type == "s" for c in cells)  # text, never a formula ("f")
    assert cells[0].value == "'" + FORMULAS[0]
    assert ws.cell(row=2, column=col - 1).value == "controleteken"
    assert ws.cell(row=2, column=list(contract.COLUMNS).index("grade") + 1).value == 7


def test_write_responses_sav_codes_labels_and_question_text(tmp_path):
    df = valid_frame(4)
    path = write_responses(df, tmp_path / "uit.sav")
    table, meta = pyreadstat.read_sav(str(path))
    q = load_questionnaire()
    assert list(table.columns) == list(contract.COLUMNS)
    assert meta.variable_value_labels["had_gap"] == {1.0: "ja", 2.0: "nee", 3.0: "weet_niet"}
    assert meta.variable_value_labels["n_workers"][6.0] == "Meer dan 5"
    assert table["had_gap"].tolist()[:3] == [2.0, 3.0, 1.0]
    assert table["grade"].tolist()[:3] == [7.0, 1.0, 10.0]
    labels = dict(zip(meta.column_names, meta.column_labels))
    assert labels["explained_at_start"] == q.item("explained_at_start").question("ouder", "nl")
    assert labels["gi"] == "Gecertificeerde instelling (GI)"
    assert meta.variable_measure["had_gap"] == "nominal"


def test_read_responses_xlsx_cell_right_of_the_header(tmp_path):
    rec = as_records(raw_frame(2))
    rec[2] = rec[2] + [None, "notitie"]
    path = tmp_path / "notitie.xlsx"
    _write_xlsx_by_hand(path, rec)
    frame, report = read_responses(path)
    assert _where(report) == [("notitie.xlsx", 3, None, "wrong_field_count")]
    assert "right of the last column" in report.errors[0].message
    assert len(frame) == 0
