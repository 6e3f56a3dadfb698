"""Invitation and reminder letters: one page per person, with the link, the code and a QR code.

* :func:`respondent_link` builds the questionnaire link
  ``{base}/?ronde=ID&code=XXXXX-XXXXX&gi=GI`` (the parameters read by
  :func:`survey_app.respond.flow.parse_link`); the QR code holds the link
  *with* the code, so scanning it opens the questionnaire with the code filled
  in.  The printed link leaves the code out (it is printed on its own, easier to
  type).
* :func:`letters_pdf` (fpdf2, A4), :func:`letters_docx` (Word, for institutions
  that edit the text) and :func:`mail_merge_csv` (one row per letter, for a
  mail merge with the addresses the institution keeps itself) all take the same
  list of :class:`Letter`.
* A reminder reuses the code: the organiser keeps the mail-merge CSV made with
  the first letters (codes are stored only as keyed hashes and cannot be shown
  again) and :func:`read_mail_merge` turns it back into letters.  Reminders go
  to everyone on the list ("Al ingevuld? Dank u wel, dan hoeft u niets te
  doen"): the app never tells who has answered.

The letter text is plain Dutch (B1), addressing parents with "u" and young
people with "je"; when English is offered a short English paragraph follows.
Every text is in the catalogs (``letters.*`` in ``analysis/locales/<lang>.yaml``,
read through :func:`text`).

Pure: no streamlit, no database.
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from urllib.parse import urlencode, urlsplit

import segno
from docx import Document
from docx.enum.text import WD_BREAK
from docx.shared import Mm, Pt

from . import contract, i18n
from .validation import ErrorRecord, ValidationReport
from .wording import MONTHS, format_date  # noqa: F401  (letters.MONTHS: the month keys the letters use)

#: the columns of the mail-merge CSV, in order
CSV_COLUMNS = (
    "ronde_id",
    "ronde",
    "instelling",
    "instelling_naam",
    "respondent",
    "code",
    "link",
    "link_met_code",
    "invullen_tot",
)
CSV_DELIMITER = ";"  # what Dutch Excel and Word expect
MAX_CSV_BYTES = 5_000_000
MAX_LETTERS = 20_000

#: the catalog namespace of the letter texts (``letters.<key>``; ``letters.<key>@jeugdige`` is the youth wording)
TEXT_NAMESPACE = "letters."


def text(key: str, lang: str = "nl", respondent_type: str | None = None, **fmt) -> str:
    """The letter text ``letters.<key>`` in ``lang``; the youth wording for ``respondent_type='jeugdige'``."""
    return i18n.text(TEXT_NAMESPACE + key, lang, variant=respondent_type, **fmt)


# --------------------------------------------------------------------------- links


def check_base_url(base_url: str) -> str:
    """The public address of the questionnaire without a trailing slash; ValueError when it is not http(s)."""
    base = (base_url or "").strip().rstrip("/")
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ValueError(f"not a web address (http:// or https://...): {base_url!r}")
    return base


def respondent_link(base_url: str, round_id: str, gi: str | None = None, code: str | None = None) -> str:
    """``{base}/?ronde=ID&code=XXXXX-XXXXX&gi=GI`` (``code`` and ``gi`` only when given)."""
    params = [("ronde", round_id)]
    if code:
        params.append(("code", code))
    if gi:
        params.append(("gi", gi))
    return f"{check_base_url(base_url)}/?{urlencode(params)}"


# --------------------------------------------------------------------------- letters


@dataclass(frozen=True)
class Letter:
    """One letter: for one person of one institution (no name or address: those come from the mail merge)."""

    round_id: str
    round_name: str
    gi: str
    respondent_type: str
    link: str  # printed: without the code
    qr_link: str  # in the QR code: with the code
    code: str | None = None  # None for a round with an open link
    closes: _dt.date | None = None
    languages: tuple[str, ...] = ("nl", "en")
    reminder: bool = False
    sender: str = ""

    @property
    def gi_name(self) -> str:
        return contract.GI_NAMES.get(self.gi, self.gi)

    @property
    def lang(self) -> str:
        return self.languages[0] if self.languages else "nl"


def make_letters(
    *,
    base_url: str,
    round_id: str,
    round_name: str,
    gi: str,
    respondent_type: str,
    codes: Sequence[str] | None = None,
    n: int | None = None,
    closes: _dt.date | None = None,
    languages: Sequence[str] = ("nl", "en"),
    sender: str = "",
    reminder: bool = False,
) -> list[Letter]:
    """Letters for one institution and respondent type: one per code, or ``n`` with the open link."""
    if respondent_type not in contract.RESPONDENT_TYPES:
        raise ValueError(f"unknown respondent type {respondent_type!r}")
    printed = respondent_link(base_url, round_id, gi)
    common = dict(
        round_id=round_id,
        round_name=round_name,
        gi=gi,
        respondent_type=respondent_type,
        link=printed,
        closes=closes,
        languages=tuple(languages) or ("nl",),
        reminder=reminder,
        sender=sender.strip(),
    )
    if codes is not None:
        return [Letter(qr_link=respondent_link(base_url, round_id, gi, c), code=c, **common) for c in codes]
    if n is None or n < 1:
        raise ValueError("give codes or a number of letters")
    return [Letter(qr_link=printed, **common) for _ in range(n)]


def as_reminders(letters: Iterable[Letter]) -> list[Letter]:
    """The same letters (same codes) with the reminder text."""
    return [replace(x, reminder=True) for x in letters]


def paragraphs(letter: Letter) -> list[tuple[str, str]]:
    """The letter as ``(kind, text)`` blocks in order; kinds: title, p, how, step, code, small, sign.

    The PDF and the Word file are both drawn from this list, so they say the same.
    """
    lang, rt = letter.lang, letter.respondent_type
    open_ = letter.code is None
    out: list[tuple[str, str]] = [
        ("title", text("reminder_title" if letter.reminder else "title", lang, rt)),
        ("p", text("greeting", lang, rt)),
        ("p", text("reminder_intro" if letter.reminder else "intro", lang, rt, gi_name=letter.gi_name)),
        ("how", text("how", lang, rt)),
        ("step", "1. " + text("how_qr_open" if open_ else "how_qr", lang, rt)),
        ("step", "2. " + text("how_link_open" if open_ else "how_link", lang, rt)),
        ("link", letter.link),
    ]
    if not open_:
        out.append(("code", f"{text('code', lang, rt)} {letter.code}"))
    if letter.closes is not None:
        out.append(("p", text("until", lang, rt, date=format_date(letter.closes, lang))))
    out.append(("p", text("anonymous_open" if open_ else "anonymous", lang, rt)))
    if len(letter.languages) > 1:
        out.append(("small", text("other_language", lang)))
    out.append(("p", text("thanks", lang)))
    out.append(("sign", text("regards", lang) + ("\n" + letter.sender if letter.sender else "")))
    return out


def qr_png(data: str, *, scale: int = 8) -> bytes:
    """A QR code (error correction M, quiet zone of 4 modules) as PNG bytes."""
    buf = io.BytesIO()
    segno.make(data, error="m", micro=False).save(buf, kind="png", scale=scale, border=4)
    return buf.getvalue()


def _latin1(s: str) -> str:
    """fpdf2's core fonts are Latin-1: replace the few characters outside it."""
    table = {"\u2013": "-", "\u2014": "-", "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'}
    s = "".join(table.get(ch, ch) for ch in s)
    return s.encode("latin-1", "replace").decode("latin-1")


def letters_pdf(letters: Sequence[Letter]) -> bytes:
    """All letters in one A4 PDF, one page per letter (fpdf2, Helvetica)."""
    # lazy, measured: fpdf2 adds ~1.1 s to the Rondes page (only the PDF letters need it)
    from fpdf import FPDF

    if not letters:
        raise ValueError("no letters")
    pdf = FPDF(format="A4", unit="mm")
    pdf.set_auto_page_break(auto=False)
    pdf.set_margins(22, 22, 22)
    pdf.set_title(_latin1(letters[0].round_name))
    pdf.set_creator("gi-survey")
    width = 210 - 44
    qr_size = 42
    lines_cache: dict[tuple, list[str]] = {}
    qr_cache: dict[str, bytes] = {}

    def para(w: float, h: float, body: str) -> None:
        """A left-aligned paragraph from the current x; its line breaks are worked out once per text
        (most paragraphs are the same on every letter: a print run of hundreds stays fast)."""
        key = (pdf.font_family, pdf.font_style, pdf.font_size_pt, w, body)
        lines = lines_cache.get(key)
        if lines is None:
            lines = pdf.multi_cell(w, h, body, align="L", dry_run=True, output="LINES")
            lines_cache[key] = lines
        x = pdf.get_x()
        for line in lines:
            pdf.set_x(x)
            pdf.cell(w, h, line, align="L", new_x="LMARGIN", new_y="NEXT")

    for letter in letters:
        pdf.add_page()
        qr_top = None
        for kind, body in paragraphs(letter):
            body = _latin1(body)
            if kind == "title":
                pdf.set_font("Helvetica", "B", 16)
                para(width, 8, body)
                pdf.ln(4)
            elif kind == "how":
                pdf.ln(1)
                pdf.set_font("Helvetica", "B", 12)
                para(width, 6.5, body)
                qr_top = pdf.get_y() + 1
            elif kind == "step":
                pdf.set_font("Helvetica", "", 12)
                pdf.set_x(pdf.l_margin + 4)
                para(width - qr_size - 10, 6.5, body)
            elif kind == "link":
                pdf.set_font("Courier", "B", 11)
                pdf.set_x(pdf.l_margin + 8)
                para(width - qr_size - 14, 6, body)
                pdf.ln(1)
            elif kind == "code":
                pdf.set_font("Helvetica", "B", 15)
                pdf.set_x(pdf.l_margin + 8)
                pdf.cell(width - qr_size - 14, 11, body, border=1, align="C", new_x="LMARGIN", new_y="NEXT")
                pdf.ln(2)
            elif kind == "small":
                pdf.set_font("Helvetica", "I", 10)
                para(width, 5.5, body)
                pdf.ln(2)
            elif kind == "sign":
                pdf.set_font("Helvetica", "", 12)
                para(width, 6.5, body)
            else:
                pdf.set_font("Helvetica", "", 12)
                para(width, 6.5, body)
                pdf.ln(3)
            if kind in ("how", "step", "link", "code") and qr_top is not None:
                if kind == "code" or (kind == "link" and letter.code is None):
                    y = max(pdf.get_y(), qr_top + qr_size + 6)
                    if letter.qr_link not in qr_cache:
                        qr_cache[letter.qr_link] = qr_png(letter.qr_link)
                    pdf.image(io.BytesIO(qr_cache[letter.qr_link]), x=210 - 22 - qr_size, y=qr_top, w=qr_size)
                    pdf.set_font("Helvetica", "", 9)
                    pdf.set_xy(210 - 22 - qr_size, qr_top + qr_size)
                    pdf.cell(qr_size, 4, _latin1(text("qr_caption", letter.lang)), align="C")
                    pdf.set_xy(pdf.l_margin, y + 3)
                    qr_top = None
        pdf.set_font("Helvetica", "", 8)
        pdf.set_xy(pdf.l_margin, 297 - 16)
        footer = text("footer", letter.lang, round_name=letter.round_name, gi_name=letter.gi_name)
        pdf.cell(width, 4, _latin1(footer), align="C")
    return bytes(pdf.output())


def letters_docx(letters: Sequence[Letter]) -> bytes:
    """All letters in one Word file, a page break between letters (python-docx)."""
    if not letters:
        raise ValueError("no letters")
    doc = Document()
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.left_margin = sec.right_margin = sec.top_margin = sec.bottom_margin = Mm(22)
    doc.core_properties.title = letters[0].round_name
    last = None
    for letter in letters:
        if last is not None:
            last.add_run().add_break(WD_BREAK.PAGE)
        for kind, body in paragraphs(letter):
            if kind == "title":
                doc.add_heading(body, level=1)
            elif kind == "how":
                p = doc.add_paragraph()
                p.add_run(body).bold = True
            elif kind == "step":
                doc.add_paragraph(body)
            elif kind == "link":
                run = doc.add_paragraph().add_run(body)
                run.font.name, run.bold = "Courier New", True
                if letter.code is None:
                    doc.add_picture(io.BytesIO(qr_png(letter.qr_link)), width=Mm(42))
            elif kind == "code":
                run = doc.add_paragraph().add_run(body)
                run.bold, run.font.size = True, Pt(16)
                doc.add_picture(io.BytesIO(qr_png(letter.qr_link)), width=Mm(42))
            elif kind == "small":
                doc.add_paragraph().add_run(body).italic = True
            else:
                doc.add_paragraph(body)
        last = doc.add_paragraph()
        small = last.add_run(text("footer", letter.lang, round_name=letter.round_name, gi_name=letter.gi_name))
        small.font.size = Pt(8)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


# --------------------------------------------------------------------------- mail merge


def mail_merge_csv(letters: Sequence[Letter]) -> bytes:
    """One row per letter (:data:`CSV_COLUMNS`), ``;``-separated UTF-8 with BOM (opens in Dutch Excel and Word).

    Keep this file safe: it is the only copy of the codes, and it is what the
    reminder letters are made from.
    """
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=CSV_DELIMITER, lineterminator="\r\n")
    w.writerow(CSV_COLUMNS)
    for x in letters:
        w.writerow(
            [
                x.round_id,
                x.round_name,
                x.gi,
                x.gi_name,
                x.respondent_type,
                x.code or "",
                x.link,
                x.qr_link,
                format_date(x.closes, x.lang) if x.closes else "",
            ]
        )
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


