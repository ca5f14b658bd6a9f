"""The corpus and its splitting: every area, value and principle is its own passage with its path."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.corpus import load_document, load_passages, split_document
from assistant.errors import IngestError
from assistant.text import split_sentences

CORPUS_FILE = Path(__file__).resolve().parent.parent / "corpus" / "uu-learning-analytics-beleid.md"
AREAS = "2. Doelen voor learning analytics aan de Universiteit Utrecht"


@pytest.fixture(scope="module")
def passages():
    return load_passages()


@pytest.mark.parametrize("area", ["1a", "1b", "2a", "2b", "3a", "3b", "3c", "4a", "4b"])
def test_every_area_is_its_own_passage(passages, area):
    [p] = [p for p in passages if p.section == f"{AREAS} > Gebied {area[0]} > {area}"]
    assert p.text.startswith(f"{area[1]}. ")
    assert p.retrievable


@pytest.mark.parametrize(
    "label",
    [
        "Transparantie",
        "Verantwoordelijkheid",
        "Eerlijke afweging",
        "Betrouwbare en valide analyses",
        "Human in the loop",
    ],
)
def test_every_value_is_its_own_passage(passages, label):
    [p] = [p for p in passages if p.section == f"3.1 Ethische Waarden > {label}"]
    assert p.text.startswith(label + ":")


@pytest.mark.parametrize(
    "label, start",
    [
        ("Categorieën persoonsgegevens", "De AVG maakt onderscheid"),
        ("Rechtmatige grondslag", "Voor elk LA-project is een rechtmatige grondslag nodig."),
        ("Rechtmatige grondslag > LA-implementatieprojecten", "LA-implementatieprojecten:"),
        ("Rechtmatige grondslag > LA-onderzoeksprojecten", "LA-onderzoeksprojecten:"),
        ("Doelbinding", "Doelbinding:"),
        ("Opslagbeperking", "Opslagbeperking:"),
        ("Transparantie", "Transparantie: elk LA-project vereist een privacyverklaring"),
        ("Passende technische en organisatorische maatregelen", "Passende technische"),
        ("Privacyscan", "Voor elk LA-projectvoorstel wordt een privacyscan uitgevoerd"),
        ("AI-officer", "Wanneer er AI wordt gebruikt in een LA-project, zal de AI-officer"),
    ],
)
def test_every_privacy_principle_is_its_own_passage(passages, label, start):
    [p] = [p for p in passages if p.section == f"3.2 Privacy-principes > {label}"]
    assert p.text.startswith(start)


def test_passage_text_is_verbatim_at_its_span():
    raw = CORPUS_FILE.read_text(encoding="utf-8")
    for p in load_passages():
        assert raw[p.start : p.end] == p.text, p.id


def test_wording_is_unchanged_from_the_seed(passages):
    """Every sentence of every citable passage occurs in the seed text (whitespace and line breaks aside)."""
    import re

    seed = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "uu-learning-analytics-beleid.txt"
    if not seed.exists():
        pytest.skip("shared/seeds not beside the checkout")
    raw = re.sub(r"(?<=[a-z.\"”])\d(?=[\s.])", "", seed.read_text(encoding="utf-8"))  # footnote digits
    raw = re.sub(r"(\w-)[ \t]*\n\s*(?=[a-z])", r"\1", raw)  # words broken across lines ("LA-\nsystemen")
    lines = [
        ln
        for ln in raw.splitlines()  # page-foot footnotes interrupt sentences in the seed
        if not re.match(r"\s*(\d\s+)?(https?://|Data Privacy Handbook)", ln)
    ]
    flat = " ".join(" ".join(lines).split())
    checked = 0
    for p in passages:
        if not p.retrievable:
            continue
        text = re.sub(r"\[\^\d+\]", "", p.text)
        for a, b in split_sentences(text):
            sentence = " ".join(text[a:b].split())
            assert sentence in flat, (p.section, sentence)
            checked += 1
    assert checked > 60
    assert "discriminerende LA-systemen" in " ".join(p.text for p in passages)  # repaired line break


def test_captions_and_footnotes_are_not_retrievable(passages):
    captions = [p for p in passages if p.text.startswith("Figuur")]
    footnotes = [p for p in passages if p.text.startswith("[^")]
    assert len(captions) == 2 and len(footnotes) == 3
    assert not any(p.retrievable for p in captions + footnotes)
    assert all("http" in p.text for p in footnotes)


def test_front_matter_is_metadata_not_text():
    doc = load_document(CORPUS_FILE)
    assert doc.meta["owner"] == "Universiteit Utrecht" and doc.meta["language"] == "nl"
    assert doc.authority == "official"
    assert not any("owner:" in b.text for b in doc.blocks)


def test_sentences_respect_abbreviations():
    text = (
        "Voor elk LA-project zal de UU de toets uitvoeren, d.w.z. of het gebruik noodzakelijk is. "
        "Dit betekent ook iets anders."
    )
    spans = split_sentences(text)
    assert [text[a:b] for a, b in spans] == [
        "Voor elk LA-project zal de UU de toets uitvoeren, d.w.z. of het gebruik noodzakelijk is.",
        "Dit betekent ook iets anders.",
    ]


def test_long_sections_are_cut_to_size(tmp_path):
    body = " ".join(
        f"Zin nummer {i} gaat over bewaartermijnen en beveiliging van gegevens." for i in range(120)
    )
    f = tmp_path / "lang.md"
    f.write_text(f"# Titel\n\n## Bewaren\n\n{body}\n", encoding="utf-8")
    parts = split_document(load_document(f))
    assert len(parts) > 3
    assert all(len(p.text) <= 1200 for p in parts)
    assert all(p.section.startswith("Bewaren (deel ") for p in parts)
    assert all(p.text in body for p in parts)


@pytest.mark.parametrize(
    "name, content, reason",
    [
        ("empty.md", b"", "empty"),
        ("binary.md", b"\x00\x01\x02PNG" * 20, "binary"),
        ("latin.txt", "caf\xe9 ok".encode("latin-1") * 5, "UTF-8"),
        ("corrupt.pdf", b"%PDF-1.4\n garbage garbage", "PDF"),
        ("corrupt.docx", b"PK\x03\x04 not really a zip", "DOCX"),
        ("data.xlsx", b"whatever", "unsupported"),
    ],
)
def test_unreadable_files_raise_a_clear_error(tmp_path, name, content, reason):
    f = tmp_path / name
    f.write_bytes(content)
    with pytest.raises(IngestError) as err:
        load_document(f)
    assert name in str(err.value) and reason in str(err.value)


def test_other_formats_are_structured(tmp_path):
    import docx

    d = docx.Document()
    d.add_heading("Bewaarbeleid", level=1)
    d.add_paragraph("Gegevens worden na twee jaar verwijderd.")
    d.add_paragraph("Versleutel alle exports.", style="List Bullet")
    d.save(tmp_path / "b.docx")
    (tmp_path / "c.html").write_text(
        "<h2>Toegang</h2><p>Alleen docenten zien het dashboard.</p><ul><li>Logboek: "
        "alle toegang wordt gelogd.</li></ul>",
        encoding="utf-8",
    )
    (tmp_path / "d.txt").write_text("1. Inleiding\n\nDit is een tekst over dashboards.\n", encoding="utf-8")
    b = split_document(load_document(tmp_path / "b.docx"))
    c = split_document(load_document(tmp_path / "c.html"))
    t = split_document(load_document(tmp_path / "d.txt"))
    assert [(p.section, p.text) for p in b][-1] == ("Bewaarbeleid", "Versleutel alle exports.")
    assert ("Toegang > Logboek", "Logboek: alle toegang wordt gelogd.") in [(p.section, p.text) for p in c]
    assert t[0].section == "1. Inleiding"
    assert all(p.authority == "supplementary" for p in b + c + t)


def test_pdf_pages_are_kept(tmp_path):
    pytest.importorskip("pypdf")
    from pypdf import PdfWriter

    w = PdfWriter()
    w.add_blank_page(width=200, height=200)
    f = tmp_path / "blank.pdf"
    with f.open("wb") as fh:
        w.write(fh)
    with pytest.raises(IngestError, match="no extractable text"):
        load_document(f)


# --------------------------------------------------------------------------- readers per format (issue 17)


def test_stored_text_is_clean_of_invisible_characters_and_ligatures(tmp_path):
    f = tmp_path / "u.md"
    f.write_text(
        "# U\n\nDe bewaar\u00adtermijn is 18\u00a0maanden; de \ufb01nanciële staat \u201cbuiten\u201d.\n",
        "utf-8",
    )
    [p] = split_document(load_document(f))
    assert p.text == "De bewaartermijn is 18 maanden; de financiële staat \u201cbuiten\u201d."
    assert p.section == "U"  # no heading above it: the document's title


def test_pdf_hyphenation_follows_the_document(tmp_path):
    from tests.docgen import Line, pdf

    lines = [
        Line(56, 750, 10, "Het e-mailadres van de privacy officer staat in de bewaar-"),
        Line(56, 736, 10, "termijnenlijst; stuur een e-"),
        Line(56, 722, 10, "mail bij vragen over het LA-"),
        Line(56, 708, 10, "team."),
    ]
    [p] = split_document(load_document(pdf([lines], tmp_path / "h.pdf")))
    assert p.text == (
        "Het e-mailadres van de privacy officer staat in de bewaartermijnenlijst; stuur een e-mail bij "
        "vragen over het LA-team."
    )


def test_pdf_bold_and_larger_headings_nest(tmp_path):
    from tests.docgen import Line, pdf

    lines = [
        Line(56, 780, 18, "Handreiking dashboards", bold=True),
        Line(56, 740, 14, "Toegang", bold=True),
        Line(56, 720, 11, "Bijlage A", bold=True),
        Line(56, 700, 10, "Docenten zien alleen hun eigen cursus."),
        Line(56, 670, 14, "Bewaren", bold=True),
        Line(56, 650, 10, "Gegevens worden na een jaar verwijderd."),
    ]
    doc = load_document(pdf([lines], tmp_path / "k.pdf"))
    assert doc.title == "Handreiking dashboards"
    assert [(p.section, p.page) for p in split_document(doc)] == [
        ("Toegang > Bijlage A", 1),
        ("Bewaren", 1),
    ]


def test_docx_lists_number_like_word_and_layout_tables_are_text(tmp_path):
    import docx

    d = docx.Document()
    d.add_heading("Procedure", level=1)
    for text in ("Eerste stap.", "Tweede stap."):
        d.add_paragraph(text, style="List Number")
    d.add_paragraph("Een opsomming.", style="List Bullet")
    layout = d.add_table(rows=1, cols=2)
    layout.cell(0, 0).text = "Links staat een toelichting."
    layout.cell(0, 1).text = "Rechts staat een tweede toelichting."
    d.save(tmp_path / "p.docx")
    doc = load_document(tmp_path / "p.docx")
    assert [p.text for p in split_document(doc)] == [
        "1. Eerste stap.",
        "2. Tweede stap.",
        "Een opsomming.",
        "Links staat een toelichting.",
        "Rechts staat een tweede toelichting.",
    ]
    assert doc.tables == 0  # one row of text is not a table of data


def test_html_layout_tables_and_bare_divs_are_read_as_content(tmp_path):
    f = tmp_path / "l.html"
    f.write_text(
        "<html><body><nav><a href=/>Home</a> <a href=/x>Menu</a></nav><table><tr><td><div>Zoeken</div></td>"
        "<td><h2>Regels voor dashboards</h2><div>Docenten zien alleen gegevens van hun eigen cursus.</div>"
        "<div>Gegevens van studenten worden na 12 maanden verwijderd.</div></td></tr></table>"
        "<div class='cookie'>We use cookies. Accept all cookies?</div></body></html>",
        encoding="utf-8",
    )
    passages = split_document(load_document(f))
    assert [(p.section, p.text) for p in passages] == [
        ("Regels voor dashboards", "Docenten zien alleen gegevens van hun eigen cursus."),
        ("Regels voor dashboards", "Gegevens van studenten worden na 12 maanden verwijderd."),
    ]
