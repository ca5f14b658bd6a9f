"""The unofficial English rendering: one per official passage, aligned by id and sentence, agreeing with
the Dutch on numbers, article references and names, labelled unofficial; and its checks catch what
they are for (a re-split corpus, changed Dutch, a wrong number or role, a broken file)."""

from __future__ import annotations

import dataclasses
import shutil
from collections import Counter
from pathlib import Path

import pytest

from assistant import translation as tr
from assistant.corpus import load_passages
from assistant.errors import ConfigError
from assistant.language import detect_language
from assistant.text import split_sentences

ROOT = Path(__file__).resolve().parent.parent
CORPUS_FILE = ROOT / "corpus" / "uu-learning-analytics-beleid.md"
SHIPPED = tr.TRANSLATIONS_DIR / "uu-learning-analytics-beleid.en.yaml"
PASSAGES = load_passages()
OFFICIAL = [p for p in PASSAGES if p.authority == "official" and p.retrievable]
FILE = tr.load_translation(SHIPPED)


def _id(p) -> str:
    return p.id.rsplit(":", 1)[-1]


# --------------------------------------------------------------------------- one to one, stable ids


def test_the_corpus_has_official_passages_to_render():
    assert len(OFFICIAL) >= 30 and {p.source for p in OFFICIAL} == {FILE.source}


@pytest.mark.parametrize("passage", OFFICIAL, ids=_id)
def test_every_official_passage_has_exactly_one_rendering(passage):
    holders = [f.source for f in tr.translation_files("en") if passage.id in f.passages]
    assert holders == [FILE.source]
    rendering = tr.translation_for(passage)
    assert rendering is not None and rendering.passage_id == passage.id
    assert rendering.text == FILE.passages[passage.id].rendering.text


def test_no_rendering_names_an_unknown_passage_id():
    known = {p.id for p in PASSAGES}
    unknown = sorted(set(FILE.passages) - known)
    assert unknown == [], f"{SHIPPED} renders passage ids the corpus does not have: {unknown}"


def test_passage_ids_are_stable():
    """Each rendered id still names the passage it was written from: same section path, same text.
    When the corpus is re-split (SPLIT_VERSION, a changed heading or list), this fails naming the ids."""
    now = {p.id: p for p in PASSAGES}
    missing = sorted(set(FILE.passages) - set(now))
    assert missing == [], f"passage ids gone from the corpus (re-split?): {missing}"
    moved = sorted(pid for pid, e in FILE.passages.items() if e.original.section != now[pid].section)
    assert moved == [], f"passage ids whose section path changed (re-split?): {moved}"
    changed = sorted(
        pid for pid, e in FILE.passages.items() if e.original.text.split() != now[pid].text.split()
    )
    assert changed == [], f"passage ids whose Dutch text changed (review their rendering): {changed}"
    assert tr.alignment_problems(PASSAGES, FILE) == []


def _corpus_copy(tmp_path: Path, edit) -> list:
    target = tmp_path / CORPUS_FILE.name
    shutil.copy(CORPUS_FILE, target)
    target.write_text(edit(target.read_text("utf-8")), "utf-8")
    return load_passages([target])


def test_a_resplit_corpus_is_reported_by_id(tmp_path):
    # one paragraph more in the introduction shifts every later id by one
    shifted = _corpus_copy(
        tmp_path, lambda s: s.replace("## Introductie\n\n", "## Introductie\n\nEen nieuwe alinea.\n\n", 1)
    )
    problems = tr.alignment_problems(shifted, FILE)
    assert problems[0] == (
        "moved: uu-learning-analytics-beleid:001 -> uu-learning-analytics-beleid:002 "
        "(the corpus was re-split; re-key the entry)"
    )
    assert len([line for line in problems if line.startswith("moved: ")]) == len(FILE.passages)
    assert (
        problems[-1]
        == "no rendering: uu-learning-analytics-beleid:001 (Introductie) starts 'Een nieuwe alinea.'"
    )
    assert len(problems) == len(FILE.passages) + 1