@dataclass(frozen=True)
class MailMergeRow:
    row: int  # as a spreadsheet shows it (header = 1)
    round_id: str
    gi: str
    respondent_type: str
    code: str | None


def _err(file, row, column, value, rule, key, **params) -> ErrorRecord:
    """A record of a mail-merge file; its message is ``validation.mail_merge.<key>``."""
    return ErrorRecord(file, row, column, value, rule, params, "mail_merge." + key)


def read_mail_merge(data: bytes, *, file: str, round_id: str) -> tuple[list[MailMergeRow], ValidationReport]:
    """Read a mail-merge CSV made by :func:`mail_merge_csv` (extra columns, such as addresses, are fine).

    Checks that every row belongs to ``round_id`` and has an institution, a
    respondent type and (in a codes round) a code.  Problems are collected as
    records (file, row, column, value, rule, message) in the returned
    :class:`~analysis.validation.ValidationReport`; the caller decides.
    """
    errors: list[ErrorRecord] = []
    rows: list[MailMergeRow] = []
    if len(data) > MAX_CSV_BYTES:
        errors.append(
            _err(
                file,
                None,
                None,
                None,
                "too_large",
                "too_large",
                mb=MAX_CSV_BYTES // 1_000_000,
            )
        )
        return rows, ValidationReport(file=file, errors=errors)
    try:
        txt = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            txt = data.decode("cp1252")
        except UnicodeDecodeError:
            errors.append(_err(file, None, None, None, "unreadable_file", "not_text"))
            return rows, ValidationReport(file=file, errors=errors)
    first = txt.split("\n", 1)[0]
    delim = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.reader(io.StringIO(txt), delimiter=delim)
    header = [h.strip().lower() for h in next(reader, [])]
    missing = [c for c in ("ronde_id", "instelling", "respondent", "code") if c not in header]
    if missing:
        errors.append(
            _err(
                file,
                1,
                ", ".join(missing),
                None,
                "missing_column",
                "missing_columns",
                columns=", ".join(missing),
            )
        )
        return rows, ValidationReport(file=file, errors=errors)
    idx = {c: header.index(c) for c in header}
    n = 0
    for line_no, rec in enumerate(reader, start=2):
        if not any(cell.strip() for cell in rec):
            continue
        n += 1
        if n > MAX_LETTERS:
            errors.append(
                _err(
                    file,
                    line_no,
                    None,
                    None,
                    "too_many_rows",
                    "too_many_rows",
                    limit=MAX_LETTERS,
                )
            )
            break

        def cell(col: str, rec=rec) -> str:
            i = idx[col]
            return rec[i].strip() if i < len(rec) else ""

        rid, gi, rt, code = cell("ronde_id"), cell("instelling"), cell("respondent"), cell("code")
        if rid != round_id:
            errors.append(
                _err(
                    file,
                    line_no,
                    "ronde_id",
                    rid,
                    "wrong_round",
                    "wrong_round",
                    found=rid,
                    round=round_id,
                )
            )
            continue
        if not gi:
            errors.append(_err(file, line_no, "instelling", None, "required", "no_institution"))
            continue
        if rt not in contract.RESPONDENT_TYPES:
            errors.append(
                _err(
                    file,
                    line_no,
                    "respondent",
                    rt,
                    "unknown_code",
                    "respondent_type",
                )
            )
            continue
        rows.append(MailMergeRow(line_no, rid, gi, rt, code or None))
    if not rows and not errors:
        errors.append(_err(file, None, None, None, "empty_file", "empty"))
    return rows, ValidationReport(file=file, errors=errors, n_rows=n)
