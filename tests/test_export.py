"""Markdown and DOCX export: reviewer order, policy quotes, gaps visible, findings once checked."""

from __future__ import annotations

import io
import re
from pathlib import Path

import docx
import pytest

from assistant.checker import check_draft
from assistant.exports.draft import draft_to_docx, draft_to_markdown
from assistant.proposal import parse_draft

ROOT = Path(__file__).resolve().parent.parent
CORPUS = (ROOT / "corpus" / "uu-learning-analytics-beleid.md").read_text(encoding="utf-8")

DRAFT = parse_draft(
    {
        "title": "Signaal bij dreigende BSA-achterstand",
        "summary": "Een model schat na blok 1 welke eerstejaars hun BSA dreigen te missen; de studieadviseur beslist.",
        "project_type": "implementation",
        "areas": ["4b"],
        "purposes": ["Eerstejaars met een dreigende BSA-achterstand na blok 1 een gesprek aanbieden."],
        "stakeholders": ["eerstejaars", "studieadviseurs"],
        "data": [{"name": "behaalde EC na blok 1", "category": "general", "source": "Osiris"}],
        "necessity": "",
        "legal_basis": "public_interest",
        "retention": "Verwijderd aan het einde van het studiejaar.",
        "privacy_statement": True,
        "security_measures": ["Alleen de eigen studieadviseur ziet het signaal"],
        "uses_ai": True,
        "ai": {
            "models": "Logistische regressie",
            "training_data": "Cohorten 2021-2023",
            "decision_process": "Signaal naar de studieadviseur",
            "ai_officer_consulted": True,
            "prohibited_practices_checked": False,
        },
        "human_in_the_loop": "De studieadviseur beoordeelt elk signaal.",
        "privacy_scan": "planned",
        "interests_weighed": "Uitnodiging is vrijblijvend.",
        "analysis_validation": "Precisie gemeten op het vorige cohort.",
        "responsible": "Hoofd studentenzaken",
    }
)

ORDER_NL = [
    "Context",
    "Toepassingsgebieden",
    "Doelen en noodzaak",
    "Gegevens en grondslag",
    "Bewaartermijn",
    "Transparantie",
    "Beveiliging",
    "Kunstmatige intelligentie (AI)",
    "Human in the loop en ethische waarden",
    "Privacyscan",
    "Bevindingen van de controle",
]
ORDER_EN = [
    "Context",
    "Application areas",
    "Purposes and necessity",
    "Data and lawful basis",
    "Retention",
    "Transparency",
    "Security",
    "Artificial intelligence (AI)",
    "Human in the loop and ethical values",
    "Privacy scan",
    "Checker findings",
]


@pytest.mark.parametrize(("lang", "order"), [("nl", ORDER_NL), ("en", ORDER_EN)])
def test_markdown_sections_in_reviewer_order(lang, order):
    md = draft_to_markdown(DRAFT, check_draft(DRAFT), lang)
    headings = re.findall(r"^## \d+\. (.+)$", md, flags=re.M)
    assert headings == order
    assert md.startswith("# ")


def test_markdown_quotes_the_policy_verbatim():
    md = draft_to_markdown(DRAFT, lang="en")
    quotes = re.findall(
        r'^> \*\*Policy\*\* \(uu-learning-analytics-beleid\.md, ([^)]*)\): "(.*)"$', md, flags=re.M
    )
    assert len(quotes) >= 12
    for _section, quote in quotes:
        assert quote in CORPUS
    assert "Gebied 4 > 4b" in md


def test_gaps_are_visible_and_findings_only_when_checked():
    md = draft_to_markdown(DRAFT, lang="nl")
    assert "**Noodzakelijkheidstoets:** (niet ingevuld)" in md
    assert "Bevindingen" not in md
    checked = draft_to_markdown(DRAFT, check_draft(DRAFT), lang="nl")
    assert "necessity" in checked and "prohibited_ai" in checked
    clean = parse_draft({"title": "x"})
    assert "Geen bevindingen" in draft_to_markdown(clean, [], lang="nl")


def test_research_drafts_show_consent_and_ethics():
    research = DRAFT.model_copy(update={"project_type": "research", "informed_consent": True})
    md = draft_to_markdown(research, lang="en")
    assert (
        "**Informed consent:** yes" in md
        and "**Ethics review committee (FETC) approval:** (not stated)" in md
    )


def test_docx_opens_with_headings_table_and_quotes():
    data = draft_to_docx(DRAFT, check_draft(DRAFT), "nl")
    document = docx.Document(io.BytesIO(data))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert [h.split(". ", 1)[1] for h in headings] == ORDER_NL
    assert document.core_properties.title == DRAFT.title
    table = document.tables[0]
    assert [c.text for c in table.rows[1].cells] == ["behaalde EC na blok 1", "algemeen", "Osiris"]
    quotes = [p.text for p in document.paragraphs if p.style.name == "Quote"]
    assert quotes and all(q.split("): ", 1)[1] in CORPUS for q in quotes)
