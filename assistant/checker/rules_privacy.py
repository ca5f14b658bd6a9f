"""Rules on storage limitation (3.2 Privacy-principes > Opslagbeperking: data no longer needed are
deleted or anonymised 'zo snel mogelijk'), transparency (the privacy statement), security measures
and the privacy scan.

A retention answer must name an end that 'zo snel mogelijk' can accept (`checker.retention`): not
blank, not indefinite, not a date or period past the horizon (`Context.horizon_years`, default
`engine.DEFAULT_RETENTION_HORIZON_YEARS`), and some end at all (a date, a period, a moment of the
academic calendar or an event). An event alone, such as graduation, gets advice to name a moment.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from assistant.checker.registry import (
    Context,
    Hit,
    Rule,
    checker_terms,
    clauses,
    first_unnegated,
    folded_sentences,
    hit,
    registrar,
)
from assistant.checker.retention import past_horizon, retention_end
from assistant.lexicon import compile_terms
from assistant.proposal import Draft
from assistant.terms import NEGATOR, is_blank, is_negated, is_thin
from assistant.text import fold, split_sentences

__all__ = ["RULES"]

RULES: list[Rule] = []
_rule = registrar(RULES)

_INDEFINITE = compile_terms(checker_terms("indefinite retention"))
_WORDS = re.compile(r"\w+")
_NEVER_ANSWER = re.compile(
    r"\W*(nooit|never)\W*"
)  # a retention answer of one word: when are data deleted? never
_SELF_NEGATED = re.compile(r"(?:no|not|never|geen|niet|nooit|zonder|without)\b")
_THIN_SECURITY = compile_terms(checker_terms("thin security"))
_KEEP = compile_terms(checker_terms("retention keep word"))
_FOR_LATER = compile_terms(checker_terms("kept for later"))
_OPEN_ENDED = compile_terms(checker_terms("open-ended purpose"))  # further use: purpose limitation's finding
_FOR_LATER_USE = compile_terms(checker_terms("later use"))
_WHILE = compile_terms(checker_terms("kept while useful"))
_USEFUL = compile_terms(checker_terms("useful"))
_USEFUL_WITHIN = 4  # words after 'zolang' / 'as long as' in which a 'useful' word makes usefulness the end
_NOT_INFORMED = compile_terms(checker_terms("students not informed"))
_INFORMING = compile_terms(checker_terms("informing verb"))
_OTHER_TOLD = compile_terms(checker_terms("other party told"))
_STUDENTS_TOLD = compile_terms(checker_terms("students told"))
_INSECURE = compile_terms(checker_terms("insecure channel"))
_THIRD_COUNTRY = compile_terms(checker_terms("third country"))
_HOSTING = compile_terms(checker_terms("hosting word"))
_SAFEGUARD = compile_terms(checker_terms("transfer safeguard"))
_NEGATOR = NEGATOR  # assistant.terms: the negators of general.yaml, compiled once
# a negator, at most three words, an informing verb: 'niet over informeren', 'do not announce'
_NOT_TOLD = re.compile(
    rf"(?:{_NEGATOR.pattern})(?:\W+[\w'-]+){{0,3}}?\W+(?:{_INFORMING.pattern})(?!\W+(?:consent|toestemming))"
)  # 'not asked for informed consent' is about consent, not about being told
_SECURITY_LATER = compile_terms(checker_terms("security later"))
_SECURITY_WAIVED = compile_terms(checker_terms("security waived"))
_UNDETERMINED = compile_terms(checker_terms("retention undetermined event"))
_SCAN_WORD = compile_terms(checker_terms("scan word"))
_SCAN_LATE = compile_terms(checker_terms("scan moment late"))


def _indefinite(d: Draft) -> str | None:
    return None if is_blank(d.retention) else _indefinite_term(d.retention) or _later_use(d.retention)


@lru_cache(maxsize=512)
def _later_use(retention: str) -> str | None:
    """A sentence of the retention answer that keeps data for later or further use, with no period or date
    of its own ('the linked file is kept on the share so the group can reuse it for future studies'): no
    end. (In the summary such a sentence is a further purpose: `purpose_limitation.open_ended`.)"""
    for sentence in folded_sentences(retention):
        end = retention_end(sentence)
        if _KEEP.search(sentence) and not end.periods and not end.dates:
            if m := first_unnegated(_OPEN_ENDED, sentence) or first_unnegated(_FOR_LATER_USE, sentence):
                return m.group(0)
    return None


@lru_cache(maxsize=512)
def _indefinite_term(retention: str) -> str | None:
    """The first indefinite-retention term of `retention`: one that is itself a negation ('no reason to
    delete', 'niet verwijderd') counts whatever precedes it ('costs nothing, there is no reason to
    delete'); another only when no negator precedes it ('niet voor onbepaalde tijd'). Also data kept
    for as long as they are of use: 'zolang' / 'as long as' with a 'useful' word within four words after
    it ('zolang ze nog van pas kunnen komen'); and 'nooit' / 'never' as the whole answer."""
    norm = fold(retention)
    if m := _NEVER_ANSWER.fullmatch(norm):  # 'nooit' / 'never' as the whole answer: never deleted
        return m.group(1)
    for m in _INDEFINITE.finditer(norm):
        if _SELF_NEGATED.match(m.group(0)) or not is_negated(norm, m.start()):
            return m.group(0)
    for m in _WHILE.finditer(norm):  # 'zolang ze nog van pas kunnen komen': usefulness is no end
        words = _WORDS.findall(norm[m.end() : m.end() + 80])[: _USEFUL_WITHIN + 1]
        if (u := _USEFUL.search(" ".join(words))) and not is_negated(norm, m.start()):
            return f"{m.group(0)} ... {u.group(0)}"
    return None


# ---------------------------------------------------------------- storage limitation


@_rule("storage_limitation.missing", "storage_limitation", "major")
def _retention_missing(d: Draft, c: Context) -> Iterator[Hit]:
    if is_blank(d.retention):
        yield hit("retention")


@_rule("storage_limitation.indefinite", "storage_limitation", "major")
def _retention_indefinite(d: Draft, c: Context) -> Iterator[Hit]:
    if term := _indefinite(d):
        yield hit("retention", term=term)


@_rule("storage_limitation.beyond_horizon", "storage_limitation", "major")
def _retention_far(d: Draft, c: Context) -> Iterator[Hit]:
    if not is_blank(d.retention) and not _indefinite(d):
        research = d.project_type == "research"  # a null type gets the stricter horizon
        end = past_horizon(retention_end(d.retention), c.today, c.horizon_years, research=research)
        if end:
            yield hit("retention", end=end, years=c.horizon_years)


@_rule("storage_limitation.no_moment", "storage_limitation", "major")
def _retention_moment(d: Draft, c: Context) -> Iterator[Hit]:
    if not is_blank(d.retention) and not _indefinite(d) and not retention_end(d.retention).anchored:
        yield hit("retention", retention=d.retention)


@_rule("storage_limitation.contradiction", "storage_limitation", "major")
def _retention_elsewhere(d: Draft, c: Context) -> Iterator[Hit]:
    """A sentence of the summary or a purpose keeps data for a longer period than the retention field, for
    good ('kept indefinitely'), or as a copy for later use with no period ('een kopie bewaren we, zodat we
    de jaargangen later kunnen vergelijken': `kept for later`) while the field names an end."""
    if is_blank(d.retention) or _indefinite(d):
        return
    stated = max((months for _, months in retention_end(d.retention).periods), default=None)
    texts = [("summary", d.summary), *((f"purposes.{i}", p) for i, p in enumerate(d.purposes))]
    for field, text in texts:
        for a, b in split_sentences(text or ""):
            sentence = text[a:b]
            if not _KEEP.search(fold(sentence)):
                continue
            if forever := _indefinite_term(sentence):
                yield hit(field, period=forever, retention=d.retention)
                return
            periods = retention_end(sentence).periods
            later = (
                None if _OPEN_ENDED.search(fold(sentence)) else first_unnegated(_FOR_LATER, fold(sentence))
            )
            if not periods and later:
                yield hit(field, period=later.group(0), retention=d.retention)  # a copy kept for later use
                return
            if stated is None:
                continue  # a date or an event: no period to compare with
            longer = [t for t, months in periods if months > stated]
            if longer:
                yield hit(field, period=longer[0], retention=d.retention)
                return


@_rule("storage_limitation.undetermined_event", "storage_limitation", "major")
def _retention_undetermined(d: Draft, c: Context) -> Iterator[Hit]:
    """The data stay until an organisational change nobody has dated ('totdat de opleiding is overgestapt
    op het nieuwe platform waarvoor de aanbesteding nu loopt'), with no date, period or moment of the
    academic calendar beside it: not an end the policy's 'zo snel mogelijk' can accept (3.2
    Opslagbeperking)."""
    if is_blank(d.retention) or _indefinite(d):
        return
    end = retention_end(d.retention)
    if not end.concrete and (m := first_unnegated(_UNDETERMINED, fold(d.retention))):
        yield hit("retention", term=m.group(0))


@_rule("storage_limitation.event_only", "storage_limitation", "minor")
def _retention_event(d: Draft, c: Context) -> Iterator[Hit]:
    if not is_blank(d.retention) and not _indefinite(d):
        end = retention_end(d.retention)
        if end.anchored and not end.concrete:
            yield hit("retention", retention=d.retention)


# ---------------------------------------------------------------- transparency, security, privacy scan


@_rule("transparency.privacy_statement", "transparency", "major")
def _privacy_statement(d: Draft, c: Context) -> Iterator[Hit]:
    if d.privacy_statement is not True:
        yield hit("privacy_statement", "message_no" if d.privacy_statement is False else "message")


@_rule("transparency.not_informed", "transparency", "major")
def _not_informed(d: Draft, c: Context) -> Iterator[Hit]:
    """The draft says students are not told (whatever `privacy_statement` says): the privacy statement
    exists to tell them (3.2 Transparantie; GDPR Art. 13)."""
    if m := first_unnegated(_NOT_INFORMED, c.narrative):
        yield hit("summary", term=m.group(0))
    elif term := _students_not_told(c.narrative):
        yield hit("summary", term=term)


def _students_not_told(narrative: str) -> str | None:
    """'studenten ... niet over informeren', 'do not announce the dashboard to students': in a clause of the
    folded narrative that names the students and no other party, a negator and an informing verb at most
    three words after it; the words from the negator to the verb, or None. Not read: a Dutch main clause
    whose finite verb comes before the negator ('we informeren de studenten niet'): reading that order too
    flagged compliant drafts on seven dev sets (measured 2026-12-02), so it is left to `students not informed`."""
    if not _INFORMING.search(narrative):
        return None
    for clause in clauses(narrative):
        if _STUDENTS_TOLD.search(clause) and not _OTHER_TOLD.search(clause):
            if m := _NOT_TOLD.search(clause):
                return m.group(0)
    return None


@_rule("transparency.stakeholders", "transparency", "minor")
def _stakeholders(d: Draft, c: Context) -> Iterator[Hit]:
    if not d.stakeholders:
        yield hit("stakeholders")


@_rule("security.missing", "security", "major")
def _security(d: Draft, c: Context) -> Iterator[Hit]:
    if not any(not is_blank(m) for m in d.security_measures):
        yield hit("security_measures")


@_rule("security.insecure", "security", "major")
def _security_insecure(d: Draft, c: Context) -> Iterator[Hit]:
    """A security 'measure' that is itself a risk: personal data on private devices or consumer services
    (WeTransfer, a private Dropbox, an own laptop, an external drive, a password in the same mail;
    GDPR Art. 32), in the measures or, when they name none, in the draft's running text (summary, purposes
    and the other answers: `Context.narrative`: 'the overview is e-mailed to the mentors, who may keep it
    on their own laptops'). A clause with a negator before the term is passed over: in 'geen gegevens op
    lokale laptops of USB-sticks' the negation reaches the second term too."""
    for text in d.security_measures:
        if term := _insecure_step(fold(text)):
            yield hit("security_measures", term=term)
            return
    if term := _insecure_step(c.narrative):
        yield hit("security_measures", "message_text", term=term)


def _insecure_step(norm: str) -> str | None:
    """The first insecure-channel term of the folded text `norm` with no negator before it in its clause."""
    if not _INSECURE.search(norm):
        return None
    for clause in clauses(norm):
        if (m := _INSECURE.search(clause)) and not _NEGATOR.search(clause, 0, m.start()):
            return m.group(0)
    return None


@_rule("security.third_country", "security", "major")
def _security_third_country(d: Draft, c: Context) -> Iterator[Hit]:
    """A sentence of the draft has the data stored or processed outside the EU/EEA ('the vendor runs the
    analyses on its servers in the United States'), and nothing in the draft names a processing agreement
    or a basis for the transfer (standard contractual clauses, an adequacy decision): processing without
    the protection the policy asks against unlawful processing (3.2 Passende technische en organisatorische
    maatregelen; GDPR Art. 28, 44-46)."""
    if not _THIRD_COUNTRY.search(c.narrative):
        return
    measures = fold(" . ".join(m for m in d.security_measures if m))
    if _SAFEGUARD.search(c.narrative) or _SAFEGUARD.search(measures):
        return
    for clause in clauses(c.narrative):
        if (m := _THIRD_COUNTRY.search(clause)) and _HOSTING.search(clause) and not _NEGATOR.search(clause):
            yield hit("security_measures", term=m.group(0))
            return


@_rule("security.thin", "security", "major")
def _security_thin(d: Draft, c: Context) -> Iterator[Hit]:
    """Measures that are all a bare word such as 'password', 'veilig' or 'AVG-proof' say nothing."""
    given = [m for m in d.security_measures if not is_blank(m)]
    if given and all(is_thin(m, _THIN_SECURITY) for m in given):
        yield hit("security_measures", measures="; ".join(given))


@_rule("security.waived", "security", "major")
def _security_waived(d: Draft, c: Context) -> Iterator[Hit]:
    """Every measure says none is needed ('n.v.t. - de gegevens komen gewoon uit Brightspace', 'no special
    measures, the data are not sensitive'): the policy asks for appropriate technical and organisational
    measures for all personal data (3.2 Passende technische en organisatorische maatregelen; GDPR Art. 32)."""
    given = [m for m in d.security_measures if not is_blank(m)]
    if given and all(first_unnegated(_SECURITY_WAIVED, fold(m)) for m in given):
        yield hit("security_measures", measures="; ".join(given))


@_rule("security.later", "security", "major")
def _security_later(d: Draft, c: Context) -> Iterator[Hit]:
    """Every measure is announced for later ('to be worked out with the security officer once the first
    export has been made'): nothing protects the data while they are processed (3.2 Passende technische
    en organisatorische maatregelen; GDPR Art. 32)."""
    given = [m for m in d.security_measures if not is_blank(m)]
    if given and all(first_unnegated(_SECURITY_LATER, fold(m)) for m in given):
        yield hit("security_measures", measures="; ".join(given))


@_rule("privacy_scan.late", "privacy_scan", "major")
def _privacy_scan_late(d: Draft, c: Context) -> Iterator[Hit]:
    """The scan is 'planned', and a sentence of the summary or purposes puts it after the start or at the
    evaluation ('de privacyscan staat gepland voor de evaluatie aan het einde van dat blok'): the policy
    scans the proposal, before the data are processed (3.2 Privacyscan)."""
    if d.privacy_scan != "planned":
        return
    for sentence in folded_sentences(" ".join([d.summary or "", *d.purposes])):
        if _SCAN_WORD.search(sentence) and (m := first_unnegated(_SCAN_LATE, sentence)):
            yield hit("privacy_scan", term=m.group(0))
            return


@_rule("privacy_scan.missing", "privacy_scan", "major")
def _privacy_scan(d: Draft, c: Context) -> Iterator[Hit]:
    if d.privacy_scan not in ("done", "planned"):
        yield hit("privacy_scan", "message_not_planned" if d.privacy_scan == "not_planned" else "message")
