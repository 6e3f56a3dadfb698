"""Uploads that cannot take the server down (analysis.io limits, issue 8 item 5).

A zip bomb, a 2 GB sparse CSV and a 300 MB single field are each refused with
a message naming the file, before they are parsed.  Memory is measured in a
fresh subprocess (``resource.getrusage(...).ru_maxrss``: the peak resident set
of that process, in KiB on Linux; see _measure for why a shell starts it) and
must stay under 500 MB; the imports of pandas and the library alone take
about 140 MB.  Time is not asserted (see
the brief: speed belongs in benchmarks/).
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from analysis.io import MB, LimitExceeded, ReadLimits, read_frame_raw, read_limits, read_responses, write_responses
from sample_data.generator import generate

ROOT = Path(__file__).resolve().parents[1]
MEMORY_LIMIT_MB = 500

# a subprocess that reads one file (through the library or the CLI) and reports its peak memory
_MEASURE = r"""
import json, resource, sys
how, path = sys.argv[1], sys.argv[2]
out = {}
if how == "library":
    from analysis.io import read_responses
    df, report = read_responses(path)
    out["rules"] = [e.rule for e in report.errors]
    out["messages"] = [e.text("en") for e in report.errors]
    out["files"] = [e.file for e in report.errors]
else:
    import contextlib, io
    from survey_app.cli import main
    buf = io.StringIO()
    with contextlib.redirect_stderr(buf), contextlib.redirect_stdout(buf):
        out["exit"] = main(["validate", path])
    out["output"] = buf.getvalue()
