"""The policy as data: every area, value, principle and topic points at the right corpus passage,
the data file loads and says where its terms come from, and the terms route as written."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from assistant import policy
from assistant.corpus import load_passages
from assistant.errors import ConfigError
from assistant.retrieve import concept_scores

CORPUS = (Path(__file__).resolve().parent.parent / "corpus" / "uu-learning-analytics-beleid.md").read_text(
    "utf-8"
)


@pytest.mark.parametrize("concept", policy.ALL_CONCEPTS, ids=lambda c: f"{c.kind}:{c.key}")
def test_every_pointer_resolves_to_a_corpus_passage(concept):
    passage = policy.passage_for(concept.ref)
    assert passage.source == concept.ref.source and passage.section == concept.ref.section
    assert passage.retrievable and passage.text in CORPUS
    if concept.ref.quote:
        assert concept.ref.quote in passage.text


# What each item must say, in the policy's own words: the pointer is right, not merely resolvable.
EXPECTED = {
    "1a": "Studenten inzicht geven in hun activiteiten en voortgang",
    "1b": "Docenten inzicht geven in de voortgang binnen cursussen",
    "2a": "gebruik en de kwaliteit van hun cursusmateriaal",
    "2b": "Opleidingsdirecteuren inzicht te geven in de kwaliteit van cursussen en curricula",
    "3a": "learning analytics dashboard portfolio",
    "3b": "Docenten, tutoren en studieadviseurs",
    "3c": "studiepaden en competenties",
    "4a": "voorspellende modellen om vast te stellen welke factoren",
    "4b": "identificeren van studenten die verdere aandacht nodig hebben",
}
PRINCIPLE_TEXT = {
    "area": "binnen één (of meerdere) van deze gebieden",
    "data_categories": "alleen algemene persoonsgegevens",
    "legal_basis": "rechtmatige grondslag nodig",
    "informed_consent": "informed consent heeft gegeven",
    "purpose_limitation": "uitdrukkelijk omschreven en gerechtvaardigde doeleinden",
    "necessity": "noodzakelijkheidstoets",
    "prohibited_ai": "verboden AI-praktijken",
    "storage_limitation": "zo snel mogelijk verwijderd of onherkenbaar gemaakt",
    "transparency": "privacyverklaring",
    "ai_documentation": "modellen, trainingsdata en besluitvormingsprocessen",
    "security": "passende technische of organisatorische maatregelen",
    "privacy_scan": "privacyscan",
    "ai_officer": "AI-officer betrokken",
    "human_in_the_loop": "altijd een persoon betrokken",
    "fair_balancing": "belangen van de betrokkenen zorgvuldig afgewogen",
    "reliable_analyses": "analyses uit te voeren, te begrijpen",
    "accountability": "verantwoordelijk en aansprakelijk",
}


@pytest.mark.parametrize("area_id", list(EXPECTED))
def test_areas_point_at_their_own_item(area_id):
    area = policy.AREAS[area_id]
    assert EXPECTED[area_id] in policy.passage_for(area.ref).text
    assert area.label_nl and area.label_en and area.group == int(area_id[0])


@pytest.mark.parametrize("key", list(PRINCIPLE_TEXT))
def test_principles_point_at_the_passage_that_says_it(key):
    principle = policy.PRINCIPLES[key]
    text = principle.ref.quote or policy.passage_for(principle.ref).text
    assert PRINCIPLE_TEXT[key] in text


def test_contract_principle_keys_are_exactly_covered():
    contract = {
        "area",
        "data_categories",
        "legal_basis",
        "informed_consent",
        "purpose_limitation",
        "necessity",
        "storage_limitation",
        "transparency",
        "ai_documentation",
        "ai_officer",
        "prohibited_ai",
        "security",
        "human_in_the_loop",
        "privacy_scan",
        "fair_balancing",
        "reliable_analyses",
        "accountability",
    }
    assert set(policy.PRINCIPLE_KEYS) == contract
    assert set(policy.AREA_IDS) == set(EXPECTED)
    assert set(policy.VALUES) == {
        "transparency",
        "accountability",
        "fair_balancing",
        "reliable_analyses",
        "human_in_the_loop",
    }


def test_every_citable_passage_of_the_policy_is_reachable_by_some_concept():
    targeted = {policy.passage_for(c.ref).id for c in policy.ALL_CONCEPTS}
    citable = [p for p in load_passages() if p.retrievable]
    missing = [p.section for p in citable if p.id not in targeted]
    assert missing == [], missing


@pytest.mark.parametrize(
    "text, key",
    [
        ("Hoe lang mogen we gegevens bewaren?", "storage_limitation"),
        ("What is the retention period?", "storage_limitation"),
        ("Mogen we gezondheidsgegevens gebruiken?", "data_categories"),
        ("Can we use ethnicity in the model?", "data_categories"),
        # biometric data, GDPR Art. 4(14): 'such as facial images or dactyloscopic data'
        ("Mogen we gezichtsbeelden van de webcam analyseren tijdens het tentamen?", "data_categories"),
        ("Can the attendance scanner store fingerprints?", "data_categories"),
        ("What is the legal ground for this?", "legal_basis"),
        ("Moet er een DPIA komen?", "privacy_scan"),
        # a situation a principle judges, in the checker's words (policy.yaml `situations`)
        (
            "Een student-assistent zet de export op een USB-stick en stuurt hem via WeTransfer door.",
            "security",
        ),
        (
            "The exam board wants to reuse the dashboard data for other purposes later on.",
            "purpose_limitation",
        ),
        (
            "Students with a low score are automatically excluded from the resit, without human review.",
            "human_in_the_loop",
        ),
    ],
)
def test_terms_route_reader_vocabulary_to_concepts(text, key):
    assert key in [c.key for c, _ in policy.match_concepts(text)]


# --------------------------------------------------------------------------- the data file


def _all_groups():
    data = policy.load_policy()
    groups = [(f"shared:{name}", g) for name, g in data.shared.items()]
    for c in policy.ALL_CONCEPTS:
        groups += [(f"{c.kind}:{c.key}:terms:{name}", g) for name, g in c.terms.items()]
        if isinstance(c, policy.Area):
            groups += [(f"{c.kind}:{c.key}:cues:{name}", g) for name, g in c.cues.items()]
    return groups


def test_the_policy_file_loads_and_every_item_has_terms():
    data = policy.load_policy()
    assert isinstance(data, policy.PolicyFile) and data.source == policy.SOURCE
    assert policy.load_policy() is data  # cached: one parse per process
    assert all(c.all_terms for c in policy.ALL_CONCEPTS)
    assert all(a.all_cues for a in policy.AREAS.values())


def test_every_policy_source_names_a_section_of_the_corpus():
    sections = {p.section for p in load_passages() if p.source == policy.SOURCE}
    cited = [
        (where, g.source.removeprefix("policy: "))
        for where, g in _all_groups()
        if g.source.startswith("policy:")
    ]
    assert len(cited) > len(policy.ALL_CONCEPTS)  # every item has its own words, some more than one passage
    assert [(where, section) for where, section in cited if section not in sections] == []


def test_an_items_own_words_cite_its_own_passage_or_a_parent():
    # The `policy` group of an item holds the words of the passage the item points at (or of a heading above it).
    for c in policy.ALL_CONCEPTS:
        own = c.terms.get("policy")
        assert own is not None, f"{c.kind}:{c.key} has no group of the policy's own words"
        section = own.source.removeprefix("policy: ")
        assert c.ref.section == section or c.ref.section.startswith(section + " > "), (c.key, section)


@pytest.mark.parametrize(
    "text, problem",
    [
        ("source: x.md\nareas: [1a\n", "not YAML"),
        ("source: x.md\nareas: {}\nvalues: {}\nprinciples: {}\n", "topics missing"),
        (
            "source: x.md\nvalues: {}\nprinciples: {}\ntopics: {}\nareas:\n  1a:\n    group: 1\n"
            "    label_nl: a\n    label_en: a\n    audience_nl: a\n    audience_en: a\n    ref: {section: s}\n"
            "    terms: {policy: {source: 'my own idea', terms: [x]}}\n",
            "a term group without a known source",
        ),
        (
            "source: x.md\nvalues: {}\nprinciples: {}\ntopics: {}\nareas:\n  1a:\n    group: 2\n"
            "    label_nl: a\n    label_en: a\n    audience_nl: a\n    audience_en: a\n    ref: {section: s}\n",
            "an area outside its group",
        ),
    ],
)
def test_a_broken_policy_file_raises_config_error_naming_it(tmp_path, text, problem):
    path = tmp_path / "policy.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match="policy.yaml"):
        policy.load_policy(path)


def test_a_missing_policy_file_raises_config_error_naming_it(tmp_path):
    with pytest.raises(ConfigError, match="nowhere.yaml"):
        policy.load_policy(tmp_path / "nowhere.yaml")


def test_the_shipped_file_is_the_one_the_module_exposes():
    raw = yaml.safe_load(policy.POLICY_FILE.read_text(encoding="utf-8"))
    assert list(raw["areas"]) == list(policy.AREA_IDS)
    assert list(raw["principles"]) == list(policy.PRINCIPLE_KEYS)
    assert [c.kind for c in policy.ALL_CONCEPTS].count("topic") == len(raw["topics"])


# --------------------------------------------------------------------------- how the terms match


def _routed(text: str) -> set[str]:
    return {f"{c.kind}:{c.key}" for c, _ in policy.match_concepts(text)}


def _retrieved(text: str) -> set[str]:
    return {section for _source, section, _quote in concept_scores(text)[0]}


_CATEGORIES = "3.2 Privacy-principes > Categorieën persoonsgegevens"


def test_ras_is_a_whole_word_so_rasterplot_does_not_route_to_special_categories():
    # "ras " was written with a trailing space (a whole word) and lost it: "rasterplot" went to Art. 9 data.
    assert "principle:data_categories" not in _routed("Kunnen we een rasterplot van de cijfers maken?")
    assert _CATEGORIES not in _retrieved("Kunnen we een rasterplot van de cijfers maken?")
    assert "principle:data_categories" in _routed("Mogen we ras als variabele gebruiken?")
    assert _CATEGORIES in _retrieved("Mogen we ras als variabele gebruiken?")


@pytest.mark.parametrize(
    "text, item, routed",
    [
        # whole words where a prefix reading was wrong
        ("Mensen willen dat.", "value:human_in_the_loop", False),  # 'mens ' (trailing space)
        ("Beslist een mens of het systeem?", "value:human_in_the_loop", True),
        ("Ik wil weten of dit mag.", "topic:legal_frameworks", False),  # 'wet' is not the start of 'weten'
        ("Is er een wetenschappelijk doel?", "topic:legal_frameworks", False),
        ("Welke wet geldt hier, en welke wetgeving?", "topic:legal_frameworks", True),
        ("Zijn er wettelijke eisen?", "topic:legal_frameworks", True),
        ("In what format do we store it?", "principle:area", False),  # 'what for'
        ("What for may LA be used?", "principle:area", True),
        ("Can we use the piano practice logs?", "principle:privacy_scan", False),  # 'pia'
        ("Do we need a PIA?", "principle:privacy_scan", True),
        ("Who owns the dashboard?", "area:1a", False),  # 'their own' is not 'their owner'
        ("Students see their own activity.", "area:1a", True),
        ("The SURF cloud surface is large.", "topic:legal_frameworks", True),
        ("We surface the results.", "topic:legal_frameworks", False),  # 'surf'
        # prefixes: the rest of the word, hyphenated parts and compounds written with a hyphen
        ("Hoe voorspel je studie-uitval?", "area:4a", True),
        ("Uit welke stappen bestaat de LA-cyclus?", "topic:la_cycle", True),
        ("Mag ik bijzondere persoonsgegevens gebruiken?", "principle:data_categories", True),
    ],
)
def test_terms_match_as_written(text, item, routed):
    assert (item in _routed(text)) is routed


def test_a_phrase_and_a_term_inside_it_both_count_for_retrieval():
    # 'informed consent' (phrase) and 'consent' (word) are both terms of the research basis.
    c = policy.TOPICS["legal_basis_research"]
    assert set(c.terms_in("Do we need informed consent?")) == {"informed consent*", "consent*"}


def test_a_phrase_ending_in_a_short_word_is_whole():
    officer = policy.PRINCIPLES["ai_officer"]
    assert "risks of ai" in officer.terms_in("What are the risks of AI here?")
    assert "risks of ai" not in officer.terms_in("What are the risks of aid here?")
    assert "hoe ver" not in policy.AREAS["1b"].terms_in("Hoe verwerken we de cijfers?")


def test_area_cues_are_read_with_the_same_syntax():
    area = policy.AREAS["1a"]
    assert "zelf" in area.cues_in("Studenten sturen zelf bij.")
    assert "zelf" not in area.cues_in("Zelfs docenten kijken mee.")  # 'zelf' is a whole word


def test_every_draft_field_points_at_a_principle_of_the_policy():
    from assistant.proposal import DRAFT_FIELDS

    assert set(policy.FIELD_PRINCIPLES) - {
        "ai.ai_officer_consulted",
        "ai.prohibited_practices_checked",
    } <= set(DRAFT_FIELDS)
    for field, principle in policy.FIELD_PRINCIPLES.items():
        assert principle == "area" or principle in policy.PRINCIPLES, field
        if principle != "area":
            assert policy.passage_for(policy.PRINCIPLES[principle].ref)


def test_every_situation_is_a_checker_group_and_joins_its_principles_terms():
    from assistant.lexicon import load_lexicon

    checker = load_lexicon("checker").groups
    data = policy.load_policy()
    assert data.situations  # the mapping is shipped
    for key, names in data.situations.items():
        terms = policy.PRINCIPLES[key].terms
        for name in names:
            assert terms[f"checker: {name}"] == checker[name]


def test_an_unknown_situation_group_raises_config_error():
    with pytest.raises(ConfigError, match="no such checker.yaml group"):
        policy._with_situations(dict(policy.PRINCIPLES), {"security": ["no such group"]})
