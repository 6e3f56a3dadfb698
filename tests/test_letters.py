"""Invitation and reminder letters (analysis.letters): links, QR codes read back from the PDF, Word, CSV."""

from __future__ import annotations

import datetime as dt
import io
from urllib.parse import parse_qs, urlsplit

import pytest

from analysis import i18n
from analysis import letters as L
from survey_app.respond import flow

BASE = "https://vragenlijst.example.nl"
CODES = ["34679-ACDEF", "GHJKM-NPQRT"]


def read_qr_codes(pdf: bytes, *, dpi: int = 150) -> list[list[str]]:
    """Render every PDF page (pdfium) and decode the QR codes on it (zxing-cpp): texts per page."""
    import pypdfium2
    import zxingcpp

    doc = pypdfium2.PdfDocument(pdf)
    try:
        return [[r.text for r in zxingcpp.read_barcodes(page.render(scale=dpi / 72).to_pil())] for page in doc]
    finally:
        doc.close()


def pdf_text(pdf: bytes) -> list[str]:
    import pypdfium2

    doc = pypdfium2.PdfDocument(pdf)
    try:
        return [page.get_textpage().get_text_range() for page in doc]
    finally:
        doc.close()


def _letters(**kw):
    args = dict(
        base_url=BASE,
        round_id="ab3k9m2x7q",
        round_name="Cliëntervaring 2026",
        gi="WSS",
        respondent_type="ouder",
        codes=CODES,
        closes=dt.date(2026, 4, 30),
        sender="Inspectie Gezondheidszorg en Jeugd",
    )
    args.update(kw)
    return L.make_letters(**args)


def test_letters_link_carries_round_code_and_institution_as_the_questionnaire_reads_them():
    link = L.respondent_link(BASE + "/", "ab3k9m2x7q", "WSS", "34679-ACDEF")
    assert link == f"{BASE}/?ronde=ab3k9m2x7q&code=34679-ACDEF&gi=WSS"
    parsed = flow.parse_link(parse_qs(urlsplit(link).query))
    assert (parsed.round_id, parsed.code, parsed.gi) == (
        "ab3k9m2x7q",
        "34679ACDEF",
        "WSS",
    )  # the one normaliser drops the dash
    assert L.respondent_link(BASE, "r1") == f"{BASE}/?ronde=r1"
    for bad in ("vragenlijst.example.nl", "ftp://x", "https://x/?a=1", ""):
        with pytest.raises(ValueError):
            L.check_base_url(bad)


def test_letters_pdf_one_page_per_code_and_its_qr_opens_the_round_with_the_code():
    made = _letters() + _letters(gi="JBG", respondent_type="jeugdige", codes=["UVWXY-34679"])
    pdf = L.letters_pdf(made)
    qrs = read_qr_codes(pdf)
    assert qrs == [
        [f"{BASE}/?ronde=ab3k9m2x7q&code=34679-ACDEF&gi=WSS"],
        [f"{BASE}/?ronde=ab3k9m2x7q&code=GHJKM-NPQRT&gi=WSS"],
        [f"{BASE}/?ronde=ab3k9m2x7q&code=UVWXY-34679&gi=JBG"],
    ]
    pages = pdf_text(pdf)
    assert "Uw code: 34679-ACDEF" in pages[0] and "34679-ACDEF" not in pages[1]
    assert "Beste ouder of verzorger" in pages[0] and "30 april 2026" in pages[0]
    assert "Jouw code: UVWXY-34679" in pages[2] and "Hoi," in pages[2]  # youth wording
    assert "niet gekoppeld" in pages[0] and "In English" in pages[0]
    assert "Inspectie Gezondheidszorg en Jeugd" in pages[0]
    # the printed link has no code in it (the code is printed on its own)
    assert "code=" not in pages[0].replace("\r", "").replace("\n", "")


def test_letters_open_round_letters_have_the_link_and_no_code():
    made = _letters(codes=None, n=2, languages=("nl",))
    pdf = L.letters_pdf(made)
    assert read_qr_codes(pdf) == [[f"{BASE}/?ronde=ab3k9m2x7q&gi=WSS"]] * 2
    text = pdf_text(pdf)[0]
    assert "code" not in text.lower().replace("qr-code", "")
    assert "In English" not in text  # only Dutch offered


