"""Every scan item cites its source: a policy passage of the corpus or an entry of the scan's
reference (assistant/data/reference/dpia-criteria.yaml), and the cited text holds the criterion the
item claims. Every text of the scan exists in Dutch and English."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.messages import catalogues
from assistant.policy import PRINCIPLES, passage_for
from assistant.scan import ITEMS, REFERENCE_SOURCE, citation_for, load_reference, scan_draft
from assistant.text import fold

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("item", ITEMS, ids=lambda i: i.id)
def test_every_item_cites_a_source_that_resolves_and_holds_its_criterion(item):
    citation = citation_for(item.cite)
    kind, _, key = item.cite.partition(":")
    if kind == "ref":
        entry = load_reference().entries[key]
        assert citation.source == REFERENCE_SOURCE and citation.section.startswith(entry.criterion)
        assert entry.source.strip()
    else:
        assert kind == "policy"
        passage = passage_for(PRINCIPLES[key].ref)
        assert (citation.source, citation.section, citation.text) == (
            passage.source,
            passage.section,
            passage.text,
        )
    assert fold(item.claim) in fold(citation.text), f"{item.id}: {item.claim!r} not in {citation.section}"


def test_screening_items_cite_the_legal_criterion_they_are_named_after():
    expected = {"G-35": "GDPR Art. 35(3)", "G-AP": "AP list type ", "G-WP": "WP248 criterion "}
    for item in ITEMS:
        if item.id.startswith("G-"):
            number = item.id[4:] if item.id.startswith(("G-AP", "G-WP")) else f"({item.id[-1]})"
            claim = expected[item.id[:4]] + number
            assert fold(claim) in fold(citation_for(item.cite).text), item.id


def test_the_reference_names_a_source_for_each_entry_and_all_seventeen_dpa_types():
    ref = load_reference()
    assert ref.authority == "supplementary"
    for key, entry in ref.entries.items():
        assert fold(entry.criterion) in fold(entry.text), key
        assert entry.source
    listed = fold(ref.entries["ap-list"].text)
    for n in range(1, 18):
        assert f" {n} " in listed.replace(",", " "), n


def test_scan_results_carry_the_citations():
    result = scan_draft({"areas": ["4b"], "uses_ai": True})
    assert all(i.citation.text and i.citation.section for i in result.items)


# ---------------------------------------------------------------- texts in both languages


def test_both_languages_have_every_scan_key():
    nl, en = (catalogues().languages[lang].messages for lang in ("nl", "en"))
    scan_nl = {k for k in nl if k.startswith("scan.")}
    scan_en = {k for k in en if k.startswith("scan.")}
    assert scan_nl == scan_en and scan_nl
    for item in ITEMS:
        assert f"scan.q.{item.id}" in scan_en
        if item.settle:
            assert f"scan.settle.{item.settle}" in scan_en


_DRAFTS = [
    {},
    {"areas": ["1a", "1b"], "data": [{"name": "klikgedrag", "source": "Brightspace + OSIRIS"}], "frequency": "weekly"},
    {"areas": ["4b"], "uses_ai": True, "project_type": "research", "effects": "Studenten worden uitgesloten van de herkansing.",
     "data": [{"name": "gezondheid", "category": "special", "source": "enquête"}], "scale": 50000,
     "processors": [{"name": "Vendor", "eea": False}], "data_subjects": ["minderjarige studenten", "docenten"],
     "summary": "Sentimentanalyse van forumberichten en locatie via wifi; fraude opsporen.", "ai_role": "deployer"},
    {"areas": ["2a", "2b"], "privacy_statement": False, "frequency": "continuous", "scale": {"scope": "faculty"},
     "data": [{"name": "docentactiviteit per docent", "source": "Canvas"}], "project_type": "implementation",
     "processors": [{"name": "SURF", "eea": True, "agreement": True}], "existing_dpia": "DPIA-7",
     "effects": "Alleen advies; geen gevolgen."},
]  # fmt: skip


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("draft", _DRAFTS, ids=range(len(_DRAFTS)))
def test_every_rationale_renders_in_both_languages(draft, lang):
    result = scan_draft(draft, lang=lang, students_vulnerable=None)
    for item in result.items:
        assert item.question and (item.rationale or not item.rule)
    from assistant.scan.render import scan_markdown

    assert result.file in scan_markdown(result)


def test_the_drafts_above_reach_every_rule_of_the_screening():
    rules = {i.rule for d in _DRAFTS for v in (None, True, False)
             for i in scan_draft(d, students_vulnerable=v).items if i.id.startswith("G-")}  # fmt: skip
    assert len(rules) >= 40, sorted(rules)


def test_the_items_table_in_docs_is_current():
    from assistant.scan.render import items_table_markdown

    assert items_table_markdown() in (ROOT / "docs" / "scan.md").read_text(encoding="utf-8")
