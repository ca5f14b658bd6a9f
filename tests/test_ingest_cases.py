"""Ingest cases of 2026-11-30 (tests/cases/2026-11-30/README.md, "documents.jsonl + docs/"), each with its
right behaviour, and held-out documents of the same kinds built by tests/docgen.py (a DOCX with a
table, an HTML page with navigation and a cookie banner, a PDF with a running header and footer).

Most tests run the real index (Chroma) with the fake embedder and the whole Ask pipeline
(`tests.fakes.answering_assistant`); `test_handed_questions_with_the_real_model` asks the handed
questions with e5 and the tuned refusal policy.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from assistant.config import load_settings
from assistant.corpus import load_document, split_document
from assistant.embeddings.fake import HashEmbedder
from assistant.index import PolicyIndex
from assistant.text import fold

from .docgen import Line, faculty_html, pdf, proctoring_pdf, running_pages, thesis_docx
from .fakes import answering_assistant

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "cases" / "2026-11-30"
DOCS = CASES / "docs"
POLICY = ROOT / "corpus" / "uu-learning-analytics-beleid.md"
QUESTIONS = {q["id"]: q for q in map(json.loads, (CASES / "documents.jsonl").read_text().splitlines())}
INVISIBLE = "\u00ad\u00a0\u200b\u200c\u200d\u2060\ufeff\u202f"
FURNITURE = ("CONCEPT", "niet verspreiden", "Pagina ", "Universiteit - Richtlijn")


def _index(home: Path) -> PolicyIndex:
    return PolicyIndex(load_settings(home=home), embedder=HashEmbedder())


@pytest.fixture(scope="module")
def handed(tmp_path_factory):
    """The policy plus every handed document, ingested as supplementary (fake embedder)."""
    home = tmp_path_factory.mktemp("handed")
    index = _index(home)
    index.ingest()
    docs = home / "docs"
    shutil.copytree(DOCS, docs)
    report = index.ingest([docs], authority="supplementary")
    return index, report


@pytest.fixture(scope="module")
def held_out(tmp_path_factory):
    """The policy plus the three held-out documents."""
    home = tmp_path_factory.mktemp("held")
    folder = home / "docs"
    folder.mkdir()
    thesis_docx(folder / "scriptiedata.docx")
    faculty_html(folder / "studiedata.html")
    proctoring_pdf(folder / "online-toetsing.pdf")
    index = _index(home)
    index.ingest()
    return index, index.ingest([folder], authority="supplementary")


def _passages(index, source: str):
    return [p for p in index.live().passages if p.source == source]


def _ask(index, question: str):
    return answering_assistant(index).ask(question)


def _cited(answer, phrase: str):
    """The first citation whose passage holds `phrase` (folded, as the eval counts it)."""
    return next((c for c in answer.citations if fold(phrase) in fold(c.text)), None)


# --------------------------------------------------------------------------- the handed cases


def test_the_report_names_every_file_with_what_was_kept_and_skipped(handed):
    _, report = handed
    files = {f.source: f for f in report.files}
    assert files["richtlijn-dashboards.docx"].status == "added"
    assert (files["richtlijn-dashboards.docx"].tables, files["richtlijn-dashboards.docx"].rows) == (1, 2)
    pdf_report = files["richtlijn-header-footer.pdf"]
    assert pdf_report.pages == 3 and pdf_report.skipped == {"furniture": 6}
    assert "6 lines of page headers, footers and page numbers left out" in pdf_report.line()
    scanned = files["gescande-notitie.pdf"]
    assert scanned.status == "failed" and "no extractable text" in scanned.reason
    # the same text as the header/footer PDF without the furniture: one copy is indexed
    assert report.duplicates == [("richtlijn-zonder-kop.pdf", "richtlijn-header-footer.pdf")]


def test_docx_table_rows_are_passages_and_the_answer_cites_the_row(handed):
    index, _ = handed
    rows = [p for p in _passages(index, "richtlijn-dashboards.docx") if p.row is not None]
    assert [(p.row, p.section.rsplit(" > ", 1)[-1]) for p in rows] == [
        (1, "Klikgegevens uit Brightspace"),
        (2, "Quizscores"),
    ]
    assert rows[0].text == (
        "Soort gegevens: Klikgegevens uit Brightspace; Bewaartermijn: Klikgegevens worden uiterlijk "
        "12 maanden na afloop van de cursus verwijderd."
    )
    assert rows[0].section.startswith("Aanvullende richtlijn LA-dashboards > Bewaartermijnen")
    q = QUESTIONS["docx-table"]
    cited = _cited(_ask(index, q["question"]), q["expected"][0])
    assert cited is not None and cited.row == 1 and cited.source == "richtlijn-dashboards.docx"


def test_docx_numbered_list_keeps_its_numbers(handed):
    index, _ = handed
    steps = [p.text for p in _passages(index, "richtlijn-dashboards.docx") if "Stappen" in p.section]
    assert steps == [
        "1. Meld het dashboard aan bij het LA-team van de faculteit.",
        "2. Laat de privacyscan uitvoeren door de privacy officer.",
        "3. Publiceer de privacyverklaring voordat het dashboard live gaat.",
    ]


@pytest.mark.parametrize("case, page", [("pdf-hf", 2), ("pdf-hf2", 3)])
def test_pdf_furniture_never_in_a_passage_or_quote_and_the_citation_gives_the_page(handed, case, page):
    index, _ = handed
    passages = _passages(index, "richtlijn-header-footer.pdf")
    assert [p.section for p in passages] == ["1. Doel van deze richtlijn", "2. Toegang", "3. Bewaren"]
    assert not [p.text for p in passages if any(f in p.text for f in FURNITURE)]
    q = QUESTIONS[case]
    answer = _ask(index, q["question"])
    cited = _cited(answer, q["expected"][0])
    assert cited is not None, [(c.source, c.text) for c in answer.citations]
    assert cited.page == page and cited.page_end is None
    assert not any(f in c.quote for c in answer.citations for f in FURNITURE)
    assert answer.to_dict()["citations"][answer.citations.index(cited)]["page"] == page


def test_unicode_document_matches_and_quotes_have_no_invisible_characters(handed):
    index, _ = handed
    [passage] = _passages(index, "notitie-unicode.md")
    assert not any(ch in passage.text for ch in INVISIBLE + "\ufb01")
    assert "bewaartermijn van 18 maanden" in passage.text and "financiële" in passage.text
    answer = _ask(index, QUESTIONS["uni-doc"]["question"])
    cited = _cited(answer, "18")
    assert cited is not None and cited.source == "notitie-unicode.md"
    assert not any(ch in c.quote + c.text for c in answer.citations for ch in INVISIBLE)


def test_a_140_kb_line_is_split_and_its_sentence_found(handed):
    index, report = handed
    passages = _passages(index, "een-regel.txt")
    assert all(len(p.text) <= 1200 and p.text.endswith(".") and not p.text.startswith(".") for p in passages)
    # the one line repeats one sentence: its 188 pieces are 3 distinct texts, each indexed once
    [f] = [f for f in report.files if f.source == "een-regel.txt"]
    assert len(passages) == 3 and f.skipped == {"repeated": 185}
    assert "185 passages with the same text as an earlier passage left out" in f.line()
    sentence = "De bewaartermijn voor peer-feedbackgegevens is precies 18 maanden na de laatste beoordeling."
    [holder] = [p for p in passages if sentence in p.text]
    hits = answering_assistant(index).retriever.search(QUESTIONS["long-line"]["question"], k=5).hits
    assert holder in [h.passage for h in hits]  # the quote itself: test_handed_questions_with_the_real_model


def test_the_scanned_pdf_is_refused_by_name_and_nothing_else_changes(tmp_path):
    index = _index(tmp_path / "home")
    index.ingest([POLICY])
    before = index.documents()
    report = index.ingest([DOCS / "gescande-notitie.pdf"])
    assert report.failed == [
        ("gescande-notitie.pdf", "gescande-notitie.pdf: the PDF has no extractable text (scanned image?).")
    ]
    assert [(d["key"], d["ids"]) for d in index.documents()] == [(d["key"], d["ids"]) for d in before]


def test_pdf_headings_give_the_section_path_else_the_title(tmp_path):
    sections = [p.section for p in split_document(load_document(DOCS / "richtlijn-zonder-kop.pdf"))]
    assert sections == ["1. Doel van deze richtlijn", "2. Toegang", "3. Bewaren"]
    plain = pdf(
        [
            [
                Line(56, 750, 10, "Een notitie zonder kopjes over het bewaren van gegevens."),
                Line(56, 735, 10, "Gegevens worden na een jaar verwijderd."),
            ]
        ],
        tmp_path / "notitie.pdf",
        title="Notitie bewaren",
    )
    [passage] = split_document(load_document(plain))
    assert passage.section == "Notitie bewaren" and passage.page == 1


def test_markup_in_a_document_stays_literal_text(handed):
    index, _ = handed
    texts = [p.text for p in _passages(index, "privacyscan-aanmelden.md")]
    assert "<img src=x onerror=alert(document.cookie)>" in texts[0]
    assert "(javascript:alert(document.cookie))" in texts[0] and ":material/check: $x^2$" in texts[1]


def test_the_official_storage_passage_comes_before_a_conflicting_supplementary_one(handed):
    index, _ = handed
    answer = _ask(index, "Hoe lang mogen studentgegevens bewaard worden?")
    assert answer.citations[0].section == "3.2 Privacy-principes > Opslagbeperking"
    assert answer.citations[0].authority == "official"


def test_a_removed_document_is_never_cited_again(tmp_path):
    home = tmp_path / "home"
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(DOCS / "tijdelijke-notitie.md", docs)
    shutil.copy(DOCS / "notitie-unicode.md", docs)
    index = _index(home)
    index.ingest([POLICY])
    index.ingest([docs], authority="supplementary")
    question = "Wanneer worden quizscores van de pilot verwijderd?"
    assert _cited(_ask(index, question), "6 maanden") is not None
    [doc] = [d for d in index.documents() if d["source"] == "tijdelijke-notitie.md"]

    report = index.remove([doc["id"][:8]])  # a document id (prefix); a path or file name works too
    assert report.removed == ["tijdelijke-notitie.md"] and not report.failed
    assert not any("pilot" in p.text for p in index.live().passages)
    assert all(c.source != "tijdelijke-notitie.md" for c in _ask(index, question).citations)
    stored = index._col("la_passages").get(include=[])["ids"]
    assert not [pid for pid in stored if pid in doc["ids"]]  # its passages are gone, not only hidden

    again = index.ingest([docs])  # a folder ingest keeps it out ...
    assert ("tijdelijke-notitie.md" in again.skipped) and not again.added
    assert "tijdelijke-notitie.md" not in {d["source"] for d in index.documents()}
    assert index.remove(["no-such-document.md"]).failed[0][0] == "no-such-document.md"
    back = index.ingest([docs / "tijdelijke-notitie.md"])  # ... naming the file adds it again
    assert back.added == ["tijdelijke-notitie.md"]


def test_removal_by_path_needs_no_model(tmp_path, monkeypatch):
    home = tmp_path / "home"
    _index(home).ingest([DOCS / "tijdelijke-notitie.md", POLICY])

    def no_model(*args, **kwargs):
        raise AssertionError("the model was loaded for a removal")

    monkeypatch.setattr("assistant.embeddings.get_embedder", no_model)
    index = PolicyIndex(load_settings(home=home))
    assert index.remove([str(DOCS / "tijdelijke-notitie.md")]).removed == ["tijdelijke-notitie.md"]
    assert {d["source"] for d in index.documents()} == {"uu-learning-analytics-beleid.md"}


def test_a_copy_of_the_policy_is_reported_and_indexed_once(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(POLICY, docs / "beleid-kopie.md")
    index = _index(tmp_path / "home")
    index.ingest([POLICY])
    count = len(index.live().passages)
    report = index.ingest([docs])
    assert report.duplicates == [("beleid-kopie.md", "uu-learning-analytics-beleid.md")]
    assert not report.added and len(index.live().passages) == count
    answer = _ask(index, "Hoe lang mogen studentgegevens bewaard worden?")
    quotes = [c.quote for c in answer.citations]
    assert len(quotes) == len(set(quotes)) and {c.source for c in answer.citations} == {POLICY.name}
    # two copies in one run: the first (in file order) is indexed, the other reported
    both = tmp_path / "both"
    both.mkdir()
    (both / "a.md").write_text("# A\n\nGegevens worden na een jaar verwijderd.\n", encoding="utf-8")
    (both / "b.md").write_text("# A\n\nGegevens worden na een jaar verwijderd.\n", encoding="utf-8")
    assert index.ingest([both]).duplicates == [("b.md", "a.md")]


# --------------------------------------------------------------------------- held-out documents


def test_held_out_docx_table_caption_and_header_give_each_row_its_context(held_out):
    index, report = held_out
    [f] = [f for f in report.files if f.source == "scriptiedata.docx"]
    assert (f.tables, f.rows) == (1, 3)
    rows = {p.row: p for p in _passages(index, "scriptiedata.docx") if p.row}
    assert rows[2].section == (
        "Richtlijn scriptiedata > Bewaren > Tabel 2: Bewaartermijnen scriptiedata > Plagiaatrapporten"
    )
    assert rows[2].text == (
        "Gegevens: Plagiaatrapporten; Termijn: Plagiaatrapporten worden vijf jaar bewaard. "
        "Wie verwijdert: De examencommissie"
    )
    texts = [p.text for p in _passages(index, "scriptiedata.docx")]
    assert "Na afloop van de termijnen worden ook back-ups opgeschoond." in texts  # text after the table
    assert "2. Onderteken de geheimhoudingsverklaring." in texts
    answer = _ask(index, "Hoe lang worden plagiaatrapporten bewaard?")
    cited = _cited(answer, "vijf jaar")
    # seen failing once in a fresh-clone CI run (2026-11-30 evening) and not in 14 reruns: the answer
    # and the retrieval are in the message so that the next failure says why
    retrieved = [(h["section"], h["score"]) for h in answer.retrieved]
    assert cited is not None and cited.row == 2, (answer.text, answer.coverage, retrieved)


def test_held_out_html_keeps_the_main_content_only(held_out):
    index, report = held_out
    [f] = [f for f in report.files if f.source == "studiedata.html"]
    assert f.tables == 1 and f.skipped["boilerplate"] > 30
    passages = _passages(index, "studiedata.html")
    text = " ".join(p.text + " " + p.section for p in passages)
    for furniture in (
        "cookies",
        "Zoeken",
        "Contact en openingstijden",
        "tien jaar",
        "rechten voorbehouden",
        "Studiedata Home",
    ):
        assert furniture not in text, furniture
    assert "Alleen de examencommissie mag studieresultaten combineren" in text  # a rule in a <div>
    assert "Verwerkingsverantwoordelijke: De decaan is verantwoordelijk" in text  # a definition list
    assert [p.row for p in passages if p.row] == [1, 2]
    answer = _ask(index, "Hoe lang worden inloggegevens van de leeromgeving bewaard?")
    cited = _cited(answer, "zes maanden")
    assert cited is not None and cited.section.endswith("Inloggegevens van de leeromgeving")
    assert not any("tien jaar" in c.text for c in answer.citations)


def test_held_out_pdf_drops_furniture_and_repairs_breaks(held_out):
    index, report = held_out
    [f] = [f for f in report.files if f.source == "online-toetsing.pdf"]
    assert f.pages == 3 and f.skipped == {"furniture": 6}
    passages = _passages(index, "online-toetsing.pdf")
    text = " ".join(p.text for p in passages)
    assert "versie 0.3" not in text and "Notitie online toetsing" not in text
    assert "als alternatief aangeboden" in text and "het LA-team de opname" in text  # hyphen repaired / kept
    [broken] = [p for p in passages if "dertig dagen" in p.text]
    assert "na de vaststelling van de uitslag verwijderd" in broken.text  # one sentence over the page break
    assert (broken.page, broken.page_end, broken.section) == (1, 2, "Bewaren van opnames")
    assert {p.section for p in passages} == {
        "Toezicht bij online toetsen",
        "Bewaren van opnames",
        "Wie kijkt mee",
        "Melden van incidenten",
    }
    answer = _ask(index, "Hoe lang worden opnames van online toetsen bewaard?")
    cited = _cited(answer, "dertig dagen")
    assert cited is not None and (cited.page, cited.page_end) == (1, 2)


def test_pdf_page_numbers_alone_and_running_headers_on_two_pages(tmp_path):
    pages = running_pages(
        [
            [("Toegang", True), ("Alleen docenten zien het dashboard.", False)],
            [("Bewaren", True), ("Gegevens worden na een jaar verwijderd.", False)],
        ],
        header="Notitie dashboards",
        footer="- {n} -",
    )
    doc = load_document(pdf(pages, tmp_path / "twee.pdf"))
    assert doc.skipped == {"furniture": 4}
    assert [b.text for b in doc.blocks] == [
        "Toegang",
        "Alleen docenten zien het dashboard.",
        "Bewaren",
        "Gegevens worden na een jaar verwijderd.",
    ]


# --------------------------------------------------------------------------- the real model


def test_handed_questions_with_the_real_model(corpus_home, model_dir, tmp_path):
    """The handed questions, asked with e5 and the tuned refusal policy after ingesting the documents."""
    from assistant.services import build_assistant

    from .reliability_helpers import copy_home

    home = copy_home(corpus_home, tmp_path / "home")
    settings = load_settings(home=home, model_dir=model_dir)
    assistant = build_assistant(settings)
    docs = tmp_path / "docs"
    shutil.copytree(DOCS, docs)
    assistant.index.ingest([docs], authority="supplementary")
    for case, q in QUESTIONS.items():
        answer = assistant.ask(q["question"])
        assert not answer.refused, case
        cited = _cited(answer, q["expected"][0])
        assert cited is not None, (case, [(c.source, c.text[:60]) for c in answer.citations])
        assert not any(ch in c.quote for c in answer.citations for ch in INVISIBLE), case
        assert not any(f in c.quote for c in answer.citations for f in FURNITURE), case
        if case.startswith("pdf-hf"):
            assert cited.page == {"pdf-hf": 2, "pdf-hf2": 3}[case]
        if case == "docx-table":
            assert cited.row == 1
        if case == "long-line":
            assert "18 maanden" in cited.quote


# --------------------------------------------------------------------------- the Documents page


@pytest.fixture
def documents_app(tmp_path, monkeypatch):
    """An app home with the policy and a temporary note indexed (fake embedder), one reviewer."""
    home = tmp_path / "home"
    index = _index(home)
    index.ingest([POLICY])
    index.ingest(
        [DOCS / "tijdelijke-notitie.md", DOCS / "richtlijn-header-footer.pdf"], authority="supplementary"
    )
    monkeypatch.setenv("ASSISTANT_HOME", str(home))
    monkeypatch.setenv("ASSISTANT_DB_URL", f"sqlite:///{tmp_path / 'review.db'}")
    monkeypatch.setenv("ASSISTANT_REVIEWERS", "Rita")
    return index


def _documents_page(name: str):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
    at.query_params["lang"] = "en"
    at.session_state["user_name"] = name
    at.run()
    at.switch_page("assistant/ui/documents.py").run()
    assert not at.exception, at.exception
    return at


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_documents_page_shows_what_was_kept_and_a_reviewer_removes_a_document(documents_app):
    from assistant.ui.i18n import translate
    from assistant.ui.render import escape_md

    at = _documents_page("Rita")
    table = at.dataframe[0].value
    rows = dict(zip(table["File"], table["Left out"], strict=True))
    assert rows["richtlijn-header-footer.pdf"] == "6 lines of page headers, footers and page numbers left out"
    assert dict(zip(table["File"], table["Pages"], strict=True))["richtlijn-header-footer.pdf"] == 3
    [pick] = at.multiselect
    label = next(o for o in pick.options if o.startswith("tijdelijke-notitie.md"))
    pick.set_value([label]).run()
    [button] = [b for b in at.button if b.label == translate("docs.remove", "en")]
    button.click().run()
    assert not at.exception, at.exception
    assert "Removed: " + escape_md("tijdelijke-notitie.md") in "\n".join(str(s.value) for s in at.success)
    assert "tijdelijke-notitie.md" not in list(at.dataframe[0].value["File"])
    assert "tijdelijke-notitie.md" not in {d["source"] for d in documents_app.documents()}


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_only_reviewers_can_remove_documents(documents_app):
    from assistant.ui.i18n import translate

    at = _documents_page("Bob")
    assert not at.multiselect
    assert not [b for b in at.button if b.label == translate("docs.remove", "en")]
    assert translate("docs.read_only", "en") in [i.value for i in at.info]  # issue 19: the list read-only


def test_a_renamed_file_is_not_a_duplicate_of_its_old_name(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(DOCS / "tijdelijke-notitie.md", docs / "oud.md")
    index = _index(tmp_path / "home")
    index.ingest([docs])
    (docs / "oud.md").rename(docs / "nieuw.md")
    report = index.ingest([docs])
    assert (report.added, report.removed, report.duplicates) == (["nieuw.md"], ["oud.md"], [])
    assert {p.source for p in index.live().passages} == {"nieuw.md"}