def test_changed_dutch_is_reported_by_id(tmp_path):
    changed = _corpus_copy(
        tmp_path, lambda s: s.replace("zo snel mogelijk verwijderd", "binnen een jaar verwijderd")
    )
    assert tr.alignment_problems(changed, FILE) == [
        "text changed: uu-learning-analytics-beleid:034 (3.2 Privacy-principes > Opslagbeperking) now starts "
        "'Opslagbeperking: als de gegevens niet meer nodig zijn voor h'"
    ]
    relabelled = _corpus_copy(
        tmp_path, lambda s: s.replace("<!-- passage: Privacyscan -->", "<!-- passage: Scan -->")
    )
    assert tr.alignment_problems(relabelled, FILE) == [
        "section changed: uu-learning-analytics-beleid:037 was '3.2 Privacy-principes > Privacyscan', "
        "now '3.2 Privacy-principes > Scan'"
    ]


def test_a_shorter_corpus_reports_the_missing_ids(tmp_path):
    shorter = _corpus_copy(tmp_path, lambda s: s[: s.index("## Voetnoten")])
    problems = tr.alignment_problems(shorter, FILE)
    assert [line.split()[4] for line in problems if line.startswith("missing from the corpus")] == [
        "uu-learning-analytics-beleid:039",
        "uu-learning-analytics-beleid:040",
        "uu-learning-analytics-beleid:041",
    ]


def test_changed_dutch_or_another_document_gets_no_rendering():
    passage = OFFICIAL[5]
    assert tr.translation_for(passage) is not None
    assert tr.translation_for(dataclasses.replace(passage, text=passage.text + " Nieuwe zin.")) is None
    assert tr.translation_for(dataclasses.replace(passage, section="Elders")) is None
    assert (
        tr.translation_for(dataclasses.replace(passage, id="eigen-notitie:001", source="eigen-notitie.md"))
        is None
    )
    assert tr.translation_for(passage, lang="de") is None


# --------------------------------------------------------------------------- what must agree


@pytest.mark.parametrize("passage", PASSAGES, ids=_id)
def test_numbers_articles_and_names_agree(passage):
    entry = FILE.passages[passage.id]
    assert tr.disagreements(passage.text, entry.rendering.text) == []
    assert tr.disagreements(passage.section, entry.rendering.section) == []


@pytest.mark.parametrize(
    "nl, en, kinds",
    [
        ("Zie AVG art. 9 en artikel 6.", "See GDPR Art. 9 and Article 6.", []),
        ("Zie AVG art. 9.", "See GDPR Art. 6.", ["numbers", "articles"]),
        ("AVG artikel 9, lid 1", "GDPR Article 9(1)", []),
        ("De AI-officer wordt betrokken.", "The privacy officer is involved.", ["names"]),
        ("De AI-officer wordt betrokken.", "The AI officer is involved.", []),
        ("zoals vereist door de FETC", "as required by the faculty ethics review committee", []),
        ("de Facultaire Ethische Toetsingscommissie", "the ethics committee", []),
        ("opleidingsdirecteuren en studieadviseurs", "programme directors and study advisers", []),
        ("opleidingsdirecteuren en studieadviseurs", "programme directors and tutors", ["names"]),
        ("de AVG en de AI-act", "the GDPR and the AI Act", []),
        ("de AVG en de AI-act", "the GDPR", ["names"]),
        ("drie categorieën", "three categories", []),
        ("drie categorieën", "two categories", ["numbers"]),
        ("binnen één (of meerdere) gebieden", "within one (or more) areas", []),
        ("een persoon is betrokken", "a person is involved", []),
        ("een persoon is betrokken", "one person is involved", ["numbers"]),
        ("vijf waarden, 2012", "five values, 2012", []),
        ("1.000 studenten, 2,5 jaar", "1,000 students, 2.5 years", []),
        ("2,5 jaar", "25 years", ["numbers"]),
        ("het gebruik aanvaardbaar acht", "considers the use acceptable", []),
        ("de belangen van de betrokkenen", "the interests of the data subjects", []),
        ("de belangen van de betrokkenen", "the interests of those involved", ["names"]),
    ],
)
def test_disagreements_catch_numbers_articles_and_names(nl, en, kinds):
    assert [line.split(":")[0] for line in tr.disagreements(nl, en)] == kinds


