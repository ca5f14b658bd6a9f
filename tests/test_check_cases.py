"""The handed checker cases of 2026-11-30 (tests/cases/2026-11-30/drafts/, README section drafts/):
each draft with its right verdict, in both languages, through the library and through `assistant check`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

import assistant.cli.draft as cli_draft
from assistant.checker import check_result
from assistant.proposal import load_draft

DRAFTS = Path(__file__).resolve().parent / "cases" / "2026-11-30" / "drafts"
BASE = DRAFTS / "d00-base.json"


def _check(name: str, lang: str = "en"):
    return check_result(name, load_draft(DRAFTS / f"{name}.json"), lang=lang)


def _rules(result, *severities: str) -> set[str]:
    return {f.rule for f in result.findings if not severities or f.severity in severities}


# name -> (passed, rules that must be among the findings, severities no finding may have)
VERDICTS: dict[str, tuple[bool, set[str], set[str]]] = {
    "d00-base": (True, set(), {"blocker", "major", "minor"}),
    "d01-json-string-lists": (True, set(), {"blocker", "major", "minor"}),
    "d02-enum-case": (True, set(), {"blocker", "major", "minor"}),
    "d03-null-category": (False, {"data_categories.named"}, set()),
    "d04-missing-category": (False, {"data_categories.named"}, set()),
    "d05-bool-words-nl": (True, set(), {"blocker", "major", "minor"}),
    "d06-bool-words-en": (True, set(), {"blocker", "major", "minor"}),
    "d07-null-project-type-research": (
        False,
        {"legal_basis.project_type", "informed_consent.refused", "informed_consent.ethics"},
        set(),
    ),
    "d08-ai-typo-keys": (False, {"keys.unknown", "keys.renamed"}, set()),
    "d09-renamed-keys": (True, {"keys.renamed"}, {"blocker", "major"}),
    "d10-areas-json-string": (True, set(), {"blocker", "major", "minor"}),
    "r01-retention": (True, set(), {"blocker", "major", "minor"}),
    "r02-retention": (True, set(), {"blocker", "major", "minor"}),
    "r03-retention": (False, {"storage_limitation.beyond_horizon"}, {"blocker"}),
    "r04-retention": (False, {"storage_limitation.beyond_horizon"}, {"blocker"}),
    "r05-retention": (True, set(), {"blocker", "major", "minor"}),
    "r06-retention": (False, {"storage_limitation.no_moment"}, {"blocker"}),
    "r08-retention": (True, set(), {"blocker", "major"}),
    "r11-retention": (True, set(), {"blocker", "major"}),
}


def test_every_handed_draft_has_a_verdict():
    assert {p.stem for p in DRAFTS.glob("*.json")} == set(VERDICTS)


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("name", sorted(VERDICTS))
def test_handed_draft_gets_its_verdict(name, lang):
    passed, required, forbidden = VERDICTS[name]
    result = _check(name, lang)
    assert result.passed is passed, [(f.rule, f.severity, f.message) for f in result.findings]
    assert required <= _rules(result), _rules(result)
    assert not [f for f in result.findings if f.severity in forbidden], _rules(result)


@pytest.mark.parametrize("name", ["d01-json-string-lists", "d02-enum-case", "d05-bool-words-nl", "d06-bool-words-en",
                                  "d10-areas-json-string"])  # fmt: skip
def test_normalised_drafts_read_like_the_base(name):
    """JSON-text lists, enum values in another case and yes/no words are read as the base draft's values."""
    base, draft = load_draft(BASE), load_draft(DRAFTS / f"{name}.json")
    for field in ("project_type", "areas", "legal_basis", "privacy_scan", "privacy_statement", "uses_ai"):
        assert getattr(draft, field) == getattr(base, field), field
    assert [d.category for d in draft.data] == [d.category for d in base.data]
    assert len(draft.security_measures) == 2


def test_special_data_without_a_category_is_a_blocker_on_the_item():
    for name in ("d03-null-category", "d04-missing-category"):
        (named,) = [f for f in _check(name).findings if f.rule == "data_categories.named"]
        assert (named.severity, named.principle, named.field) == ("blocker", "data_categories", "data.2.name")
        assert named.citation.section == "3.2 Privacy-principes > Categorieën persoonsgegevens"


def test_a_null_project_type_is_asked_for_and_research_rules_run():
    findings = _check("d07-null-project-type-research").findings
    (asked,) = [f for f in findings if f.rule == "legal_basis.project_type"]
    assert asked.field == "project_type" and asked.severity == "major"
    assert {f.principle for f in findings if f.severity in ("blocker", "major")} == {
        "legal_basis",
        "informed_consent",
    }


@pytest.mark.parametrize(
    ("name", "keys"),
    [
        ("d08-ai-typo-keys", {"ai.trainingdata": "ai.training_data", "ai.model": "ai.models", "ai.decision": "ai.decision_process"}),
        ("d09-renamed-keys", {"Retention": "retention", "privacyStatement": "privacy_statement"}),
    ],
)  # fmt: skip
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_misspelled_or_renamed_keys_are_named_never_ignored(name, keys, lang):
    findings = [f for f in _check(name, lang).findings if f.rule.startswith("keys.")]
    for key, field in keys.items():
        assert any(f"'{key}'" in f.message and f"'{field}'" in f.message + f.fix for f in findings), (
            key,
            findings,
        )
        assert any(f.field == field for f in findings)


@pytest.mark.parametrize(
    ("name", "end"), [("r03-retention", "31/12/2099"), ("r04-retention", "31 december 2099")]
)
def test_retention_past_the_horizon_quotes_the_end(name, end):
    (far,) = [f for f in _check(name, "nl").findings if f.rule == "storage_limitation.beyond_horizon"]
    assert f"'{end}'" in far.message and "10 jaar" in far.message


def test_all_handed_drafts_through_assistant_check():
    app = typer.Typer()
    cli_draft.register(app)
    files = [str(p) for p in sorted(DRAFTS.glob("*.json"))]
    result = CliRunner().invoke(app, ["check", *files, "--json"])
    assert result.exit_code == 1, result.output  # some fail, none is unusable
    data = json.loads(result.stdout)
    assert [r["file"] for r in data] == files and not [r for r in data if "error" in r]
    assert {Path(r["file"]).stem: r["passed"] for r in data} == {k: v[0] for k, v in VERDICTS.items()}
