"""The draft exchange format v1: field names, validation, readable errors, JSON round trip, schema."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.errors import InputError
from assistant.proposal import (
    DRAFT_FIELDS,
    AIInfo,
    DataItem,
    Draft,
    draft_json_schema,
    load_draft,
    parse_draft,
)

ROOT = Path(__file__).resolve().parent.parent

CONTRACT_FIELDS = [
    "title",
    "summary",
    "project_type",
    "areas",
    "purposes",
    "stakeholders",
    "data",
    "necessity",
    "legal_basis",
    "informed_consent",
    "ethics_approval",
    "retention",
    "privacy_statement",
    "security_measures",
    "uses_ai",
    "ai",
    "human_in_the_loop",
    "privacy_scan",
    "interests_weighed",
    "analysis_validation",
    "responsible",
]


def _full() -> dict:
    return {
        "title": "Feedback on practice quizzes",
        "summary": "Students of Calculus 1 see their quiz scores per week during the course.",
        "project_type": "implementation",
        "areas": ["1a"],
        "purposes": ["Weekly self-check for Calculus 1 students on the topics of the course."],
        "stakeholders": ["students", "course coordinator"],
        "data": [{"name": "quiz scores", "category": "general", "source": "Brightspace"}],
        "necessity": "Feedback per student needs scores per student.",
        "legal_basis": "public_interest",
        "informed_consent": None,
        "ethics_approval": None,
        "retention": "Deleted three months after the course.",
        "privacy_statement": True,
        "security_measures": ["role-based access"],
        "uses_ai": True,
        "ai": {
            "models": "logistic regression",
            "training_data": "2023 cohort",
            "decision_process": "advice only",
            "ai_officer_consulted": True,
            "prohibited_practices_checked": True,
        },
        "human_in_the_loop": "The course coordinator.",
        "privacy_scan": "planned",
        "interests_weighed": "Voluntary use.",
        "analysis_validation": "Scores compared with the grade book.",
        "responsible": "Programme director",
    }


def test_field_names_are_the_contract():
    assert list(DRAFT_FIELDS) == CONTRACT_FIELDS
    assert list(AIInfo.model_fields) == [
        "models",
        "training_data",
        "decision_process",
        "ai_officer_consulted",
        "prohibited_practices_checked",
    ]
    assert list(DataItem.model_fields) == ["name", "category", "source"]


@pytest.mark.parametrize("model", [Draft, DataItem, AIInfo])
def test_every_field_has_a_description(model):
    assert model.__doc__
    for name, info in model.model_fields.items():
        assert info.description and len(info.description) > 10, name


def test_json_round_trip_keeps_everything_including_extra_fields():
    data = _full() | {"areas_ranked": [{"id": "1a", "confidence": 0.9}], "owner_note": "x"}
    draft = parse_draft(data)
    again = parse_draft(draft.to_json())
    assert again == draft
    dumped = json.loads(again.to_json())
    assert dumped == data
    assert list(dumped)[: len(CONTRACT_FIELDS)] == CONTRACT_FIELDS


def test_empty_draft_and_defaults():
    draft = Draft.empty("research")
    assert draft.project_type == "research"
    assert draft.areas == [] and draft.data == [] and draft.legal_basis is None and draft.ai is None
    assert parse_draft("{}").project_type == "implementation"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (["1A"], ["1a"]),
        ([" 1a "], ["1a"]),
        (["area 4b"], ["4b"]),
        (["Gebied 2-a"], ["2a"]),
        (["1a", "1A", "3c"], ["1a", "3c"]),
        ("1a, 4B", ["1a", "4b"]),
    ],
)
def test_area_ids_are_normalised(given, expected):
    assert parse_draft({"areas": given}).areas == expected


def test_unknown_area_rejected_by_the_model_but_kept_for_the_checker():
    with pytest.raises(ValueError):
        Draft(areas=["5a"])
    with pytest.raises(InputError, match=r"areas\.1: must be one of 1a, 1b"):
        parse_draft({"areas": ["1a", "5a"]}, strict=True)
    assert parse_draft({"areas": ["1a", "5a"]}).areas == ["1a", "5a"]


@pytest.mark.parametrize(
    ("field", "given", "expected"),
    [
        ("legal_basis", "Public interest", "public_interest"),
        ("legal_basis", "algemeen belang", "public_interest"),
        ("legal_basis", "Toestemming", "consent"),
        ("project_type", "Onderzoek", "research"),
        ("project_type", " Implementation ", "implementation"),
        ("privacy_scan", "not planned", "not_planned"),
        ("privacy_scan", "gepland", "planned"),
    ],
)
def test_enum_spellings_are_normalised(field, given, expected):
    assert getattr(parse_draft({field: given}), field) == expected


def test_data_category_normalised():
    draft = parse_draft({"data": [{"name": "x", "category": "Bijzonder"}, {"name": "y", "category": None}]})
    assert [d.category for d in draft.data] == ["special", "general"]


def test_null_means_not_filled_in():
    draft = parse_draft({"necessity": None, "purposes": None, "uses_ai": None, "ai": {"models": None}})
    assert draft.necessity == "" and draft.purposes == [] and draft.uses_ai is False
    assert draft.ai is not None and draft.ai.models == ""


def test_wrong_types_list_every_field_readably():
    bad = {
        "areas": ["1a", 3],
        "purposes": "just one",
        "data": [{"name": "grades", "category": "medical"}, "x"],
        "informed_consent": "maybe",
        "ai": [],
        "privacy_scan": "yes",
    }
    with pytest.raises(InputError) as err:
        parse_draft(bad, source="d.json")
    message = str(err.value)
    assert message.startswith("d.json: 7 field(s) not valid")
    for line in [
        "areas.1: must be text (got 3)",
        "purposes: must be a list (got 'just one')",
        "data.0.category: must be one of general, sensitive, special (got 'medical')",
        "data.1: must be an object (got 'x')",
        "informed_consent: must be true or false (got 'maybe')",
        "ai: must be an object (got a list)",
        "privacy_scan: must be one of done, planned, not_planned (got 'yes')",
    ]:
        assert line in message
    assert "Traceback" not in message and "pydantic" not in message


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ("", "empty"),
        ("{not json", "not valid JSON"),
        ("[1, 2]", "expected a JSON object"),
        ('"text"', "expected a JSON object"),
        (b"\xff\xfe{", "not UTF-8"),
    ],
)
def test_unusable_input(data, fragment):
    with pytest.raises(InputError, match=fragment):
        parse_draft(data)


def test_strict_rejects_invented_fields():
    with pytest.raises(InputError, match="fields not in the draft format: budget"):
        parse_draft(_full() | {"budget": 10}, strict=True)
    assert parse_draft(_full() | {"areas_ranked": []}, strict=True).areas == ["1a"]


def test_load_draft_files(tmp_path):
    good = tmp_path / "d.json"
    good.write_text(json.dumps(_full()), encoding="utf-8")
    assert load_draft(good).title == "Feedback on practice quizzes"
    with pytest.raises(InputError, match="file not found"):
        load_draft(tmp_path / "missing.json")
    with pytest.raises(InputError, match="is a folder"):
        load_draft(tmp_path)


def test_schema_describes_fields_and_enums():
    schema = draft_json_schema()
    props = schema["properties"]
    assert set(CONTRACT_FIELDS) <= set(props)
    assert props["areas"]["items"]["enum"] == ["1a", "1b", "2a", "2b", "3a", "3b", "3c", "4a", "4b"]
    assert all(props[name].get("description") for name in CONTRACT_FIELDS)


def test_exported_schema_file_is_current():
    on_disk = json.loads((ROOT / "evals" / "draft.schema.json").read_text(encoding="utf-8"))
    assert on_disk == draft_json_schema(), (
        "regenerate: python -c 'from assistant.proposal import write_schema; "
        'write_schema("evals/draft.schema.json")\''
    )
