"""Read and write response files (data contract v1, section 1).

Reading
-------
:func:`read_table` reads a file as text into a :class:`RawTable` (the frame,
the spreadsheet row number of every row, and rows with a wrong number of
cells); it is the first step of the import pipeline (:mod:`analysis.pipeline`).
:func:`read_responses` reads a file, checks it with
:func:`analysis.validation.validate_frame` and returns ``(frame, report)``.
It never raises for a bad file: a file that cannot be read gives a report
with one ``unreadable_file`` error.  The type follows the extension:

``.csv``, ``.txt``
    Delimiter: the header line decides between comma, semicolon and tab
    (the one that occurs most often outside quotes).  Encoding: UTF-8 with
    or without BOM (decoded strictly), else Windows-1252; UTF-16 with a
    BOM (Excel "Unicode text") is read too.  Every cell is read as text, so
    "0", "NA" and "007" stay as written.  A regular file (every record as
    wide as the first line, nothing right of the header) is read by pyarrow's
    CSV reader a whole column at a time, stripped and checked as columns
    (:func:`_csv_fast`: a million rows in a few seconds and a few hundred MB);
    any other file by the :mod:`csv` module record by record (the exact
    reader, which names the rows with a wrong number of cells).  Both give
    the same frame and row numbers (``tests/test_io_fast.py`` compares them).  Rows are
    numbered by record, as a spreadsheet shows them (header = row 1), also
    when a comment holds a line break.  A row with more cells than the
    header is a ``wrong_field_count`` error (usually an unquoted delimiter in
    a comment), and so is a row with fewer cells (usually a cut-off last
    line, whose missing answers would otherwise be read as "not answered"
    without a warning); an empty line is skipped.
``.xlsx``, ``.xlsm``
    The first sheet, via openpyxl (cached values, not formulas).  The first
    non-empty row is the header.  Whole numbers stored as 7.0 become "7".
``.sav``, ``.zsav``
    SPSS via pyreadstat; user-missing values are read as empty.  A numeric
    value with a value label is mapped to a contract code through its label:
    the label may be the code itself (``een_beetje``, what
    :func:`write_responses` writes) or the Dutch or English answer text of
    the questionnaire (``Een beetje`` / ``A little``), compared without
    case and surrounding spaces.  A value whose label matches nothing keeps
    its number (and then fails as ``unknown_code``).  For ``n_workers`` and
    ``grade`` the number itself is used unless its label is one of the
    item's answers ("Nog geen" -> 0, "Meer dan 5" -> 6).
``.parquet``
    Via pyarrow; typed columns are turned into text first.

Rows that are empty in every cell are skipped (their row numbers are kept).

Limits
------
Uploads must not be able to take the server down, so every reader checks
the file against :class:`ReadLimits` *before* it parses (or holds) more than
it may, and refuses it with a ``file_too_large`` error naming the file and
the limit (:class:`LimitExceeded`, a :class:`ReadError`):

* the file size (default 50 MB; ``SURVEY_MAX_UPLOAD_MB``, which the launcher
  also passes to Streamlit as ``server.maxUploadSize``);
* XLSX: the sizes the zip directory declares for its entries, before
  openpyxl opens it: in total at most ``max_unpacked_bytes`` (default 250 MB;
  ``SURVEY_MAX_UNPACKED_MB``) and no entry over 1 MB packed more than
  ``max_ratio`` (100) times tighter (a "zip bomb"; real workbooks pack about
  10 times).  Python's zipfile never unpacks more than an entry declares;
* CSV: read as a stream: the encoding check and a line-length check
  (``max_line_chars``, 1 million characters) run in 1 MB chunks, and the
  :mod:`csv` module's field limit (131,072 characters) holds for cells with
  line breaks;
* CSV and XLSX: at most ``max_rows`` rows (2 million), ``max_columns``
  columns (1,000) and ``max_text_cells`` cells (50 million: two million
  rows of the contract's 25 columns; it was 10 million while every cell was
  a Python object, see below);
* SPSS and Parquet: rows, columns and cells (``max_cells``, 50 million) from
  the file's metadata before the data are read; Parquet's uncompressed size
  counts as unpacked bytes.

Writing
-------
:func:`write_responses` writes the contract columns in contract order
(extra questionnaire columns after them) as ``.csv``, ``.xlsx``, ``.sav``
or ``.parquet``:

* CSV: UTF-8 (``bom=True`` adds a BOM for Excel), comma by default.
* CSV and XLSX: formula injection is neutralised (OWASP "CSV injection"):
  a text cell that starts with ``=``, ``+``, ``-``, ``@``, tab or carriage
  return gets a leading apostrophe.  Reading such a file back keeps the
  apostrophe; contract codes never start with these characters.
* XLSX: characters that XML cannot hold (control characters other than
  tab and line breaks) are removed.
* SAV: each code column is numeric 1..k in contract order, with value labels
  equal to the contract codes (so a round trip is exact and SPSS shows the
  code); ``n_workers`` 0..6 carries the Dutch answer labels ("Nog geen" ..
  "Meer dan 5"); ``grade`` is a plain number.  Variable labels are the
  Dutch question (parent wording).  Text columns are strings.
* Parquet: the canonical dtypes (``string``, ``Int64``).
"""

from __future__ import annotations

import codecs
import csv
import functools
import io as _io
import os
import re
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zipfile import BadZipFile, ZipFile

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from . import contract
from .frame import canonical_frame, clean_text, empty_frame
from .messages import Count, Message
from .questionnaire import load_questionnaire
from .validation import ValidationReport, cell_text, unreadable_report, validate_frame

