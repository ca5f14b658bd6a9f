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
    assert parse_draft("{}").project_type is None  # not given: never assumed
    assert parse_draft({"project_type": None}).project_type is None
    assert parse_draft({"project_type": "onbekend"}).project_type is None


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
        parse_draft(bad, source="d.json", strict=True)  # an LLM's draft: every wrong shape is an error
    message = str(err.value)
    assert message.startswith("d.json: 7 field(s) not valid")
    for line in [
        "areas.1: must be text (got 3)",
        'purposes: must be a list (got "just one")',
        'data.0.category: must be one of general, sensitive, special (got "medical")',
        'data.1: must be an object (got "x")',
        'informed_consent: must be true or false (got "maybe")',
        "ai: must be an object (got a list)",
        'privacy_scan: must be one of done, planned, not_planned (got "yes")',
    ]:
        assert line in message
    assert "Traceback" not in message and "pydantic" not in message
    # a person's draft (lenient): free text in a yes/no field, a text for a list and a text that is no
    # choice are read (the checker's findings `keys.not_yes_no`, `keys.text_as_list`,
    # `keys.not_a_choice`); the other four stay errors
    with pytest.raises(InputError) as err:
        parse_draft(bad, source="d.json")
    lenient = str(err.value)
    assert lenient.startswith("d.json: 4 field(s) not valid")
    assert "informed_consent" not in lenient and "purposes" not in lenient and "privacy_scan" not in lenient


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


# --------------------------------------------------------------------------- tolerant input (issue 16)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("ja", True),
        ("Ja", True),
        ("JA.", True),
        ("yes", True),
        ("true", True),
        ("waar", True),
        ("nee", False),
        ("NEE", False),
        ("no", False),
        ("False", False),
        ("onwaar", False),
        ("n.v.t.", None),
        ("onbekend", None),
        ("unknown", None),
    ],
)
def test_booleans_accept_dutch_and_english_words_alike(given, expected):
    draft = parse_draft(
        {"privacy_statement": given, "informed_consent": given, "ai": {"ai_officer_consulted": given}}
    )
    assert draft.privacy_statement is expected and draft.informed_consent is expected
    assert draft.ai.ai_officer_consulted is bool(expected)


def test_uses_ai_words():
    assert parse_draft({"uses_ai": "Nee"}).uses_ai is False and parse_draft({"uses_ai": "ja"}).uses_ai is True


@pytest.mark.parametrize(
    ("field", "given", "expected"),
    [
        ("areas", '["1b"]', ["1b"]),
        ("areas", '["Area 1B", "4a"]', ["1b", "4a"]),
        (
            "security_measures",
            '["Toegang via rollen", "Opslag op UU-servers"]',
            ["Toegang via rollen", "Opslag op UU-servers"],
        ),
        ("purposes", '["Wekelijkse feedback voor studenten"]', ["Wekelijkse feedback voor studenten"]),
        ("stakeholders", "[]", []),
    ],
)
def test_lists_sent_as_json_text_are_normalised(field, given, expected):
    assert getattr(parse_draft({field: given}), field) == expected


def test_objects_sent_as_json_text_are_normalised():
    draft = parse_draft(
        {"ai": '{"models": "trees", "ai_officer_consulted": "ja"}', "data": '[{"name": "x"}]'}
    )
    assert draft.ai.models == "trees" and draft.ai.ai_officer_consulted is True
    assert [item.name for item in draft.data] == ["x"]


@pytest.mark.parametrize(
    ("data", "line"),
    [
        ({"areas": '["1b"'}, "areas: looks like JSON but is not valid JSON"),
        (
            {"security_measures": "[Toegang, Opslag]"},
            "security_measures: looks like JSON but is not valid JSON",
        ),
        ({"security_measures": '{"a": 1}'}, "security_measures: must be a list (got an object)"),
        ({"ai": "[1]"}, "ai: must be an object (got a list)"),
    ],
)
def test_json_text_that_cannot_be_used_is_an_error_naming_the_field(data, line):
    with pytest.raises(InputError) as err:
        parse_draft(data)
    assert line in str(err.value)


@pytest.mark.parametrize(
    ("field", "given", "expected"),
    [
        ("project_type", "Implementation", "implementation"),
        ("project_type", "RESEARCH", "research"),
        ("privacy_scan", "DONE", "done"),
        ("legal_basis", "Public Interest", "public_interest"),
        ("legal_basis", "PUBLIC_INTEREST", "public_interest"),
        ("legal_basis", "n.v.t.", None),
    ],
)
def test_enum_values_in_another_case(field, given, expected):
    assert getattr(parse_draft({field: given}), field) == expected
    assert (
        parse_draft({"areas": ["Area 1B"], "data": [{"name": "x", "category": "GENERAL"}]}).data[0].category
        == "general"
    )


def test_keys_in_another_case_or_with_other_separators_are_read_and_listed():
    draft = parse_draft(
        {
            "Retention": "zes weken na de cursus",
            "privacyStatement": "ja",
            "uses-AI": True,
            "ai": {"TrainingData": "cohort 2023", "model": "trees"},
            "data": [{"Name": "cijfers", "Category": "general"}],
        }
    )
    assert draft.retention == "zes weken na de cursus" and draft.privacy_statement is True and draft.uses_ai
    assert draft.renamed_keys == {
        "Retention": "retention",
        "privacyStatement": "privacy_statement",
        "uses-AI": "uses_ai",
    }
    assert draft.ai.training_data == "cohort 2023" and draft.ai.renamed_keys == {
        "TrainingData": "training_data"
    }
    assert draft.ai.models == "" and draft.ai.model_extra == {"model": "trees"}  # a near key is not guessed
    assert draft.data[0].name == "cijfers" and draft.data[0].defaulted_fields == frozenset()


def test_a_key_given_twice_keeps_the_fields_own_spelling():
    draft = parse_draft({"retention": "zes weken", "Retention": "voor altijd"})
    assert draft.retention == "zes weken" and draft.model_extra == {"Retention": "voor altijd"}
    assert draft.renamed_keys == {}


def test_a_data_item_without_category_is_read_as_general_and_listed():
    draft = parse_draft(
        {"data": [{"name": "a"}, {"name": "b", "category": None}, {"name": "c", "category": "general"}]}
    )
    assert [d.category for d in draft.data] == ["general"] * 3
    assert [d.defaulted_fields for d in draft.data] == [frozenset({"category"})] * 2 + [frozenset()]
