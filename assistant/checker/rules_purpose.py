"""Rules on purpose limitation and the necessity test (3.2 Privacy-principes > Doelbinding): specific
purposes, defined in advance, and why personal data is needed for them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from assistant.checker.registry import (
    Context,
    Hit,
    Rule,
    checker_terms,
    first_unnegated,
    folded_sentences,
    hit,
    registrar,
    sentence_at,
)
from assistant.lexicon import compile_terms
from assistant.proposal import Draft
from assistant.terms import is_blank, is_negated
from assistant.text import fold

__all__ = ["RULES", "all_purposes_outside"]

RULES: list[Rule] = []
_rule = registrar(RULES)

_GENERIC = compile_terms(checker_terms("generic purpose words"))
_OPEN_ENDED = compile_terms(checker_terms("open-ended purpose"))
_NECESSITY_WEIGHED = compile_terms(checker_terms("necessity weighed"))
_OUTSIDE_LA = compile_terms(checker_terms("purpose outside LA"))
_SOCIAL_SCORING = compile_terms(checker_terms("social scoring"))
# a sentence that names the practice as prohibited, excluded or not done does not describe it (as `rules_ai`)
_PROHIBITED_CONTEXT = compile_terms(checker_terms("named as prohibited") + checker_terms("named as not done"))
_THIRD_PARTY = compile_terms(checker_terms("third-party recipient"))
_USE_FOR = compile_terms(checker_terms("use for"))
_HANDED_OVER = compile_terms(checker_terms("handed over"))
_ALTERNATIVE = compile_terms(checker_terms("less intrusive alternative"))
_SUFFICES = compile_terms(checker_terms("suffices"))
_CONTRAST = compile_terms(checker_terms("contrast"))
_WITHOUT = compile_terms(checker_terms("without"))
_MEANS = compile_terms(checker_terms("project means"))
_CANNOT = compile_terms(checker_terms("cannot"))
_PERSON = compile_terms(checker_terms("person or role") + checker_terms("student as reader"))
_NO_PERSONAL_DATA = compile_terms(checker_terms("no personal data claim"))
_IDENTIFIER = compile_terms(checker_terms("direct identifier"))
_HOARDING = compile_terms(checker_terms("data hoarding"))
_AVAILABLE = compile_terms(checker_terms("availability as reason"))
_ASSERTED = compile_terms(checker_terms("necessity asserted"))
_REASON = compile_terms(checker_terms("reason word"))
_PSEUDONYMISED = compile_terms(checker_terms("pseudonymised item"))
_ONE_STUDENT = compile_terms(checker_terms("reason about one student"))
_GROUP_LEVEL_AREAS = frozenset({"2a", "2b"})  # policy 2: insight for course and curriculum development
_WORD = re.compile(r"[\w-]+")  # a word with its hyphenated parts ('data-driven' is one word)
_MIN_NECESSITY_WORDS = 6  # fewer words of three letters or more: the necessity test is not argued
_MIN_SPECIFIC_WORDS = 2  # a purpose with fewer non-generic words (of 3+ letters, or numbers) is vague


def _vague(purpose: str) -> bool:
    words = [w for w in _WORD.findall(fold(purpose)) if len(w) > 2 or w.isdigit()]
    return sum(1 for w in words if not _GENERIC.fullmatch(w)) < _MIN_SPECIFIC_WORDS


# ---------------------------------------------------------------- purpose limitation


@_rule("purpose_limitation.missing", "purpose_limitation", "major")
def _purpose_missing(d: Draft, c: Context) -> Iterator[Hit]:
    if not any(not is_blank(p) for p in d.purposes):
        yield hit("purposes")


@_rule("purpose_limitation.vague", "purpose_limitation", "major")
def _purpose_vague(d: Draft, c: Context) -> Iterator[Hit]:
    purposes = [p for p in d.purposes if not is_blank(p)]
    if purposes and all(_vague(p) for p in purposes):
        yield hit("purposes", purpose=purposes[0])


def _purposes_with(pattern, d: Draft) -> Iterator[Hit]:
    """A hit per purpose holding a term of `pattern` that no negator precedes."""
    for i, purpose in enumerate(d.purposes):
        if m := first_unnegated(pattern, fold(purpose)):
            yield hit(f"purposes.{i}", term=m.group(0))


@_rule("purpose_limitation.open_ended", "purpose_limitation", "major")
def _purpose_open(d: Draft, c: Context) -> Iterator[Hit]:
    for found in _purposes_with(_OPEN_ENDED, d):
        yield found
        return
    m = first_unnegated(_OPEN_ENDED, fold(d.summary))
    if m:
        yield hit("summary", "message_summary", term=m.group(0))


@_rule("purpose_limitation.outside_areas", "purpose_limitation", "major")
def _purpose_outside(d: Draft, c: Context) -> Iterator[Hit]:
    """A purpose none of the areas covers (section 2: staff appraisal, selling, marketing, discipline,
    admission of applicants, timetabling, students' money), in a listed purpose or revealed by the
    summary ('the scores also feed the tutors' performance reviews'), or data handed to a party outside
    education (employers, insurers: `_handed_to_third_party`); or social scoring described in the draft:
    treating students by a score of their conduct or trustworthiness (AI Act Art. 5(1)(c)) is a purpose,
    and none of the areas."""
    if all_purposes_outside(d):
        return  # the project itself is outside the areas: `area.outside` says so, once
    found = list(_purposes_with(_OUTSIDE_LA, d))
    yield from found
    if found:
        return
    if m := _revealed_outside(d.summary):
        yield hit("summary", term=m.group(0))  # a purpose the summary reveals beside the listed ones
    elif term := _handed_to_third_party(d):
        yield hit(term[0], term=term[1])
    elif term := _social_scoring(c.narrative):
        yield hit("purposes", term=term)


def _social_scoring(narrative: str) -> str | None:
    """A social-scoring term of the folded narrative, not negated, in a sentence that does not name it
    as prohibited or not done ('nagelopen dat er geen sprake is van verboden praktijken (zoals social
    scoring)'), or None."""
    for m in _SOCIAL_SCORING.finditer(narrative):
        if is_negated(narrative, m.start()):
            continue
        if not _PROHIBITED_CONTEXT.search(sentence_at(narrative, m.start(), m.end())):
            return m.group(0)
    return None


def _revealed_outside(summary: str) -> re.Match | None:
    """An outside term in a sentence of the summary that says what data are used for (`use for`: 'also
    feed the performance reviews', 'om ... te', 'for'): 'changes are synchronised with the timetable'
    names the timetable, not a purpose."""
    if not _OUTSIDE_LA.search(fold(summary or "")):
        return None
    for sentence in folded_sentences(summary):
        if (m := first_unnegated(_OUTSIDE_LA, sentence)) and _USE_FOR.search(sentence):
            return m
    return None


def all_purposes_outside(d: Draft) -> str | None:
    """The first outside term when every listed purpose falls in none of the areas (`purpose outside LA`),
    else None: then the project is not LA (`area.outside`), not an LA project with a stray purpose."""
    return _all_outside(tuple(p for p in d.purposes if not is_blank(p)))


@lru_cache(maxsize=256)  # two rules ask it of the same draft
def _all_outside(purposes: tuple[str, ...]) -> str | None:
    found = [first_unnegated(_OUTSIDE_LA, fold(p)) for p in purposes]
    return found[0].group(0) if purposes and all(found) else None


def _handed_to_third_party(d: Draft) -> tuple[str, str] | None:
    """(field, recipient) of the first sentence of the summary or a purpose in which students' data go to a
    party outside education ('stagebedrijven en toekomstige werkgevers ontvangen het competentieprofiel'):
    a `third-party recipient` and a `handed over` word, neither negated."""
    for field, text in [("summary", d.summary), *((f"purposes.{i}", p) for i, p in enumerate(d.purposes))]:
        if not _THIRD_PARTY.search(fold(text or "")):
            continue
        for sentence in folded_sentences(text):
            if (m := first_unnegated(_THIRD_PARTY, sentence)) and first_unnegated(_HANDED_OVER, sentence):
                return field, m.group(0)
    return None


@_rule("purpose_limitation.some_vague", "purpose_limitation", "minor")
def _purpose_some_vague(d: Draft, c: Context) -> Iterator[Hit]:
    purposes = [p for p in d.purposes if not is_blank(p)]
    vague = [p for p in purposes if _vague(p)]
    if vague and len(vague) < len(purposes):
        yield hit("purposes", purpose=vague[0])


@_rule("purpose_limitation.summary", "purpose_limitation", "minor")
def _summary(d: Draft, c: Context) -> Iterator[Hit]:
    if is_blank(d.summary) or is_blank(d.title):
        yield hit("summary" if is_blank(d.summary) else "title")


# ---------------------------------------------------------------- necessity


@_rule("necessity.missing", "necessity", "major")
def _necessity(d: Draft, c: Context) -> Iterator[Hit]:
    if is_blank(d.necessity):
        yield hit("necessity")


@_rule("necessity.alternatives", "necessity", "minor")
def _necessity_alternatives(d: Draft, c: Context) -> Iterator[Hit]:
    if not is_blank(d.necessity) and not _NECESSITY_WEIGHED.search(fold(d.necessity)):
        yield hit("necessity")


@_rule("necessity.denied", "necessity", "major")
def _necessity_denied(d: Draft, c: Context) -> Iterator[Hit]:
    """The necessity test answered with 'no personal data' while a data item is a direct identifier
    (GDPR Art. 4(1)): the test is then not done."""
    if is_blank(d.necessity) or not _NO_PERSONAL_DATA.search(fold(d.necessity)):
        return
    for i, item in enumerate(d.data):
        m = _IDENTIFIER.search(fold(item.name or ""))
        if m:
            yield hit("necessity", item=item.name, term=m.group(0), n=i + 1)
            return


@_rule("necessity.availability", "necessity", "major")
def _necessity_availability(d: Draft, c: Context) -> Iterator[Hit]:
    """The necessity test answered with the data being available anyway: no reason why the purpose needs
    them (GDPR Art. 5(1)(c))."""
    if m := first_unnegated(_AVAILABLE, fold(d.necessity)):
        yield hit("necessity", term=m.group(0))


@_rule("necessity.conceded", "necessity", "major")
def _necessity_conceded(d: Draft, c: Context) -> Iterator[Hit]:
    """The necessity test answered against itself: a less intrusive alternative (aggregated, anonymous,
    group-level data) would suffice, but personal data are kept anyway ('aggregated results per tutorial
    group would in principle be enough, but individual records give us more flexibility'). One sentence
    with an `alternative` word, a `suffices` word no negator precedes and a `contrast` word after it
    (GDPR Art. 5(1)(c): then the personal data are not necessary)."""
    if is_blank(d.necessity):
        return
    if not _ALTERNATIVE.search(fold(d.necessity)):
        return
    for sentence in folded_sentences(d.necessity):
        if not _ALTERNATIVE.search(sentence):
            continue
        if (m := first_unnegated(_SUFFICES, sentence)) and _CONTRAST.search(sentence, m.end()):
            yield hit("necessity", term=m.group(0))
            return


@_rule("necessity.circular", "necessity", "major")
def _necessity_circular(d: Draft, c: Context) -> Iterator[Hit]:
    """The necessity test answered with the tool's own need ('noodzakelijk, want zonder deze gegevens kan
    het dashboard niet worden gebouwd'): one sentence of the answer has 'without', a means of the project
    (dashboard, model, tool) and a negation, and the answer names no person whose need it is. The test asks why the purpose needs the personal data (GDPR Art.
    5(1)(c)), not why the tool does."""
    if is_blank(d.necessity):
        return
    norm = fold(d.necessity)
    if not _WITHOUT.search(norm) or _PERSON.search(norm):
        return
    for sentence in folded_sentences(d.necessity):
        if _WITHOUT.search(sentence) and _MEANS.search(sentence) and _CANNOT.search(sentence):
            yield hit("necessity", text=d.necessity)
            return


@_rule("necessity.unargued", "necessity", "major")
def _necessity_unargued(d: Draft, c: Context) -> Iterator[Hit]:
    """A necessity answer too short to argue anything ('Nodig voor het project.'): the test asks which
    personal data the purpose needs and why anonymous or aggregated data will not do, which takes more
    than `_MIN_NECESSITY_WORDS` words of three letters or more (a design value: the shortest arguing answer
    in the eval drafts has 9)."""
    if is_blank(d.necessity) or first_unnegated(_AVAILABLE, fold(d.necessity)):
        return  # missing, or flagged for its reason already
    if len([w for w in _WORD.findall(fold(d.necessity)) if len(w) > 2]) < _MIN_NECESSITY_WORDS:
        yield hit("necessity", text=d.necessity)


@_rule("necessity.asserted", "necessity", "major")
def _necessity_asserted(d: Draft, c: Context) -> Iterator[Hit]:
    """The necessity answer declares the data a requirement or an agreement ('Working with person-level
    records is a prerequisite for this analysis and has been agreed with the University Library') and gives
    no reason (`reason word`): the test asks whether the purpose can be reached without personal data
    (3.2 Doelbinding, noodzakelijkheidstoets)."""
    if is_blank(d.necessity):
        return
    norm = fold(d.necessity)
    if (m := first_unnegated(_ASSERTED, norm)) and not _REASON.search(norm):
        yield hit("necessity", term=m.group(0))


@_rule("necessity.hoarding", "necessity", "major")
def _necessity_hoarding(d: Draft, c: Context) -> Iterator[Hit]:
    """Data collected in case it proves useful: the opposite of the necessity test."""
    for field, text in (("necessity", d.necessity), ("summary", d.summary)):
        if m := first_unnegated(_HOARDING, fold(text)):
            yield hit(field, term=m.group(0))
            return


@_rule("necessity.identified_for_groups", "necessity", "major")
def _necessity_identified(d: Draft, c: Context) -> Iterator[Hit]:
    """Insight at course or curriculum level (every area 2a or 2b) from data that identify students (a data
    item with a direct identifier, GDPR Art. 4(1), not pseudonymised), while the necessity answer gives no
    reason that needs one student's records kept together ('The dashboard only reports averages per lecture,
    so the privacy impact of including the identifying fields is negligible'): the purpose can then be
    reached without the identity (3.2 Doelbinding, noodzakelijkheidstoets; GDPR Art. 5(1)(c))."""
    if not d.areas or not set(d.areas) <= _GROUP_LEVEL_AREAS or is_blank(d.necessity):
        return
    if _ONE_STUDENT.search(fold(d.necessity)):
        return
    for i, item in enumerate(d.data):
        name = fold(item.name or "")
        if (m := first_unnegated(_IDENTIFIER, name)) and not _PSEUDONYMISED.search(name):
            yield hit("necessity", item=item.name, term=m.group(0), n=i + 1)
            return