CSV_EXTENSIONS = (".csv", ".txt")
XLSX_EXTENSIONS = (".xlsx", ".xlsm")
SAV_EXTENSIONS = (".sav", ".zsav")
PARQUET_EXTENSIONS = (".parquet", ".pq")
WRITE_FORMATS = ("csv", "xlsx", "sav", "parquet")
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
DELIMITERS = (",", ";", "\t")

#: Dutch variable labels for the columns that are not questionnaire items.
ID_LABELS_NL = {
    "response_id": "Antwoord-id (willekeurig)",
    "round_id": "Meetronde",
    "gi": "Gecertificeerde instelling (GI)",
    "respondent_type": "Wie vulde de vragenlijst in (ouder of jeugdige)",
    "submitted_week": "Week van invullen (ISO-week)",
}


@dataclass(frozen=True)
class RawTable:
    """A file read as text, before any checking (:func:`read_table`).

    ``frame`` has the columns as written (stripped; also when a name repeats),
    every cell pandas ``string`` with ``NA`` for empty cells.  ``rows`` holds the
    spreadsheet row number of each frame row (the header is row 1; a skipped
    empty row keeps its number), so messages can name the row a person sees.
    ``field_counts`` lists ``(row, cells, header width)`` of rows with a wrong
    number of cells (see :func:`read_responses`).
    """

    frame: pd.DataFrame
    rows: tuple[int, ...]
    file: str = "<data>"
    field_counts: tuple[tuple[int, int, int], ...] = ()

    def __post_init__(self):
        if len(self.rows) != len(self.frame):
            raise ValueError(f"{len(self.rows)} row numbers for {len(self.frame)} rows")

    @classmethod
    def of(cls, frame: pd.DataFrame, *, file: str = "<data>", rows: Sequence[int] | None = None) -> RawTable:
        """A table already in memory; rows numbered 2, 3, ... unless ``rows`` is given."""
        numbers = range(2, len(frame) + 2) if rows is None else rows
        return cls(frame.reset_index(drop=True), tuple(int(r) for r in numbers), file)


class ReadError(ValueError):
    """A file that cannot be read at all.

    ``reason`` is the message ``validation.read.<key>`` with its parameters
    (a :class:`~analysis.messages.Message`): ``reason.text(lang)`` in a
    language; ``str(exc)`` is the English text.
    """

    rule = "unreadable_file"

    def __init__(self, key: str, /, **params: Any):
        self.reason = Message("read." + key, params)
        super().__init__(self.reason.text("en"))


class LimitExceeded(ReadError):
    """A file refused before it is parsed: it is larger than a :class:`ReadLimits` limit."""

    rule = "file_too_large"


MB = 1024 * 1024
#: entries smaller than this (unpacked) are not checked for their packing ratio
_RATIO_FLOOR = MB
#: how much of a file the streaming checks read at once
_CHUNK = MB
#: the csv module's field limit (its default; kept, the setting is process-wide)
CSV_FIELD_LIMIT = 131_072