out["maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out))
"""


def _measure(how: str, path: Path, **env: str) -> dict:
    """Run _MEASURE in a fresh process and return what it printed.

    Linux carries a process's peak memory across exec, and a child made by
    fork starts as a copy of its parent: a Python started straight from
    pytest would report pytest's own peak (600 MB in the full suite).  So a
    shell forks it: the shell is small, and its child starts from the shell.
    """
    full_env = {**os.environ, **env}
    proc = subprocess.run(
        ["/bin/sh", "-c", '"$0" "$@"; exit $?', sys.executable, "-c", _MEASURE, how, str(path)],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _workbook_parts() -> dict[str, bytes]:
    """The parts of a real one-sheet workbook written by openpyxl."""
    wb = openpyxl.Workbook()
    wb.active.append(["response_id", "round_id"])
    buf = io.BytesIO()
    wb.save(buf)
    with zipfile.ZipFile(buf) as z:
        return {i.filename: z.read(i.filename) for i in z.infolist()}


def make_zip_bomb(path: Path, unpacked_mb: int) -> Path:
    """A valid .xlsx whose sheet unpacks to ``unpacked_mb`` MB of rows (packed some 200 times)."""
    parts = _workbook_parts()
    sheet = "xl/worksheets/sheet1.xml"
    head = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    )
    row = b'<row><c t="inlineStr"><is><t>x</t></is></c><c t="inlineStr"><is><t>y</t></is></c></row>'
    block = row * (MB // len(row))
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for name, data in parts.items():
            if name != sheet:
                z.writestr(name, data)
        with z.open(sheet, "w", force_zip64=True) as f:
            f.write(head)
            for _ in range(unpacked_mb):
                f.write(block)
            f.write(b"</sheetData></worksheet>")
    return path


@pytest.fixture(scope="module")
def zip_bomb(tmp_path_factory) -> Path:
    """About 5 MB on disk, 1 GB unpacked (the issue: a 3 MB upload that unpacked to 3 GB)."""
    return make_zip_bomb(tmp_path_factory.mktemp("bomb") / "bom.xlsx", 1024)


@pytest.fixture(scope="module")
def big_field_csv(tmp_path_factory) -> Path:
    """A CSV whose second row is one 300 MB cell (written in 1 MB pieces)."""
    path = tmp_path_factory.mktemp("field") / "lang-veld.csv"
    piece = "a" * MB
    with open(path, "w", encoding="ascii") as f:
        f.write('response_id,comment_grade\nr1,"')
        for _ in range(300):
            f.write(piece)
        f.write('"\n')
    return path


# --------------------------------------------------------------------------- the three attacks


def test_read_limits_zip_bomb_refused_before_parsing(zip_bomb):
    assert zip_bomb.stat().st_size < 10 * MB
    out = _measure("library", zip_bomb)
    assert out["rules"] == ["file_too_large"] and out["files"] == ["bom.xlsx"]
    assert "unpacks to 1,024 MB" in out["messages"][0] and "zip bomb" in out["messages"][0]
    assert out["maxrss_mb"] < MEMORY_LIMIT_MB, out


def test_read_limits_zip_bomb_refused_by_validate_command(zip_bomb):
    out = _measure("cli", zip_bomb)
    assert out["exit"] == 2
    assert "bom.xlsx: not valid" in out["output"]
    assert "zip bomb" in out["output"] and "[file_too_large]" in out["output"]
    assert out["maxrss_mb"] < MEMORY_LIMIT_MB, out


def test_read_limits_sparse_2gb_csv_refused(tmp_path):
    path = tmp_path / "leeg.csv"
    with open(path, "wb") as f:
        f.truncate(2 * 1024 * MB)  # sparse: takes no disk space
    out = _measure("library", path)
    assert out["rules"] == ["file_too_large"] and out["files"] == ["leeg.csv"]
    assert "2,048 MB, more than the limit of 50 MB" in out["messages"][0]
    assert "SURVEY_MAX_UPLOAD_MB" in out["messages"][0]
    assert out["maxrss_mb"] < MEMORY_LIMIT_MB, out
    # with the size limit raised the content is read as a stream and refused on its first megabyte
    out = _measure("library", path, SURVEY_MAX_UPLOAD_MB="4096")
    assert out["rules"] == ["unreadable_file"] and "NUL" in out["messages"][0]
    assert out["maxrss_mb"] < MEMORY_LIMIT_MB, out


def test_read_limits_300mb_single_field_refused(big_field_csv):
    out = _measure("library", big_field_csv)
    assert out["rules"] == ["file_too_large"] and out["files"] == ["lang-veld.csv"]
    assert "300 MB, more than the limit of 50 MB" in out["messages"][0]
    assert out["maxrss_mb"] < MEMORY_LIMIT_MB, out
    # over the size limit or not: the line is refused while streaming, never held whole
    out = _measure("library", big_field_csv, SURVEY_MAX_UPLOAD_MB="1024")
    assert out["rules"] == ["file_too_large"]
    assert "line 2 is longer than 1,000,000 characters" in out["messages"][0]
    assert out["maxrss_mb"] < MEMORY_LIMIT_MB, out


def test_read_limits_cell_with_line_breaks_hits_the_field_limit(tmp_path):
    path = tmp_path / "veel-regels.csv"
    with open(path, "w", encoding="ascii") as f:
        f.write('response_id,comment_grade\nr1,"')
        for _ in range(40):
            f.write("b" * 9_999 + "\n")
        f.write('"\n')
    frame, report = read_responses(path)
    assert frame.empty and report.rules() == {"file_too_large"}
    assert "a cell near line" in report.errors[0].message and "131,072 characters" in report.errors[0].message
    assert "cel bij regel" in report.errors[0].message_in("nl")


# --------------------------------------------------------------------------- the other limits


def test_read_limits_packing_ratio_refused_below_the_size_limit(tmp_path):
    path = make_zip_bomb(tmp_path / "klein.xlsx", 40)  # 40 MB unpacked: under 250 MB, but packed ~200x
    frame, report = read_responses(path)
    assert report.rules() == {"file_too_large"} and report.file == "klein.xlsx"
    assert "xl/worksheets/sheet1.xml" in report.errors[0].message and "zip bomb" in report.errors[0].message
    assert report.errors[0].message_in("nl").startswith("Het bestand is geweigerd: het deel xl/worksheets/sheet1.xml")
    # a real workbook packs about ten times and passes
    ok = write_responses(generate(300, seed=4), tmp_path / "echt.xlsx")
    assert read_responses(ok)[1].ok


def test_read_limits_file_size_is_checked_before_reading(tmp_path):
    limits = ReadLimits(max_file_bytes=1000)
    path = write_responses(generate(30, seed=1), tmp_path / "r.csv")
    _, report = read_responses(path, limits=limits)
    assert report.rules() == {"file_too_large"} and "more than the limit of 1 kB" in report.errors[0].message
    with pytest.raises(LimitExceeded):
        read_frame_raw(path.read_bytes(), file="r.csv", limits=limits)

    class Upload(io.BytesIO):  # like Streamlit's UploadedFile: knows its size
        name, size = "groot.csv", 10**9

        def read(self, *a):
            raise AssertionError("an upload over the limit is not read")

    _, report = read_responses(Upload(b""), limits=limits)
    assert report.file == "groot.csv" and report.rules() == {"file_too_large"}


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "sav", "parquet"])
def test_read_limits_rows_and_cells(tmp_path, fmt):
    path = write_responses(generate(30, seed=2), tmp_path / f"r.{fmt}")
    _, report = read_responses(path, limits=ReadLimits(max_rows=10))
    assert report.rules() == {"file_too_large"} and "more than 10 rows" in report.errors[0].message
    cells = "max_text_cells" if fmt in ("csv", "xlsx") else "max_cells"
    _, report = read_responses(path, limits=ReadLimits(**{cells: 200}))
    assert "more than 200 cells" in report.errors[0].message
    _, report = read_responses(path, limits=ReadLimits(max_columns=5))
    assert "more than 5 columns" in report.errors[0].message
    assert read_responses(path)[1].ok


def test_read_limits_far_right_empty_cells_are_not_columns(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    df = generate(5, seed=3)
    ws.append(list(df.columns))
    for rec in df.astype(object).where(df.notna(), None).itertuples(index=False):
        ws.append(list(rec))
    ws.cell(row=3, column=3000).value = None
    ws.cell(row=4, column=3000).value = ""
    path = tmp_path / "breed.xlsx"
    wb.save(path)
    assert len(read_frame_raw(path)) == 5
    ws.cell(row=4, column=3000).value = "x"
    wb.save(path)
    with pytest.raises(LimitExceeded, match="more than 1,000 columns"):
        read_frame_raw(path)


def test_read_limits_from_environment(monkeypatch):
    monkeypatch.delenv("SURVEY_MAX_UPLOAD_MB", raising=False)
    monkeypatch.delenv("SURVEY_MAX_UNPACKED_MB", raising=False)
    assert read_limits() == ReadLimits() and read_limits().upload_mb == 50
    monkeypatch.setenv("SURVEY_MAX_UPLOAD_MB", "7")
    monkeypatch.setenv("SURVEY_MAX_UNPACKED_MB", "70")
    assert read_limits().max_file_bytes == 7 * MB and read_limits().max_unpacked_bytes == 70 * MB
    assert read_limits().upload_mb == 7
    monkeypatch.setenv("SURVEY_MAX_UPLOAD_MB", "veel")
    with pytest.raises(ValueError, match="SURVEY_MAX_UPLOAD_MB"):
        read_limits()


def test_read_limits_launcher_passes_upload_limit_to_streamlit(monkeypatch):
    from survey_app.web import launcher

    monkeypatch.delenv("SURVEY_MAX_UPLOAD_MB", raising=False)
    assert "--server.maxUploadSize=50" in launcher.streamlit_flags()
    monkeypatch.setenv("SURVEY_MAX_UPLOAD_MB", "12")
    assert "--server.maxUploadSize=12" in launcher.streamlit_flags()