def test_the_roles_and_laws_of_the_policy_are_in_the_table():
    names = tr.load_correspondence().names
    for key in (
        "ai_officer",
        "ethics_committee",
        "privacy_officer",
        "programme_director",
        "study_adviser",
        "gdpr",
        "ai_act",
    ):
        assert key in names
    assert tr.names_in("AI-officer, FETC, AVG, AI-act", "nl") == Counter(
        {"ai_officer": 1, "ethics_committee": 1, "gdpr": 1, "ai_act": 1}
    )
    assert tr.names_in("AI officer, faculty ethics review committee, GDPR, AI Act", "en") == Counter(
        {"ai_officer": 1, "ethics_committee": 1, "gdpr": 1, "ai_act": 1}
    )


def test_policy_sources_of_the_table_name_corpus_sections():
    sections = {p.section for p in PASSAGES}
    for key, pair in tr.load_correspondence().names.items():
        if pair.source.startswith("policy:"):
            assert pair.source.removeprefix("policy:").strip() in sections, key


def test_every_name_of_the_table_that_the_policy_uses_occurs_in_both_languages():
    nl = sum((tr.names_in(p.text, "nl") for p in PASSAGES), Counter())
    en = sum((tr.names_in(FILE.passages[p.id].rendering.text, "en") for p in PASSAGES), Counter())
    assert nl == en
    assert {"ai_officer", "ethics_committee", "gdpr", "ai_act", "programme_director", "study_adviser"} <= set(
        nl
    )


# --------------------------------------------------------------------------- sentences, sections, label


@pytest.mark.parametrize("passage", PASSAGES, ids=_id)
def test_sentence_counts_agree_or_the_difference_is_declared(passage):
    entry = FILE.passages[passage.id]
    nl, en = split_sentences(passage.text), split_sentences(entry.rendering.text)
    assert len(nl) == len(en) or entry.sentences_differ, (len(nl), len(en))
    rendering = tr.translation_for(passage)
    assert rendering.aligned == (len(nl) == len(en))
    if rendering.aligned:
        for nl_span, en_span in zip(nl, en, strict=True):
            assert rendering.span_for(nl_span) == en_span
            assert rendering.source_span_for(en_span) == nl_span
            assert rendering.sentence(en_span).strip()


def _with_entry(pid: str, **changes) -> tr.TranslationFile:
    entry = FILE.passages[pid]
    rendering = entry.rendering.model_copy(update=changes.pop("rendering", {}))
    return FILE.model_copy(
        update={
            "passages": {**FILE.passages, pid: entry.model_copy(update={"rendering": rendering, **changes})}
        }
    )


def test_a_sentence_count_difference_must_be_declared():
    pid = "uu-learning-analytics-beleid:034"
    text = FILE.passages[pid].rendering.text
    split = text.replace(", they are deleted", ". They are deleted")
    assert tr.alignment_problems(PASSAGES, _with_entry(pid, rendering={"text": split})) == [
        f"sentence counts differ: {pid} nl 1 / en 2 (declare sentences_differ)"
    ]
    declared = _with_entry(
        pid, rendering={"text": split}, sentences_differ="the condition reads better apart"
    )
    assert tr.alignment_problems(PASSAGES, declared) == []
    stale = _with_entry(pid, sentences_differ="no longer true")
    assert tr.alignment_problems(PASSAGES, stale) == [
        f"sentences_differ declared but the counts agree: {pid}"
    ]