@dataclass(frozen=True)
class ReadLimits:
    """What a file may hold before it is refused unread (see the module docstring)."""

    max_file_bytes: int = 50 * MB
    max_unpacked_bytes: int = 250 * MB
    max_ratio: int = 100
    max_line_chars: int = 1_000_000
    max_rows: int = 2_000_000
    max_columns: int = 1_000
    max_text_cells: int = 50_000_000
    max_cells: int = 50_000_000
    max_zip_entries: int = 10_000

    @property
    def upload_mb(self) -> int:
        """The file size limit in whole MB (Streamlit's ``server.maxUploadSize``)."""
        return max(1, -(-self.max_file_bytes // MB))


def _env_mb(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{name} must be a whole number of megabytes, not {raw!r}") from None
    if value < 1:
        raise ValueError(f"{name} must be at least 1 (megabytes)")
    return value * MB


def read_limits() -> ReadLimits:
    """The limits in force: defaults, with ``SURVEY_MAX_UPLOAD_MB`` and ``SURVEY_MAX_UNPACKED_MB`` applied."""
    d = ReadLimits()
    return ReadLimits(
        max_file_bytes=_env_mb("SURVEY_MAX_UPLOAD_MB", d.max_file_bytes),
        max_unpacked_bytes=_env_mb("SURVEY_MAX_UNPACKED_MB", d.max_unpacked_bytes),
    )


def _mb(n: int) -> str:
    if n < MB:
        return f"{n / 1024:,.0f} kB"
    return f"{n / MB:,.0f} MB" if n >= 10 * MB else f"{n / MB:,.1f} MB"


def _too_large(size: int, limits: ReadLimits) -> LimitExceeded:
    return LimitExceeded("too_large", size=_mb(size), limit=_mb(limits.max_file_bytes))


def _check_shape(rows: int | None, columns: int | None, limits: ReadLimits, *, cells: bool = False) -> None:
    if rows is not None and rows > limits.max_rows:
        raise LimitExceeded("too_many_rows", limit=Count(limits.max_rows))
    if columns is not None and columns > limits.max_columns:
        raise LimitExceeded("too_many_columns", limit=Count(limits.max_columns))
    if cells and rows is not None and columns is not None and rows * columns > limits.max_text_cells:
        raise LimitExceeded("too_many_cells", limit=Count(limits.max_text_cells))


# --------------------------------------------------------------------------- reading


def _source(path, file: str | None, limits: ReadLimits) -> tuple[str, str, Any]:
    """(display name, lower-case extension, path-or-bytes); a file object is read up to the size limit."""
    if isinstance(path, (str, os.PathLike)):
        p = Path(path)
        name = file or p.name
        return name, p.suffix.lower(), p
    if hasattr(path, "read"):
        name = file or Path(getattr(path, "name", "") or "upload").name
        size = getattr(path, "size", None)
        if isinstance(size, int) and size > limits.max_file_bytes:
            raise _too_large(size, limits)
        data = path.read(limits.max_file_bytes + 1)
        if len(data) > limits.max_file_bytes:
            raise _too_large(size if isinstance(size, int) else len(data), limits)
        return name, Path(name).suffix.lower(), bytes(data)
    if isinstance(path, (bytes, bytearray)):
        name = file or "upload"
        if len(path) > limits.max_file_bytes:
            raise _too_large(len(path), limits)
        return name, Path(name).suffix.lower(), bytes(path)
    raise TypeError(f"expected a path, bytes or a binary file object, not {type(path).__name__}")


def _open_error(exc: OSError) -> ReadError:
    if isinstance(exc, FileNotFoundError):
        return ReadError("no_such_file")
    return ReadError("cannot_open", error=exc.strerror or exc)


def _check_size(src, limits: ReadLimits) -> None:
    """Refuse a file over the size limit before anything of it is read."""
    if isinstance(src, bytes):
        size = len(src)
    else:
        try:
            size = Path(src).stat().st_size
        except OSError as exc:
            raise _open_error(exc) from exc
    if size > limits.max_file_bytes:
        raise _too_large(size, limits)


def _open_binary(src):
    """A binary file object over bytes or a path (the caller closes it)."""
    if isinstance(src, bytes):
        return _io.BytesIO(src)
    try:
        return open(src, "rb")  # noqa: SIM115 - closed by the caller
    except OSError as exc:
        raise _open_error(exc) from exc


def detect_delimiter(header_line: str) -> str:
    """Comma, semicolon or tab: whichever occurs most often outside quotes in the header."""
    unquoted = re.sub(r'"[^"]*"', "", header_line)
    counts = {d: unquoted.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])  # ties: comma first
    return best if counts[best] > 0 else ","


def _first_line(text: str) -> str:
    end = len(text)
    for sep in ("\r", "\n"):
        i = text.find(sep)
        if i != -1:
            end = min(end, i)
    return text[:end]


def _long_line(line: int, limits: ReadLimits) -> LimitExceeded:
    return LimitExceeded("long_line", line=Count(line), limit=Count(limits.max_line_chars))


def _breaks(text: str) -> int:
    """Line breaks in ``text`` (``\r\n``, ``\r`` or ``\n``, as the csv module reads them)."""
    return text.count("\n") + text.count("\r") - text.count("\r\n")


def _scan_text(fh, encoding: str, limits: ReadLimits) -> int:
    """Decode the whole file in chunks (raises UnicodeDecodeError), checking NUL characters and line lengths.

    Holds one chunk at a time, so a huge file or a huge line is refused without being loaded.
    Returns the number of lines (a line break at the very end does not start another one).
    Counted with str methods over pieces no longer than the line limit (a line inside
    such a piece cannot be too long), not line by line; a ``\r`` at the end of a chunk
    waits for the next one, so a ``\r\n`` split over two chunks is one break.
    """
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    step = max(1, limits.max_line_chars)
    line, length, pending = 1, 0, ""
    while True:
        chunk = fh.read(_CHUNK)
        text = decoder.decode(chunk, final=not chunk)
        if "\x00" in text:
            raise ReadError("nul_bytes")
        text, pending = pending + text, ""
        if chunk and text.endswith("\r"):
            text, pending = text[:-1], "\r"
        pos = 0
        while pos < len(text):
            end = min(pos + step, len(text))
            if end < len(text) and text[end - 1] == "\r" and text[end] == "\n":
                end += 1  # "\r\n" stays in one piece
            piece, pos = text[pos:end], end
            first = min((i for i in (piece.find("\r"), piece.find("\n")) if i != -1), default=-1)
            if first == -1:
                length += len(piece)
            else:
                if length + first > limits.max_line_chars:
                    raise _long_line(line, limits)
                line += _breaks(piece)
                length = len(piece) - (max(piece.rfind("\r"), piece.rfind("\n")) + 1)
            if length > limits.max_line_chars:
                raise _long_line(line, limits)
        if not chunk:
            return line if length else line - 1


def _csv_encoding(fh, limits: ReadLimits) -> tuple[str, int]:
    """UTF-16 with a BOM, else UTF-8 (with or without BOM, strict), else Windows-1252; and the number of lines."""
    head = fh.read(2)
    utf16 = head in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
    for encoding in ("utf-16",) if utf16 else ("utf-8-sig", "cp1252"):
        fh.seek(0)
        try:
            lines = _scan_text(fh, encoding, limits)
        except UnicodeDecodeError:
            continue
        fh.seek(0)
        return encoding, lines
    if utf16:
        raise ReadError("not_utf16")
    raise ReadError("bad_encoding")


def _bounded_lines(text, limits: ReadLimits) -> Iterator[str]:
    """The lines of a text stream, none longer than the limit (checked again while reading)."""
    line = 0
    while True:
        chunk = text.readline(limits.max_line_chars + 3)
        if not chunk:
            return
        line += 1
        if len(chunk.rstrip("\r\n")) > limits.max_line_chars:
            raise _long_line(line, limits)
        yield chunk


def _csv_head(fh, limits: ReadLimits) -> tuple[str, str, int, str]:
    """Encoding, delimiter, number of lines and the first line of a CSV file
    (the whole file is checked first, see :func:`_scan_text`)."""
    encoding, lines = _csv_encoding(fh, limits)
    head = _io.TextIOWrapper(fh, encoding=encoding, newline="")
    first = _first_line(head.readline(limits.max_line_chars + 3))
    head.detach()
    fh.seek(0)
    return encoding, detect_delimiter(first), lines, first


def _iter_records_csv(src, limits: ReadLimits) -> Iterator[tuple[int, list[str]]]:
    """Every non-empty record of a CSV file as Python text with its number, one at a time
    (the exact reader: the csv module; the limits are checked as records come)."""
    fh = _open_binary(src)
    try:
        encoding, delim, _, _ = _csv_head(fh, limits)
        text = _io.TextIOWrapper(fh, encoding=encoding, newline="")
        reader = csv.reader(_bounded_lines(text, limits), delimiter=delim)
        records = cells = 0
        try:
            for number, rec in enumerate(reader, start=1):
                if not rec:  # an empty line: skipped, its number is kept
                    continue
                cells += len(rec)
                _check_shape(records, len(rec), limits)
                if cells > limits.max_text_cells:
                    raise LimitExceeded("too_many_cells", limit=Count(limits.max_text_cells))
                records += 1
                yield number, rec
        except csv.Error as exc:
            if "field larger than field limit" in str(exc):
                raise LimitExceeded(
                    "long_cell", line=Count(reader.line_num), limit=Count(csv.field_size_limit())
                ) from exc
            raise ReadError("bad_csv", error=exc) from exc
        text.detach()
    finally:
        fh.close()


def _records_csv(src, limits: ReadLimits) -> tuple[list[list[str]], list[int]]:
    """Every record of a CSV file as Python text, and its number, all in memory: with
    :func:`_frame_from_records` the per-cell reader the tests compare both CSV readers with."""
    numbers, records = [], []
    for number, rec in _iter_records_csv(src, limits):
        numbers.append(number)
        records.append(rec)
    return records, numbers


#: records the exact CSV reader holds as Python text before they become Arrow columns
_EXACT_BATCH = 32_768


def _csv_exact(src, limits: ReadLimits) -> tuple[pd.DataFrame, list[int], list[tuple[int, int, int]]]:
    """Any CSV file, record by record (csv module), as :func:`_frame_from_records` with ``short_rows``.

    Records are turned into Arrow columns (stripped as columns) a batch at a
    time, so a file of a million irregular rows needs no Python object per cell
    at once.  Returns the frame, the row numbers and the rows with a wrong
    number of cells (``(row, cells, header width)``).
    """
    records = _iter_records_csv(src, limits)
    header = None
    for _, rec in records:  # the header: the first record with text
        texts = [v.strip() for v in rec]
        if any(texts):
            header = texts
            break
    if header is None:
        raise ReadError("empty")
    while header and header[-1] == "":
        header.pop()  # trailing empty header cells (Excel, trailing delimiters)
    width = len(header)
    parts: list[list[pa.Array]] = [[] for _ in range(width)]
    rows: list[int] = []
    wrong: list[tuple[int, int, int]] = []

    def flush(batch: list[list[str]], numbers: list[int]) -> None:
        columns = [
            clean_text(pa.array([r[j] if j < len(r) else None for r in batch], pa.large_string())) for j in range(width)
        ]
        # text right of the header (only rows longer than the header have any)
        extra = np.array([len(r) > width and any(v.strip() for v in r[width:]) for r in batch], dtype=bool)
        empty = functools.reduce(np.logical_and, [c.is_null().to_numpy(zero_copy_only=False) for c in columns])
        keep = ~empty | extra
        for i in np.flatnonzero(keep):
            cells = len(batch[i])
            if extra[i] or cells < width:
                wrong.append((numbers[i], cells, width))
        rows.extend(np.asarray(numbers)[keep].tolist())
        mask = pa.array(keep)
        for j in range(width):
            parts[j].append(pc.filter(columns[j], mask))

    batch, numbers = [], []
    for number, rec in records:
        batch.append(rec)
        numbers.append(number)
        if len(batch) == _EXACT_BATCH:
            flush(batch, numbers)
            batch, numbers = [], []
    if batch:
        flush(batch, numbers)
    data = {j: pd.array(pa.chunked_array(parts[j], pa.large_string()), dtype="string") for j in range(width)}
    frame = pd.DataFrame(data, index=pd.RangeIndex(len(rows)), copy=False)
    frame.columns = header
    return frame, rows, wrong


def _value_breaks(column: pa.ChunkedArray) -> int:
    """Line breaks inside the values of a column (see :func:`_breaks`)."""
    count = [pc.sum(pc.count_substring(column, s)).as_py() or 0 for s in ("\n", "\r", "\r\n")]
    return count[0] + count[1] - count[2]


def _csv_fast(src, limits: ReadLimits) -> tuple[pd.DataFrame, list[int]] | None:
    """A regular CSV file read by pyarrow's CSV reader, whole columns at a time.

    The same frame and row numbers as the record-by-record reader
    (:func:`_csv_exact`), without a Python object per cell.  ``None`` when the file is not regular and the exact
    reader must say what is wrong or number the rows: a row with another
    number of cells than the first line, an empty line, an empty first row,
    text right of the header, a cell near the csv module's field limit, a file
    over a shape limit, or anything pyarrow refuses.  Records are numbered as
    the csv module numbers them (a cell may hold line breaks); as a check the
    file's lines must equal the records plus the line breaks inside cells.
    """
    fh = _open_binary(src)
    try:
        encoding, delim, lines, first = _csv_head(fh, limits)
        width_raw = len(next(csv.reader([first], delimiter=delim), []))
        if width_raw == 0 or width_raw > limits.max_columns:
            return None
        if encoding == "utf-8-sig":  # pyarrow skips the BOM itself
            data = fh if isinstance(src, bytes) else None
        else:
            data = _io.BytesIO(fh.read().decode(encoding).encode("utf-8"))
        odd: list[int] = []

        def invalid(row) -> str:
            odd.append(row.actual_columns)
            return "skip"

        try:
            table = pa_csv.read_csv(
                data if data is not None else src,
                read_options=pa_csv.ReadOptions(autogenerate_column_names=True, block_size=4 * MB),
                parse_options=pa_csv.ParseOptions(
                    delimiter=delim,
                    quote_char='"',
                    double_quote=True,
                    escape_char=False,
                    newlines_in_values=True,
                    ignore_empty_lines=False,  # an empty line is a record (numbered): the exact reader
                    invalid_row_handler=invalid,
                ),
                convert_options=pa_csv.ConvertOptions(
                    column_types={f"f{j}": pa.large_string() for j in range(width_raw)},
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                ),
            )
        except (pa.ArrowException, OSError, UnicodeError, ValueError):
            return None
    finally:
        fh.close()
    n = table.num_rows
    if odd or n == 0 or table.num_columns != width_raw:
        return None
    if lines != n and lines != n + sum(_value_breaks(c) for c in table.columns):
        return None  # records and lines do not add up: let the exact reader decide
    if n - 1 > limits.max_rows or width_raw > limits.max_columns or n * width_raw > limits.max_text_cells:
        return None
    longest = max((pc.max(pc.utf8_length(c)).as_py() or 0) for c in table.columns)  # as the csv module counts
    if longest >= CSV_FIELD_LIMIT - 1:
        return None
    header = [(str(v).strip() or "") for v in table.slice(0, 1).to_pylist()[0].values()]
    if not any(header):
        return None
    width = len(header)
    while header[width - 1] == "":
        width -= 1  # trailing empty header cells (Excel, trailing delimiters)
    columns = table.columns
    del table  # from here each column is held once: its stripped copy replaces it
    for j in range(width_raw):
        columns[j] = clean_text(columns[j].slice(1))  # the text of each cell, as cell_text() makes it
    empty = [pc.is_null(c) for c in columns]
    if any(pc.any(pc.invert(e)).as_py() for e in empty[width:]):
        return None  # text right of the header: the exact reader names the rows
    keep = pc.invert(functools.reduce(pc.and_, empty))
    rows = (np.flatnonzero(keep.to_numpy(zero_copy_only=False)) + 2).tolist()
    everything = len(rows) == n - 1
    data = {}
    for j in range(width):
        column, columns[j] = columns[j], None  # one column at a time: the original goes as its copy comes
        data[j] = pd.array(column if everything else pc.filter(column, keep), dtype="string")
    frame = pd.DataFrame(data, index=pd.RangeIndex(len(rows)), copy=False)
    frame.columns = header[:width]
    return frame, rows


def _check_zip(fh, limits: ReadLimits) -> None:
    """Refuse a workbook whose zip directory declares too much unpacked data, before it is parsed.

    Python's zipfile stops unpacking an entry at the size its directory
    declares (and then fails the CRC check), so the declared sizes bound
    what openpyxl can unpack.
    """
    try:
        infos = ZipFile(fh).infolist()
    except (BadZipFile, OSError, ValueError) as exc:
        raise ReadError("bad_xlsx", error=exc) from exc
    if len(infos) > limits.max_zip_entries:
        raise LimitExceeded("too_many_parts", limit=Count(limits.max_zip_entries))
    total = sum(i.file_size for i in infos)
    if total > limits.max_unpacked_bytes:
        raise LimitExceeded("zip_too_large", size=_mb(total), limit=_mb(limits.max_unpacked_bytes))
    for i in infos:
        if i.file_size > _RATIO_FLOOR and i.file_size > limits.max_ratio * max(i.compress_size, 1):
            ratio = i.file_size / max(i.compress_size, 1)
            raise LimitExceeded("zip_ratio", part=i.filename, ratio=Count(round(ratio)), limit=limits.max_ratio)


def _records_xlsx(src, limits: ReadLimits) -> tuple[list[list[Any]], list[int]]:
    # lazy, measured: openpyxl adds ~0.5 s to every import (only .xlsx files need it)
    import openpyxl

    fh = _open_binary(src)
    try:
        _check_zip(fh, limits)
        fh.seek(0)
        try:
            wb = openpyxl.load_workbook(fh, read_only=True, data_only=True)
        except (BadZipFile, KeyError, OSError, ValueError) as exc:
            raise ReadError("bad_xlsx", error=exc) from exc
        try:
            if not wb.worksheets:
                raise ReadError("no_sheets")
            ws = wb.worksheets[0]
            ws.reset_dimensions()  # do not trust the stored sheet size (some tools write it wrong)
            records, numbers = [], []
            cells = 0
            # from row 1, so that the numbering is the sheet's (empty rows are skipped, their numbers kept)
            for i, row in enumerate(ws.iter_rows(min_row=1, values_only=True), start=1):
                if not any(v is not None for v in row):
                    continue
                if len(row) > limits.max_columns:
                    last = max(j for j, v in enumerate(row) if v is not None)
                    row = row[: last + 1]
                _check_shape(len(records), len(row), limits)
                cells += len(row)
                if cells > limits.max_text_cells:
                    raise LimitExceeded("too_many_cells", limit=Count(limits.max_text_cells))
                records.append(list(row))
                numbers.append(i)
        finally:
            wb.close()
    finally:
        fh.close()
    return records, numbers


def _frame_from_records(
    records: list[list[Any]], numbers: list[int], *, short_rows: bool = False
) -> tuple[pd.DataFrame, list[int], list[tuple[int, int, int]]]:
    """Header = first non-empty record.

    Returns the raw frame, the spreadsheet row number of each of its rows and
    ``(row, n_cells, n_header)`` of every row with
    a wrong number of cells: longer than the header (with text beyond it),
    and with ``short_rows`` (CSV) also shorter than the header.  Rows that
    are empty in every cell are skipped.  Short rows are padded with empty
    cells in the frame (XLSX leaves trailing empty cells out).
    """
    texts = [[(v.strip() or None) if type(v) is str else cell_text(v) for v in rec] for rec in records]
    k = 0
    while k < len(texts) and not any(v is not None for v in texts[k]):
        k += 1
    if k == len(texts):
        raise ReadError("empty")
    header = [v or "" for v in texts[k]]
    while header and header[-1] == "":
        header.pop()  # trailing empty header cells (Excel, trailing delimiters)
    width = len(header)
    rows, src_rows, long_rows = [], [], []
    for rec, num in zip(texts[k + 1 :], numbers[k + 1 :]):
        if not any(v is not None for v in rec):
            continue
        if len(rec) > width and any(v is not None for v in rec[width:]):
            long_rows.append((num, len(rec), width))
        elif short_rows and len(rec) < width:
            long_rows.append((num, len(rec), width))
        rec = (rec + [None] * width)[:width]
        rows.append(rec)
        src_rows.append(num)
    cols = {j: pd.array([r[j] for r in rows], dtype="string") for j in range(width)}
    df = pd.DataFrame(cols, index=pd.RangeIndex(len(rows)))
    df.columns = header
    return df, src_rows, long_rows


def _sav_lookup(column: str, questionnaire) -> dict[str, str]:
    """lower-case code / Dutch label / English label -> code, for one item."""
    try:
        item = questionnaire.item(column)
    except KeyError:
        return {}
    m: dict[str, str] = {}
    for o in item.options:
        m.setdefault(str(o.code).lower(), str(o.code))
    for o in item.options:
        for lab in (o.label.nl, o.label.en):
            m.setdefault(lab.strip().lower(), str(o.code))
    return m


def _read_sav(src, questionnaire, limits: ReadLimits) -> pd.DataFrame:
    # lazy, measured: pyreadstat adds ~0.2 s to every import (only .sav files need it)
    import pyreadstat

    tmp = None
    try:
        if isinstance(src, bytes):
            fd, tmp = tempfile.mkstemp(suffix=".sav")
            with os.fdopen(fd, "wb") as fh:
                fh.write(src)
            path = tmp
        else:
            if not Path(src).exists():
                raise ReadError("no_such_file")
            path = str(src)
        try:
            # the size first, from the file's header (a compressed .zsav can unpack to far more)
            _, head = pyreadstat.read_sav(path, metadataonly=True)
            _check_cells(head.number_rows, head.number_columns, limits)
            raw, meta = pyreadstat.read_sav(
                path,
                user_missing=False,
                apply_value_formats=False,
                disable_datetime_conversion=True,
                row_limit=limits.max_rows + 1,
            )
            _check_shape(len(raw), None, limits)
        except ReadError:
            raise
        except Exception as exc:  # pyreadstat raises its own ReadstatError / PyreadstatError
            raise ReadError("bad_sav", error=exc) from exc
    finally:
        if tmp:
            os.unlink(tmp)
    labels = meta.variable_value_labels or {}
    out = {}
    for col in raw.columns:
        s = raw[col]
        vl = labels.get(col)
        lookup = _sav_lookup(col, questionnaire) if vl else {}
        if vl and pd.api.types.is_numeric_dtype(s):
            as_number = col in contract.INT_RANGES or (_is_count_or_grade(col, questionnaire))
            mapping: dict[float, str] = {}
            for value, label in vl.items():
                hit = lookup.get(str(label).strip().lower())
                if hit is not None:
                    mapping[float(value)] = hit
                elif not as_number and col in contract.CODES:
                    mapping[float(value)] = str(label).strip()

            def conv(v, mapping=mapping):
                if v is None or (isinstance(v, float) and v != v):
                    return None
                return mapping.get(float(v), cell_text(v))

            out[col] = pd.array([conv(v) for v in s.tolist()], dtype="string")
        else:
            out[col] = pd.array([cell_text(v) for v in s.tolist()], dtype="string")
    df = pd.DataFrame(out, index=pd.RangeIndex(len(raw)))
    return df


def _is_count_or_grade(col, questionnaire) -> bool:
    try:
        return questionnaire.item(col).type in ("count", "grade")
    except KeyError:
        return False


def _check_cells(rows: int | None, columns: int | None, limits: ReadLimits) -> None:
    """Rows, columns and cells of a typed file (SPSS, Parquet), from its metadata."""
    _check_shape(rows, columns, limits)
    if rows is not None and columns is not None and rows * columns > limits.max_cells:
        raise LimitExceeded("too_many_cells", limit=Count(limits.max_cells))


def _check_parquet(src, limits: ReadLimits) -> None:
    """Rows, columns and the uncompressed size from the Parquet footer, before any data are read."""
    with pq.ParquetFile(_io.BytesIO(src) if isinstance(src, bytes) else src) as pf:
        md = pf.metadata
        _check_cells(md.num_rows, md.num_columns, limits)
        unpacked = sum(md.row_group(i).total_byte_size for i in range(md.num_row_groups))
    if unpacked > limits.max_unpacked_bytes:
        raise LimitExceeded("data_too_large", size=_mb(unpacked), limit=_mb(limits.max_unpacked_bytes))


def _read_parquet(src, limits: ReadLimits) -> pd.DataFrame:
    try:
        _check_parquet(src, limits)
        raw = pd.read_parquet(_io.BytesIO(src) if isinstance(src, bytes) else src)
    except ReadError:
        raise
    except FileNotFoundError as exc:
        raise ReadError("no_such_file") from exc
    except Exception as exc:  # pyarrow raises ArrowInvalid, OSError, ...
        raise ReadError("bad_parquet", error=exc) from exc
    out = {}
    for col in raw.columns:
        s = raw[col]
        if isinstance(s.dtype, pd.StringDtype):
            out[str(col)] = s.astype("string").reset_index(drop=True)
        else:
            out[str(col)] = pd.array([cell_text(v) for v in s.tolist()], dtype="string")
    df = pd.DataFrame(out, index=pd.RangeIndex(len(raw)))
    return df


def read_table(path, *, file: str | None = None, questionnaire=None, limits: ReadLimits | None = None) -> RawTable:
    """Read a response file as text without checking it: the first step of an import.

    Every column is pandas ``string`` dtype with ``NA`` for empty cells; the
    header names are kept as written (stripped), also when they repeat.  SPSS
    value labels are mapped to codes (see the module docstring).  Raises
    :class:`ReadError` when the file cannot be read (:class:`LimitExceeded`
    when it is over a limit of ``limits``, default :func:`read_limits`).
    """
    limits = limits or read_limits()
    name, ext, src = _source(path, file, limits)
    known = CSV_EXTENSIONS + XLSX_EXTENSIONS + SAV_EXTENSIONS + PARQUET_EXTENSIONS
    if ext in known:
        _check_size(src, limits)
    if ext in CSV_EXTENSIONS:
        fast = _csv_fast(src, limits)
        if fast is not None:
            return RawTable(fast[0], tuple(fast[1]), name)
        df, rows, long_rows = _csv_exact(src, limits)
        return RawTable(df, tuple(rows), name, tuple(long_rows))
    if ext in XLSX_EXTENSIONS:
        df, rows, long_rows = _frame_from_records(*_records_xlsx(src, limits))
        return RawTable(df, tuple(rows), name, tuple(long_rows))
    if ext in SAV_EXTENSIONS:
        if questionnaire is None:
            questionnaire = load_questionnaire()
        return RawTable.of(_read_sav(src, questionnaire, limits), file=name)
    if ext in PARQUET_EXTENSIONS:
        return RawTable.of(_read_parquet(src, limits), file=name)
    if ext == ".xls":
        raise ReadError("xls")
    if not ext:
        raise ReadError("no_type")
    raise ReadError("unknown_type", ext=ext)


def read_frame_raw(
    path, *, file: str | None = None, questionnaire=None, limits: ReadLimits | None = None
) -> pd.DataFrame:
    """The frame of :func:`read_table` (without its row numbers)."""
    return read_table(path, file=file, questionnaire=questionnaire, limits=limits).frame


def read_responses(
    path,
    *,
    questionnaire=None,
    existing_ids: Iterable[str] = (),
    file: str | None = None,
    limits: ReadLimits | None = None,
) -> tuple[pd.DataFrame, ValidationReport]:
    """Read a response file and check it against data contract v1.

    Parameters
    ----------
    path : str, Path, bytes or binary file object
        The file; bytes and file objects (an upload) need ``file`` or a
        ``.name`` for the extension.
    questionnaire : Questionnaire, optional
        Passed to :func:`~analysis.validation.validate_frame` (extra columns)
        and used for SPSS label mapping (default: the built-in questionnaire).
    existing_ids : iterable of str
        response_ids already stored (``duplicate_id``).
    file : str, optional
        Name used in the report (default: the file name without folders).
    limits : ReadLimits, optional
        Default :func:`read_limits`; a file over a limit gets one
        ``file_too_large`` error and is not parsed.

    Returns
    -------
    (frame, report)
        The canonical frame (empty unless ``report.ok``) and the report.  The
        spreadsheet row of each row is in :attr:`RawTable.rows`
        (:func:`analysis.pipeline.prepare_import` keeps both together).
    """
    try:
        raw = read_table(path, file=file, questionnaire=questionnaire, limits=limits)
    except ReadError as exc:
        name = _source_name(path, file)
        return empty_frame(), unreadable_report(name, exc.reason, rule=exc.rule)
    return validate_frame(
        raw.frame,
        file=raw.file,
        questionnaire=questionnaire,
        existing_ids=existing_ids,
        row_numbers=raw.rows,
        field_counts=raw.field_counts,
    )


def _source_name(path, file):
    if file:
        return file
    if isinstance(path, (str, os.PathLike)):
        return Path(path).name
    return Path(getattr(path, "name", "") or "upload").name


# --------------------------------------------------------------------------- writing


def neutralise_formula(value: Any) -> Any:
    """Prefix an apostrophe to text that a spreadsheet would run as a formula (OWASP)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _ordered(df: pd.DataFrame) -> pd.DataFrame:
    """Canonical contract columns in order, then any extra columns as they are."""
    out = canonical_frame(df)
    extras = [c for c in df.columns if c not in contract.COLUMNS]
    for c in extras:
        out[c] = df[c].reset_index(drop=True)
    return out


def _text_columns(df: pd.DataFrame) -> list[str]:
    return [c for c in df.columns if not pd.api.types.is_numeric_dtype(df[c].dtype)]


def _neutralised(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for c in _text_columns(out):
        s = out[c].astype("string")
        bad = s.str.startswith(FORMULA_PREFIXES).fillna(False)
        if bad.any():
            out[c] = s.mask(bad, "'" + s)
    return out


def _python_value(v):
    if v is None or v is pd.NA:
        return None
    if isinstance(v, float) and v != v:
        return None
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, np.floating):
        return float(v)
    return v


def _write_csv(df: pd.DataFrame, path: Path, *, sep: str, bom: bool):
    out = _neutralised(df)
    out.to_csv(path, index=False, sep=sep, na_rep="", lineterminator="\n", encoding="utf-8-sig" if bom else "utf-8")


def _write_xlsx(df: pd.DataFrame, path: Path):
    # lazy, measured: openpyxl adds ~0.5 s to every import (only .xlsx files need it)
    import openpyxl
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    out = _neutralised(df)
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("responses")
    ws.append([str(c) for c in out.columns])
    text_cols = set(_text_columns(out))
    cols = list(out.columns)
    for row in out.itertuples(index=False, name=None):
        vals = []
        for c, v in zip(cols, row):
            v = _python_value(v)
            if c in text_cols and isinstance(v, str):
                v = ILLEGAL_CHARACTERS_RE.sub("", v)
            vals.append(v)
        ws.append(vals)
    wb.save(path)


def _write_sav(df: pd.DataFrame, path: Path, questionnaire):
    # lazy, measured: pyreadstat adds ~0.2 s to every import (only .sav files need it)
    import pyreadstat

    data = {}
    value_labels: dict[str, dict[float, str]] = {}
    measure: dict[str, str] = {}
    col_labels: dict[str, str] = {}
    for c in df.columns:
        s = df[c]
        if c in contract.CODES:
            codes = contract.CODES[c]
            num = {code: float(i + 1) for i, code in enumerate(codes)}
            data[c] = np.array([num.get(v, np.nan) if v is not pd.NA else np.nan for v in s.tolist()], dtype="float64")
            value_labels[c] = {float(i + 1): code for i, code in enumerate(codes)}
            measure[c] = "nominal"
        elif pd.api.types.is_numeric_dtype(s.dtype):
            data[c] = s.astype("Float64").to_numpy(dtype="float64", na_value=np.nan)
            measure[c] = "scale" if c == "grade" else "ordinal"
        else:
            data[c] = np.array(["" if v is pd.NA or v is None else str(v) for v in s.tolist()], dtype=object)
            measure[c] = "nominal"
        label = ID_LABELS_NL.get(c)
        if label is None:
            try:
                label = questionnaire.item(c).question("ouder", "nl")
            except KeyError:
                label = c
        col_labels[c] = label
    try:
        item = questionnaire.item("n_workers")
        value_labels["n_workers"] = {float(o.code): o.label.nl for o in item.options}
    except KeyError:  # pragma: no cover - the built-in questionnaire has it
        pass
    frame = pd.DataFrame(data)
    pyreadstat.write_sav(
        frame,
        str(path),
        column_labels=col_labels,
        variable_value_labels=value_labels,
        variable_measure=measure,
        file_label="Clientervaring GI (datacontract v1)",
    )


def write_responses(
    df: pd.DataFrame, path, *, format: str | None = None, sep: str = ",", bom: bool = False, questionnaire=None
) -> Path:
    """Write responses in contract v1 column order as csv, xlsx, sav or parquet.

    ``format`` defaults to the file extension.  ``sep`` and ``bom`` apply to
    CSV only (``sep=';'`` with ``bom=True`` opens directly in a Dutch Excel).
    See the module docstring for formula neutralisation and the SPSS coding.
    Returns the path written.
    """
    path = Path(path)
    fmt = (format or path.suffix.lstrip(".")).lower()
    fmt = {"txt": "csv", "xlsm": "xlsx", "zsav": "sav", "pq": "parquet"}.get(fmt, fmt)
    if fmt not in WRITE_FORMATS:
        raise ValueError(f"unknown format '{fmt}'; use one of {', '.join(WRITE_FORMATS)}")
    if sep not in DELIMITERS:
        raise ValueError(f"sep must be one of {DELIMITERS!r}")
    out = _ordered(df)
    if fmt == "csv":
        _write_csv(out, path, sep=sep, bom=bom)
    elif fmt == "xlsx":
        _write_xlsx(out, path)
    elif fmt == "sav":
        if questionnaire is None:
            questionnaire = load_questionnaire()
        _write_sav(out, path, questionnaire)
    else:
        out.to_parquet(path, index=False)
    return path
