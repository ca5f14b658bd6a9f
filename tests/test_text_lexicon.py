"""The text layer (folding, sentences, markers) and the one term matcher (lexicon syntax, files)."""

from __future__ import annotations

from importlib import resources

import pytest

from assistant.errors import ConfigError
from assistant.lexicon import LexiconFile, Matcher, TermGroup, compile_terms, load_lexicon, term_regex
from assistant.text import MARKER, clean_invisible, fold, sentences, split_sentences

# ------------------------------------------------------------------------------------------ fold


@pytest.mark.parametrize(
    "raw, folded",
    [
        ("Opslag\u00adbeperking", "opslagbeperking"),  # soft hyphen
        ("12\u00a0maanden", "12 maanden"),  # no-break space
        ("12\u202fmaanden", "12 maanden"),  # narrow no-break space
        ("\ufb01nanci\u00eble gegevens", "financiele gegevens"),  # ligature fi, diaeresis
        ("\u201cZo snel mogelijk\u201d", '"zo snel mogelijk"'),  # smart quotes
        ("student\u2019s data", "student's data"),
        ("2024\u20132025", "2024-2025"),  # en dash
        ("Privacy-Principes", "privacy-principes"),
        ("  veel \n\t witruimte ", "veel witruimte"),
        ("zero\u200bwidth", "zerowidth"),
    ],
)
def test_fold(raw, folded):
    assert fold(raw) == folded


def test_clean_invisible_keeps_visible_text():
    assert clean_invisible("be\u00adwaar\u00a0termijn\u200b") == "bewaar termijn"
    assert clean_invisible("Opslagbeperking: “zo snel mogelijk”") == "Opslagbeperking: “zo snel mogelijk”"


# ------------------------------------------------------------------------------------- sentences


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Eén zin. Twee zinnen.", ["Eén zin.", "Twee zinnen."]),
        ("Dat is d.w.z. één zin. En dit.", ["Dat is d.w.z. één zin.", "En dit."]),
        ("Zie art. 9 AVG voor meer.", ["Zie art. 9 AVG voor meer."]),
        ("b. Een lijstlabel telt niet.", ["b. Een lijstlabel telt niet."]),
        ("Met voetnoot.[^1] Volgende zin.", ["Met voetnoot.[^1]", "Volgende zin."]),
        ("Geciteerd. [1] [2] Daarna.", ["Geciteerd. [1] [2]", "Daarna."]),
        ("Wat nu? Dit! Zeker…  En dan", ["Wat nu?", "Dit!", "Zeker…", "En dan"]),
        ("kleine letter. daarna niet gesplitst", ["kleine letter. daarna niet gesplitst"]),
    ],
)
def test_split_sentences(text, expected):
    assert [text[a:b] for a, b in split_sentences(text)] == expected


def test_sentence_spans_are_offsets_into_the_text():
    text = "  Eerste zin.   Tweede zin.  "
    spans = split_sentences(text)
    assert [text[a:b].strip() for a, b in spans] == ["Eerste zin.", "Tweede zin."]
    assert all(text[b - 1] == "." for _, b in spans)


def test_sentences_break_on_lines():
    assert sentences("Regel een\nRegel twee. Derde zin.") == ["Regel een", "Regel twee.", "Derde zin."]


def test_marker():
    assert [m.group(1) for m in MARKER.finditer("a [1] b [12] c [x]")] == ["1", "12"]


# --------------------------------------------------------------------------------------- lexicon


def _hits(terms, text):
    return [m.group(0) for m in compile_terms(terms).finditer(fold(text))]


@pytest.mark.parametrize(
    "terms, text, found",
    [
        (["ras"], "ras en etniciteit", ["ras"]),
        (["ras"], "een rasterplot", []),  # whole word: the trailing-space bug of the old lists
        (["ras"], "LA-ras", ["ras"]),  # a hyphen starts a word
        (["medisch*"], "medische en medisch-ethische gegevens", ["medische", "medisch-ethische"]),
        (["medisch*"], "biomedische gegevens", []),
        (["*cijfer*"], "tentamencijfers en cijferlijst", ["tentamencijfers", "cijferlijst"]),
        (["*toets"], "oefentoets, toets, toetsing, eind-toets", ["oefentoets", "toets", "eind-toets"]),
        (["sick leave"], "on Sick\u00a0 Leave today", ["sick leave"]),
        (["sick leave*"], "sick leaves", ["sick leaves"]),
        (["religion"], "region", []),
        (["gezondheid*"], "Gezond\u00adheids\u00adgegevens", ["gezondheidsgegevens"]),
        (["ai"], "AI-model en ai", ["ai", "ai"]),
        (["e-mail"], "per e-mail", ["e-mail"]),
        (["student", "student data"], "student data", ["student data"]),  # longest wins
    ],
)
def test_term_syntax(terms, text, found):
    assert _hits(terms, text) == found


@pytest.mark.parametrize("bad", ["", " ", "*", "**", "* x", "two *words", "a*b"])
def test_bad_terms_are_refused(bad):
    with pytest.raises(ValueError):
        term_regex(bad)


def test_matcher_groups_and_counts():
    m = Matcher({"health": ["gezondheid*", "ziek"], "finance": ["inkomen*"]})
    found = m.find("Ziek, met gezondheidsklachten en een laag inkomen")
    assert [(x.group, x.text) for x in found] == [
        ("health", "ziek"),
        ("health", "gezondheidsklachten"),
        ("finance", "inkomen"),
    ]
    assert m.counts("ziek ziek inkomen") == {"health": 2, "finance": 1}
    assert Matcher({}).find("anything") == []


def test_term_group_validation():
    TermGroup(source="GDPR Art. 9(1)", terms=("health*",))
    with pytest.raises(ValueError, match="source"):
        TermGroup(source="my own idea", terms=("x",))
    with pytest.raises(ValueError, match="twice"):
        TermGroup(source="general vocabulary", terms=("Data", "data"))
    with pytest.raises(ValueError):
        TermGroup(source="general vocabulary", terms=("a*b",))


def test_every_shipped_lexicon_loads():
    folder = resources.files("assistant") / "data" / "lexicons"
    names = [p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml")]
    for name in names:
        lex = load_lexicon(name)
        assert isinstance(lex, LexiconFile) and lex.groups, name
        Matcher({g: grp.terms for g, grp in lex.groups.items()})


def test_missing_lexicon_is_a_clear_error():
    with pytest.raises(ConfigError, match="no-such-lexicon"):
        load_lexicon("no-such-lexicon")