def test_letters_reminder_reuses_the_code_and_says_no_action_needed_when_done():
    first = _letters()
    rows, report = L.read_mail_merge(L.mail_merge_csv(first), file="adressen.csv", round_id="ab3k9m2x7q")
    assert report.ok and [r.code for r in rows] == CODES
    reminders = L.as_reminders(first)
    pdf = L.letters_pdf(reminders)
    assert read_qr_codes(pdf)[0] == [first[0].qr_link]
    page = pdf_text(pdf)[0]
    assert page.startswith("Herinnering") and "al ingevuld? Dank u wel" in page and "34679-ACDEF" in page


def test_letters_docx_has_a_page_per_letter_with_code_and_qr_picture():
    from docx import Document

    doc = Document(io.BytesIO(L.letters_docx(_letters())))
    body = "\n".join(p.text for p in doc.paragraphs)
    assert body.count("Uitnodiging: wat vindt u van uw jeugdzorgwerker?") == 2
    assert "Uw code: 34679-ACDEF" in body and "Uw code: GHJKM-NPQRT" in body
    assert len(doc.inline_shapes) == 2  # one QR code per letter
    xml = doc.element.body.xml
    assert xml.count('w:type="page"') == 1  # a page break between the two letters
    import zxingcpp
    from PIL import Image

    blobs = [r.target_part.blob for r in doc.part.rels.values() if "image" in r.reltype]
    decoded = sorted(zxingcpp.read_barcodes(Image.open(io.BytesIO(b)))[0].text for b in blobs)
    assert decoded == sorted(x.qr_link for x in _letters())


def test_letters_mail_merge_csv_columns_and_dutch_excel_format():
    data = L.mail_merge_csv(_letters())
    assert data.startswith("\ufeff".encode())
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[0].split(";") == list(L.CSV_COLUMNS)
    first = lines[1].split(";")
    assert first[:6] == ["ab3k9m2x7q", "Cliëntervaring 2026", "WSS", first[3], "ouder", "34679-ACDEF"]
    assert first[7] == f"{BASE}/?ronde=ab3k9m2x7q&code=34679-ACDEF&gi=WSS" and first[8] == "30 april 2026"


def test_letters_read_mail_merge_reports_errors_with_row_and_column():
    good = L.mail_merge_csv(_letters()).decode("utf-8-sig")
    lines = good.splitlines()
    other = lines[2].replace("ab3k9m2x7q", "anders", 1)
    bad_type = lines[1].replace(";ouder;", ";opa;")
    extra = "\r\n".join([lines[0] + ";adres", lines[1] + ";Dorpsstraat 1", other + ";x", bad_type + ";y"])
    rows, report = L.read_mail_merge(extra.encode("cp1252", "replace"), file="terug.csv", round_id="ab3k9m2x7q")
    assert [r.row for r in rows] == [2]
    assert [(e.row, e.column, e.rule) for e in report.errors] == [
        (3, "ronde_id", "wrong_round"),
        (4, "respondent", "unknown_code"),
    ]
    assert report.errors[0].text("nl").startswith("terug.csv: rij 3, kolom ronde_id")
    _, report = L.read_mail_merge(b"naam,adres\nJan,Straat\n", file="x.csv", round_id="r")
    assert report.errors[0].rule == "missing_column" and "ronde_id" in report.errors[0].message_in("nl")
    _, report = L.read_mail_merge(lines[0].encode(), file="x.csv", round_id="ab3k9m2x7q")
    assert report.errors[0].rule == "empty_file"


def test_letters_texts_are_in_the_catalogs_and_plain():
    for lang in i18n.languages():
        texts = {k: v for k, v in i18n.catalog(lang).items() if k.startswith(L.TEXT_NAMESPACE)}
        assert texts and all(texts.values()), lang
        # the PDF's core font is Latin-1: every letter text fits it
        for key, value in texts.items():
            assert value.encode("latin-1", errors="replace").decode("latin-1") == value, key
        if lang in ("nl", "en"):  # letters have their own wording in Dutch and English only (not yet Turkish)
            for key in L.MONTHS:
                i18n.text(key, lang).encode("latin-1")
    # youth wording says "je", the parent wording "u"
    assert " je " in L.text("intro", "nl", "jeugdige", gi_name="X") and " u " in L.text(
        "intro", "nl", "ouder", gi_name="X"
    )