def test_an_unaligned_rendering_pairs_no_sentences():
    text = "First. Second."
    rendering = tr.Rendering(
        "x:001", text, "S", "unofficial translation", "en", ((0, 6), (7, 14)), ((0, 20),)
    )
    assert not rendering.aligned and rendering.pairs == ()
    assert rendering.span_for((0, 20)) is None and rendering.source_span_for((0, 6)) is None


@pytest.mark.parametrize("passage", PASSAGES, ids=_id)
def test_section_paths_are_rendered_heading_for_heading(passage):
    nl, en = passage.section.split(" > "), FILE.passages[passage.id].rendering.section.split(" > ")
    assert len(nl) == len(en)
    for a, b in zip(nl, en, strict=True):
        assert a.split()[0] == b.split()[0] if a[0].isdigit() else not b[0].isdigit()


@pytest.mark.parametrize("passage", OFFICIAL, ids=_id)
def test_renderings_are_english_and_the_originals_dutch(passage):
    rendering = tr.translation_for(passage)
    assert detect_language(rendering.text, default="?") == "en"
    assert detect_language(passage.text, default="?") == "nl"


def test_every_rendering_is_labelled_unofficial():
    assert all(f.label == "unofficial translation" for f in tr.translation_files("en"))
    assert {tr.translation_for(p).label for p in PASSAGES} == {"unofficial translation"}


# --------------------------------------------------------------------------- broken files


GOOD = """\
source: uu-learning-analytics-beleid.md
source_language: nl
language: en
label: unofficial translation
passages:
  uu-learning-analytics-beleid:001:
    original: {section: Introductie, text: Tekst.}
    rendering: {section: Introduction, text: Text.}
"""


@pytest.mark.parametrize(
    "text, says",
    [
        ("passages: [", "cannot be read"),
        (GOOD.replace("label: unofficial translation", "label: ''"), "unofficial"),
        (GOOD.replace("uu-learning-analytics-beleid:001", "other-document:001"), "other-document:001"),
        (GOOD.replace("text: Text.", "text: ''"), "empty"),
        (GOOD + "  uu-learning-analytics-beleid:001:\n    original: {section: a, text: b}\n", "twice"),
        (GOOD.replace("source_language: nl\n", ""), "source_language"),
    ],
)
def test_a_broken_translation_file_raises_config_error_naming_it(tmp_path, text, says):
    path = tmp_path / "broken.en.yaml"
    path.write_text(text, "utf-8")
    with pytest.raises(ConfigError) as err:
        tr.load_translation(path)
    assert str(path) in str(err.value) and says in str(err.value)


def test_a_good_file_loads_and_a_missing_one_is_named(tmp_path):
    path = tmp_path / "good.en.yaml"
    path.write_text(GOOD, "utf-8")
    assert tr.load_translation(path).passages["uu-learning-analytics-beleid:001"].rendering.text == "Text."
    with pytest.raises(ConfigError, match="missing"):
        tr.load_translation(tmp_path / "absent.en.yaml")


@pytest.mark.parametrize(
    "text, says",
    [
        (
            "names: {x: {source: somewhere, nl: [a], en: [b]}}\nnumbers: {source: s, words: {}}\n"
            "articles: {source: s, nl: [art], en: [art]}",
            "source",
        ),
        (
            "names: {}\nnumbers: {source: s, words: {1: {nl: [één en], en: [one]}}}\n"
            "articles: {source: s, nl: [art], en: [art]}",
            "single words",
        ),
        ("names: {}\nnumbers: {source: s, words: {}}\n", "articles"),
    ],
)
def test_a_broken_correspondence_table_raises_config_error_naming_it(tmp_path, text, says):
    path = tmp_path / "correspondence.yaml"
    path.write_text(text, "utf-8")
    with pytest.raises(ConfigError) as err:
        tr.load_correspondence(path)
    assert str(path) in str(err.value) and says in str(err.value)
