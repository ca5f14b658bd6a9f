"""Rules on the ethical values of 3.1: human in the loop ('altijd een persoon betrokken bij de
interpretatie van de resultaten en de beslissingen'), fair balancing of interests, reliable and
valid analyses, and accountability.

`human_in_the_loop` must name a person or role (`checker.yaml` 'person or role'); a clause in which
a system (or 'automatically') decides, selects or assigns something about students is an automated
decision and blocks. Answers that only say 'getest', 'me' or 'we' are thin.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from assistant.checker.registry import Context, Hit, Rule, checker_terms, first_unnegated, hit, registrar
from assistant.lexicon import compile_terms
from assistant.proposal import Draft
from assistant.terms import NEGATOR, is_blank, is_negated, is_thin
from assistant.text import fold

__all__ = ["RULES"]

RULES: list[Rule] = []
_rule = registrar(RULES)


def _terms(group: str) -> re.Pattern:
    return compile_terms(checker_terms(group))


def _alternation(group: str) -> str:
    return f"(?:{_terms(group).pattern})"


# A human_in_the_loop answer that is only 'nobody', 'n/a', 'the system' ... (and punctuation).
_NOBODY_ANSWER = re.compile(_alternation("nobody") + r"\W*")
_NOBODY_INVOLVED = _terms("nobody involved")
_ROLE = _terms("person or role")
_STUDENT = _terms("student as reader")
_AUTOMATED = _terms("automated decision")
# 'automatisch ... e-mail' or 'bericht ... automatisch': an automatic word and a message word at most
# six words apart in one sentence (no . ! ? ; between them): a message sent to students automatically.
_WITHIN_SIX_WORDS = r"(?:[^\w.!?;]+\w+){0,6}?[^\w.!?;]+"
_AUTO_MESSAGE = re.compile(
    _alternation("automatic") + _WITHIN_SIX_WORDS + _alternation("message")
    + "|"
    + _alternation("message") + _WITHIN_SIX_WORDS + _alternation("automatic")
)  # fmt: skip
# A system (or 'automatically') and a decision word at most four words apart, in one clause: found
# from the decision word (one fast alternation), then looked for in the 60 characters around it.
_DECISION = _terms("decision word")
_AUTOMATIC = _terms("automatic")
# Dutch separable decision verbs split in a main clause ('het systeem meldt hen af'): the finite verb (one
# fast alternation), then its particle after at most four words in the clause, not a preposition before an
# article ('trekt gegevens in de app'); each term of the group is 'verb particle'.
_PARTICLES: dict[str, set[str]] = {}
for _term in checker_terms("separable decision verb"):
    _verb, _particle = _term.split()
    _PARTICLES.setdefault(_verb, set()).add(_particle)
_SEPARABLE_VERB = re.compile(r"\b(?:" + "|".join(sorted(_PARTICLES, key=len, reverse=True)) + r")\b")
_PARTICLE_AFTER = re.compile(
    r"(?:[^\w.!?;:,]+[\w'-]+){0,4}?[^\w.!?;:,]+(af|uit|toe|in)\b"
    r"(?!\W+(?:de|het|een|the|an?|hun|zijn|haar|deze|die|dit|dat)\b)"
)


def _decisions(norm: str) -> Iterator[tuple[int, int]]:
    """Spans of the decision words in `norm`: the `decision word` terms, then the split separable verbs
    (from the verb to its particle)."""
    for m in _DECISION.finditer(norm):
        yield m.span()
    for m in _SEPARABLE_VERB.finditer(norm):
        if (p := _PARTICLE_AFTER.match(norm, m.end())) and p.group(1) in _PARTICLES[m.group(0)]:
            yield m.start(), p.end()


_WEIGHING_WAIVED = _terms("weighing waived")
_OUTSOURCED = _terms("outsourced responsibility")
_LEGAL_FORM = _terms("company legal form")
_EXTERNAL = _terms("external role")
_WORDS_AFTER = re.compile(r"(?:[^\w.!?;:,()]+[\w'-]+){1,3}")
_ROTATING = _terms("rotating responsible")
_GROUP = _terms("group as responsible")
_SYSTEM = re.compile(f"{_alternation('machine actor')}|{_alternation('platform actor')}")
_BRACKET = re.compile(r"\s*[(\[].*$", re.S)  # '(beheer: ...)': who runs it, not who is responsible
_GAP = r"(?:[^\w.!?;:,]+[\w'-]+){0,4}?[^\w.!?;:,]+"  # up to four words, no clause punctuation
# after a system noun no 'and' either: in 'advisers see it in a dashboard and decide' the dashboard is
# not the subject of 'decide' (after 'automatically' it is: 'automatically warns and blocks')
_SUBJECT_GAP = r"(?:[^\w.!?;:,]+(?!(?:en|and|or|but|maar)\b)[\w'-]+){0,4}?[^\w.!?;:,]+"
_ACTOR_BEFORE = re.compile(
    f"(?:{_alternation('machine actor')}{_SUBJECT_GAP}|{_alternation('automatic')}{_GAP}"
    f"|{_alternation('platform actor')}\\W+(?:{_alternation('automatic')}\\W+)?)$"
)
# after the decision word: 'automatically', or a passive's agent ('enrolled by the system')
# ('assigned to groups automatically'); at most two words between, so that in 'enrolled students are
# included automatically' the adjective 'enrolled' is not read as a decision taken automatically
_SHORT_GAP = r"(?:[^\w.!?;:,]+[\w'-]+){0,2}?[^\w.!?;:,]+"
_AUTOMATIC_AFTER = re.compile(
    _SHORT_GAP
    + f"(?:{_alternation('automatic')}|(?:by|door)\\W+(?:(?:the|het|de|an?|een)\\W+)?{_alternation('machine actor')})"
)
_NEAR = 60  # characters
_ABOUT_STUDENTS = _terms("about students")
_NEGATOR = NEGATOR  # assistant.terms: the negators of general.yaml, compiled once
_NEXT_WORD = re.compile(r"\W*([\w']+)")
# a clause ends at these marks, but not at a decimal point or comma inside a number ('boven 0,5 worden ...')
_CLAUSE = re.compile(r"(?:[^.!?;:,\n]|(?<=\d)[.,](?=\d))+")
_ANY_BOUNDARY = re.compile(r"(?:[.!?;:,\n])(?!(?<=\d[.,])\d)")
_SENTENCE_BOUNDARY = re.compile(r"(?:[.!?;\n])(?!(?<=\d\.)\d)")
# a clause that starts with a passive's auxiliary ('..., worden automatisch uitgeschreven'): the subject is
# in the clause before the comma ('Studenten die onder de 80% zakken, ...'), which is read with it
_PASSIVE_START = re.compile(r"\s*(?:worden|wordt|werden|werd|are|is|were|was|get|gets|zijn)\b")
_CLAUSE_BEFORE_COMMA = re.compile(r"[^.!?;:\n]+")
_MODEL_PERFORMANCE = _terms("model performance")
_THIN_VALIDATION = _terms("thin validation")
_WAIVED = _terms("validation waived")
_CHECKED_BY = re.compile(
    r"(?:validated|gevalideerd|checked|gecontroleerd|tested|getest|verified|geverifieerd)\s+(?:by|door)\b"
)
_THIN_RESPONSIBLE = _terms("thin responsible")
# 'nobody' as who does something ('nobody looks at it', 'er kijkt niemand naar'), not 'nobody but the tutor
# sees it' or 'nobody other than ...' (which names who does): policy 3.1 Human in the loop
_NOBODY_DOES = re.compile(
    r"\b(?:nobody|no one|no-one|niemand|geen mens|no human)\b"
    r"(?!\W+(?:anders|behalve|buiten|except|but|other|besides|apart|dan|than|else)\b)"
)


@lru_cache(maxsize=1024)
def _no_human(text: str) -> bool:
    """Blank, only 'nobody' (or opening with it: 'Geen; het systeem plaatst ...'), or 'no human involved'."""
    norm = fold(text)
    first = _CLAUSE.match(norm)
    return (
        is_blank(text)
        or bool(_NOBODY_ANSWER.fullmatch(norm))
        or bool(first and _NOBODY_ANSWER.fullmatch(first.group(0).strip()))
        or first_unnegated(_NOBODY_INVOLVED, norm) is not None
        or _NOBODY_DOES.search(norm) is not None
    )


@lru_cache(maxsize=1024)
def _automatic_message(text: str) -> str | None:
    """The words in which `text` (a human_in_the_loop answer) says a message goes out automatically
    ('stuurt automatisch een waarschuwingsmail'), unless it describes a decision taken by a system, which
    `human_in_the_loop.automated` reports as a blocker; None when it says neither."""
    norm = fold(text)
    if first_unnegated(_AUTOMATED, norm) or _machine_decision(norm):
        return None
    m = first_unnegated(_AUTO_MESSAGE, norm)
    return m.group(0) if m else None


@lru_cache(maxsize=1024)
def _no_role(text: str, students: bool = True) -> bool:
    """No person or role in `text`; students count only when `students` (not in area 4b, where the
    decision is about them)."""
    norm = fold(text)
    return not (_ROLE.search(norm) or (students and _STUDENT.search(norm)))


def _clause_start(norm: str, start: int, boundary: re.Pattern) -> int:
    """The index after the last `boundary` mark before `start`, looked for in the 400 characters before it
    (a clause is never longer; where it is, the clause is read from 400 characters back)."""
    last = max(0, start - 400)
    for m in boundary.finditer(norm, last, start):
        last = m.end()
    return last


def _machine_decision(norm: str) -> str | None:
    """The words in which a system decides about students (in a clause that names students or what
    happens to them), not negated; None when there are none."""
    for m_start, m_end in _decisions(norm):
        before = _ACTOR_BEFORE.search(norm, max(0, m_start - _NEAR), m_start)
        after = None if before else _AUTOMATIC_AFTER.match(norm, m_end, m_end + _NEAR)
        if not (before or after):
            continue
        start, end = (before.start(), m_end) if before else (m_start, after.end())
        clause = _CLAUSE.match(norm, _clause_start(norm, start, _ANY_BOUNDARY))
        if clause and _PASSIVE_START.match(clause.group(0)):  # its subject ends the clause before
            clause = _CLAUSE_BEFORE_COMMA.search(norm, _clause_start(norm, start, _SENTENCE_BOUNDARY), end)
        next_word = _NEXT_WORD.match(norm, end)
        inner = _NEGATOR.search(norm, start, m_start if before else end)
        if (
            inner
            and before
            and not norm[inner.end() : m_start].strip()
            and _AUTOMATIC.match(norm, before.start())
        ):
            # 'automatisch niet ingeschreven': after 'automatically' the negated decision word is the decision
            # to exclude ('the model never decides' stays negated: there the negator is the actor's)
            inner = None
        at = _clause_start(norm, start, _ANY_BOUNDARY)  # a negator before it counts in its own clause only
        negated = (  # a negator inside the decision words ('not admitted') is the decision itself
            inner
            or is_negated(norm[at:], start - at)
            or (next_word and _NEGATOR.fullmatch(next_word.group(1)))
        )
        if clause and _ABOUT_STUDENTS.search(clause.group(0)) and not negated:
            return norm[start:end]
    return None


# ---------------------------------------------------------------- human in the loop


@_rule("human_in_the_loop.missing", "human_in_the_loop", "major")
def _human_missing(d: Draft, c: Context) -> Iterator[Hit]:
    if c.area4b:
        return
    if _no_human(d.human_in_the_loop):
        yield hit("human_in_the_loop")
    elif _no_role(d.human_in_the_loop):
        yield hit("human_in_the_loop", "message_no_role", text=d.human_in_the_loop)
    elif _no_role(d.human_in_the_loop, students=False) and (auto := _automatic_message(d.human_in_the_loop)):
        # the answer describes a message that goes out automatically; the students it names receive it,
        # they are not the person who interprets the results and decides (3.1 Human in the loop)
        yield hit("human_in_the_loop", "message_automatic", text=auto)


@_rule("human_in_the_loop.area4b", "human_in_the_loop", "blocker")
def _human_4b(d: Draft, c: Context) -> Iterator[Hit]:
    if c.area4b and (_no_human(d.human_in_the_loop) or _no_role(d.human_in_the_loop, students=False)):
        yield hit("human_in_the_loop")


@_rule("human_in_the_loop.automated", "human_in_the_loop", "blocker")
def _automated(d: Draft, c: Context) -> Iterator[Hit]:
    m = first_unnegated(_AUTOMATED, c.narrative)
    text = m.group(0) if m else _machine_decision(c.narrative)
    if text is None and (c.area4b or c.ai_used):
        m = first_unnegated(_AUTO_MESSAGE, c.narrative)
        text = m.group(0) if m else None
    if text:
        yield hit("human_in_the_loop", text=text)


# ---------------------------------------------------------------- balancing, reliability, accountability


@_rule("fair_balancing.missing", "fair_balancing", "major")
def _balancing(d: Draft, c: Context) -> Iterator[Hit]:
    if is_blank(d.interests_weighed):
        yield hit("interests_weighed")


@_rule("fair_balancing.waived", "fair_balancing", "major")
def _balancing_waived(d: Draft, c: Context) -> Iterator[Hit]:
    """A weighing of interests declared unnecessary or self-evident ('obviously in the students' interest,
    so a formal weighing is unnecessary'): the policy asks that the interests of all involved are
    carefully weighed (3.1 Eerlijke afweging), which such an answer says is not done."""
    if not is_blank(d.interests_weighed) and (
        m := first_unnegated(_WEIGHING_WAIVED, fold(d.interests_weighed))
    ):
        yield hit("interests_weighed", term=m.group(0))


@_rule("reliable_analyses.missing", "reliable_analyses", "major")
def _validation(d: Draft, c: Context) -> Iterator[Hit]:
    if is_blank(d.analysis_validation):
        yield hit("analysis_validation")


@_rule("reliable_analyses.thin", "reliable_analyses", "major")
def _validation_thin(d: Draft, c: Context) -> Iterator[Hit]:
    if not is_blank(d.analysis_validation) and is_thin(d.analysis_validation, _THIN_VALIDATION):
        yield hit("analysis_validation", text=d.analysis_validation)


@_rule("reliable_analyses.waived", "reliable_analyses", "major")
def _validation_waived(d: Draft, c: Context) -> Iterator[Hit]:
    """A validation that says no check is done, or leaves it to a supplier's word ('the vendor
    guarantees the accuracy, so no separate check is needed') or to the supplier's own check ('validated by
    Grasple's data science team': a party the draft names as its data source or a vendor): the policy asks
    that the analyses are checked by people with the means and expertise to do so."""
    if is_blank(d.analysis_validation):
        return
    norm = fold(d.analysis_validation)
    if m := _WAIVED.search(norm):
        yield hit("analysis_validation", term=m.group(0))
    elif m := _CHECKED_BY.search(norm):  # 'validated by Grasple's data science team': the supplier itself
        party = " ".join(norm[m.end() :].split()[:2])  # who checks: the two words right after 'by'
        vendor = v.group(0) if (v := _OUTSOURCED.search(party)) else _source_named(d, party)
        if vendor:
            yield hit("analysis_validation", term=f"{m.group(0)} {vendor}")


@_rule("reliable_analyses.ai_performance", "reliable_analyses", "minor")
def _validation_ai(d: Draft, c: Context) -> Iterator[Hit]:
    if (
        c.ai_used
        and not is_blank(d.analysis_validation)
        and not _MODEL_PERFORMANCE.search(fold(d.analysis_validation))
    ):
        yield hit("analysis_validation")


@_rule("accountability.missing", "accountability", "major")
def _responsible(d: Draft, c: Context) -> Iterator[Hit]:
    if is_blank(d.responsible):
        yield hit("responsible")


@_rule("accountability.outsourced", "accountability", "major")
def _responsible_outsourced(d: Draft, c: Context) -> Iterator[Hit]:
    """The responsible is a vendor or an external party and no UU role is named beside it ('ligt bij de
    leverancier, conform de licentieovereenkomst'): the policy says the university is responsible and
    liable (3.1 Verantwoordelijkheid)."""
    if is_blank(d.responsible):
        return
    norm = fold(d.responsible)
    if (m := first_unnegated(_OUTSOURCED, norm)) and not _ROLE.search(_OUTSOURCED.sub(" ", norm)):
        yield hit("responsible", term=m.group(0))
    elif (m := _company_first(norm)) is not None:
        yield hit("responsible", term=m)
    elif (system := _source_named(d, norm)) and not _ROLE.search(norm):
        yield hit("responsible", term=system)


def _company_first(norm: str) -> str | None:
    """The company or external role a folded responsible opens with, or None: a company's legal form
    ('leerdata advies b.v. (externe projectleider)') with no role named before it, or an 'external' word
    right before a role ('externe projectleider'), whose roles are then that party's, not the university's
    ('feedbackfruits b.v., customer success manager for utrecht university')."""
    if (m := _LEGAL_FORM.search(norm)) and not _ROLE.search(norm, 0, m.start()):
        return norm[: m.end()].strip()
    for m in _EXTERNAL.finditer(norm):
        # a role among the three words after it ('external data officer'), in the same clause
        after = _WORDS_AFTER.match(norm, m.end())
        if after and (role := _ROLE.search(after.group(0))) and not _ROLE.search(norm, 0, m.start()):
            return norm[m.start() : after.start() + role.end()]
    return None


def _source_named(d: Draft, norm: str) -> str | None:
    """The first data source of `d` (a system or vendor: 'Perusall', 'Brightspace') the folded
    responsible `norm` names as a whole word, or None: a platform is not a party that can be held to
    account."""
    for item in d.data:
        name = fold(item.source or "").strip()
        if len(name) >= 3 and re.search(rf"(?<!\w){re.escape(name)}(?!\w)", norm):
            return item.source.strip()
    return None


@_rule("accountability.system", "accountability", "major")
def _responsible_system(d: Draft, c: Context) -> Iterator[Hit]:
    """The responsible is a system or platform ('Het facultaire Power BI-platform (beheer: ...)') and names no
    person or role outside a bracket: a system cannot be held to account (3.1 Verantwoordelijkheid)."""
    if is_blank(d.responsible):
        return
    head = _BRACKET.sub("", fold(d.responsible))
    if (
        (m := _SYSTEM.search(head))
        and not _ROLE.search(_SYSTEM.sub(" ", head))
        and not _source_named(d, head)
    ):
        yield hit("responsible", term=m.group(0))


@_rule("accountability.group", "accountability", "major")
def _responsible_group(d: Draft, c: Context) -> Iterator[Hit]:
    """The responsible is a team or working group with no person or role who heads it ('Het datateam van
    Onderwijsondersteuning Geesteswetenschappen'): nobody the university can hold to account (3.1
    Verantwoordelijkheid)."""
    if is_blank(d.responsible):
        return
    norm = fold(d.responsible)
    if (m := _GROUP.search(norm)) and not _ROLE.search(_GROUP.sub(" ", norm)):
        yield hit("responsible", term=m.group(0))


@_rule("accountability.rotating", "accountability", "major")
def _responsible_rotating(d: Draft, c: Context) -> Iterator[Hit]:
    """A responsible whose membership changes ('the core team, membership rotates each semester'): nobody
    who can be held to account over the project's life (3.1 Verantwoordelijkheid)."""
    if not is_blank(d.responsible) and (m := first_unnegated(_ROTATING, fold(d.responsible))):
        yield hit("responsible", term=m.group(0))


@_rule("accountability.thin", "accountability", "major")
def _responsible_thin(d: Draft, c: Context) -> Iterator[Hit]:
    """'me', 'wij', 'the university': nobody who can be held to account for this project."""
    if not is_blank(d.responsible) and is_thin(d.responsible, _THIN_RESPONSIBLE):
        yield hit("responsible", text=d.responsible)
