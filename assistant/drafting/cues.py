"""The deterministic drafter's cue words, compiled from `assistant/data/lexicons/drafting.yaml`.

Every word list is data (the lexicon file names each group's source); this module compiles the
groups with `assistant.lexicon.compile_terms` and builds the few structural patterns that find who
receives the insight (`receivers`). All patterns match `assistant.text.fold`ed text.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from assistant.lexicon import Matcher, compile_terms, load_lexicon
from assistant.terms import is_negated

__all__ = [
    "ETHICS_APPROVED",
    "ETHICS_COMMITTEE",
    "ETHICS_PENDING",
    "ROLES",
    "Tiers",
    "GROUP_CUES",
    "AUDIENCE_CUES",
    "ROLE_WORDS",
    "PERCEIVE",
    "FACTORS",
    "INDIVIDUALS",
    "RESEARCH",
    "IMPLEMENTATION",
    "PURPOSE",
    "DECIDES",
    "FIELD_CUES",
    "PURPOSE_MARKER",
    "PURPOSE_LEAD",
    "AI_TASKS",
    "PROJECT_NAME",
    "ARTIFACT",
    "TITLE_STOP",
    "PERCEIVE_NOUNS",
    "count_distinct",
    "found",
    "purpose_clauses",
    "links",
    "receivers",
]

ROLES = ("students", "teachers", "advisors", "directors")
"""Who can receive the insight, in the order of section 2 (the keys of `AUDIENCE_CUES`)."""

_LEXICON = load_lexicon("drafting").groups


def _terms(group: str) -> tuple[str, ...]:
    return _LEXICON[group].terms


def _compiled(group: str) -> re.Pattern:
    """The terms of one lexicon group as one alternation (`assistant.lexicon.compile_terms`)."""
    return compile_terms(_terms(group))


class Tiers(NamedTuple):
    """Cues of one kind in two strengths: `strong` cues count fully, `weak` ones less."""

    strong: re.Pattern
    weak: re.Pattern


GROUP_CUES: dict[int, Tiers] = {
    n: Tiers(_compiled(f"group{n}"), _compiled(f"group{n}_weak")) for n in (1, 2, 3, 4)
}
"""Per group of areas (section 2: when and at what level the insight is used): strong and weak cues."""

AUDIENCE_CUES: dict[str, Tiers] = {
    role: Tiers(_compiled(f"receiver_{role}"), _compiled(f"mention_{role}")) for role in ROLES
}
"""Per role: phrasing that makes the role the receiver (strong), and a plain mention (weak)."""

ROLE_WORDS: dict[str, re.Pattern] = {role: _compiled(f"role_{role}") for role in (*ROLES, "speaker")}
"""Per role, the words that name it; `speaker` is the writer ('ik', 'I')."""

PERCEIVE = _compiled("perceive")
"""Seeing, getting or knowing: links the role before it (or, inverted, after it) to the insight."""
FACTORS = _compiled("factors")
"""Area 4a: which factors relate to progress and drop-out."""
INDIVIDUALS = _compiled("individuals")
"""Area 4b: which individual students need attention."""
RESEARCH = _compiled("research")
"""Research-project cues; more of these than `IMPLEMENTATION` cues guesses project type research."""
IMPLEMENTATION = _compiled("implementation")
"""Lasting-use cues (implementation projects, policy 3.2)."""
PURPOSE = _compiled("purpose")
"""A sentence with one of these states a purpose (purpose limitation, policy 3.2)."""
DECIDES = _compiled("decides")
"""A person interprets, decides or acts (human in the loop, policy 3.1)."""

PURPOSE_MARKER = _compiled("purpose_marker")
"""Where a purpose starts in a sentence (the skeleton's `purposes` items, policy 3.2 Doelbinding)."""
PURPOSE_LEAD = _compiled("purpose_lead")
"""Leading words of a purpose clause ('so that *they can* ...') that are left out of the item."""
AI_TASKS = _compiled("ai_tasks")
"""What an AI system does (AI Act Art. 3(1)): prediction, classification, clustering, generation."""
AI_LIKELIHOOD, AI_OUTCOME = _compiled("ai_likelihood"), _compiled("ai_outcome")
AI_LIKENESS, AI_COHORT = _compiled("ai_likeness"), _compiled("ai_cohort")
AI_GROUPING = _compiled("ai_grouping")
STATES: dict[str, re.Pattern] = {
    name: _compiled(f"states_{name}") for name in ("retention", "necessity", "validation", "responsible")
}
"""Per draft field, the words of a sentence that addresses it (copied verbatim into the skeleton)."""
PROJECT_NAME = _compiled("project_name")
"""'called X', 'genaamd X': the words after it name the project."""
ARTIFACT = _compiled("artifact")
"""What a project builds to give insight (dashboard, overview, portfolio ...): the head of a title."""
WANTED = _compiled("wanted object")
"""'we want a ...', 'we willen ... een ...': the noun phrase after it names what the project builds."""
TITLE_STOP = _compiled("title_stop")
"""A title ends before one of these words after its head ('dashboard | shows ...')."""
PERCEIVE_NOUNS = _compiled("perceive_nouns")
"""Perceive words that name a thing ('overview', 'lijst'): no 'what they see' follows them."""

ETHICS_COMMITTEE = _compiled("ethics_committee")
"""The ethics committee that reviews research with people (the policy's FETC)."""
ETHICS_APPROVED = _compiled("ethics_approved")
"""Its approval, in the same sentence as the committee: `ethics_approval` is filled."""
ETHICS_PENDING = _compiled("ethics_pending")
"""Approval asked for or awaited in that sentence: not given yet."""

FIELD_CUES = Matcher(
    {g: _terms(g) for g in ("informed_consent", "consent_basis", "public_interest", "privacy_statement")}
)
"""Phrases copied into draft fields. One pass, matches never overlap: 'informed consent as legal basis'
is informed consent, not consent as the legal basis."""


def found(pattern: re.Pattern, folded: str) -> list[re.Match]:
    """The matches of `pattern` in `folded` text that no negator precedes (`assistant.terms.is_negated`:
    'geen voorspellend model', 'no predictions' are not a cue)."""
    return [m for m in pattern.finditer(folded) if not is_negated(folded, m.start())]


def infers(folded: str) -> str:
    """The words of a `fold`ed sentence that describe inference about students without naming an AI
    technique (AI Act Art. 3(1)): a likelihood with an outcome of area 4 ('likely to drop out', 'de kans
    dat een student vertraging oploopt'), likeness to earlier cohorts ('looks like the students who
    withdrew in earlier years'), or sorting students into groups; '' when none (negated cues do not count)."""
    for first, second in ((AI_LIKELIHOOD, AI_OUTCOME), (AI_LIKENESS, AI_COHORT)):
        if (a := found(first, folded)) and found(second, folded):
            return a[0].group(0)
    hits = found(AI_GROUPING, folded)
    return hits[0].group(0) if hits else ""


_PURPOSE_END = re.compile(r"[;:()]|,\s(?:and|en|but|maar|while|terwijl)\s|\.(?:\s|$)")


# English 'so' as a purpose conjunction before any subject: ', so the teaching team can ...' (the
# lexicon's 'so they can', 'so we can' name only pronouns); the subject and modal start the purpose.
_SO_MODAL = re.compile(r"(?:^|[,;]\s*|\s)(so)\s+(?=(?:(?!so\b)[\w'-]+\s+){1,4}?(?:can|could|will|may)\b)")


# English 'to' + a verb with its object after it ('use it to judge whether ...', 'to see which variables
# ...', 'to get students thinking'): an infinitive of purpose the lexicon's fixed 'to help', 'to improve'
# do not list. The verb is a word that does not end like a noun or plural and is followed by what starts
# an object (an article, possessive, wh-word or pronoun); 'logins to the VLE', 'sent to advisers who' do
# not match.
_TO_VERB = re.compile(
    r"(?<![\w-])to\s+(?!(?:the|a|an|be|do|have|its|their|his|her|our|this|that|date|day)\b)"
    r"(?![a-z]*(?:ing|ion|ment|ness|ity|(?<!s)s)\b)[a-z]{3,}"
    r"(?=\s+(?:the|a|an|which|whether|what|how|who|when|where|why|if|their|his|her|its|our|my|your|them|him|"
    r"us|it|this|that|these|those|each|every|all|students?|learners?|teachers?|staff|tutors?)\b)"
)


def _markers(folded: str) -> list[re.Match]:
    found = list(PURPOSE_MARKER.finditer(folded))
    taken = [(m.start(), m.end()) for m in found]
    found += [m for m in _SO_MODAL.finditer(folded) if not any(a <= m.start(1) < b for a, b in taken)]
    taken = [(m.start(), m.end()) for m in found]
    found += [m for m in _TO_VERB.finditer(folded) if not any(a <= m.start() < b for a, b in taken)]
    return sorted(found, key=lambda m: m.start())


def purpose_clauses(folded: str) -> list[tuple[int, int]]:
    """The spans of `folded` text that state a purpose: from the end of a purpose marker ('zodat', 'om ...
    te', 'so that', 'in order to', 'the aim is to' ..., and 'so' before a subject and 'can / could /
    will / may', and 'to' with a verb and its object, `_TO_VERB`; the verb of 'to improve' included) to the
    end of its clause or the next marker."""
    out = []
    for m in _markers(folded):
        rest = folded[m.end() :]
        end = _PURPOSE_END.search(rest)
        clause = rest[: end.start()] if end else rest
        nxt = PURPOSE_MARKER.search(clause)
        if nxt and nxt.start() > 0:
            clause = clause[: nxt.start()]
        if m.group(0) == "om" and " te " not in f" {clause} ":
            continue  # 'het gaat om ...' is no purpose; 'om ... te <verb>' is
        # 'to <verb>' markers ('to improve'): the verb belongs to the purpose
        start = m.start() + 3 if m.group(0).startswith("to ") else m.end()
        if clause.strip():
            out.append((start, m.end() + len(clause)))
    return out


def count_distinct(pattern: re.Pattern, folded: str, cap: int = 4, *, negation: bool = True) -> int:
    """How many different strings `pattern` finds in `folded`, at most `cap` (repeating a cue, or
    naming many of one kind, adds little evidence); with `negation`, negated mentions are left out."""
    hits = found(pattern, folded) if negation else list(pattern.finditer(folded))
    return min(len({m.group(0) for m in hits}), cap)


# --------------------------------------------------------------------------- receivers


# Structural patterns around function words; each word list is a lexicon group, embedded as its
# alternation (no capture groups).
_DETERMINER = rf"(?:(?:{_compiled('determiners').pattern})\s)"
_ROLE_AHEAD = "|".join(p.pattern for role, p in ROLE_WORDS.items() if role != "speaker")
# A role word whose preceding text ends with one of these is an object or a qualifier ('per student').
_NOT_SUBJECT = re.compile(rf"(?:^|\s)(?:{_compiled('not_subject_before').pattern})\s$")
# Clause boundaries: punctuation, or a conjunction not followed by a role word ('students and teachers').
_CLAUSE = re.compile(
    rf"[.;:!?,()]|\s(?:{_compiled('clause_joiners').pattern})\s(?!{_DETERMINER}?(?:{_ROLE_AHEAD}))"
)
# The words after a perceive word, past a determiner ('zien de docenten', 'went back to the course
# teachers'): the first of at most three that names a role is the receiver.
_AFTER_VERB = re.compile(rf"^\s{_DETERMINER}?(\S+)(?:\s(\S+))?(?:\s(\S+))?")
# A word after a perceive word that ends the search for its receiver ('see where students stop').
_NOT_RECEIVER_AFTER = _compiled("not_receiver_after")
# 'als / as (a) <word>': the role the writer speaks as.
_SPEAKER_ROLE = re.compile(rf"(?:{_compiled('as_role').pattern})\s{_DETERMINER}?(\S+)")


def _role_of(word: str, roles: tuple[str, ...]) -> str | None:
    word = word.strip(",.")
    return next((role for role in roles if ROLE_WORDS[role].fullmatch(word)), None)


def _clauses(folded: str) -> list[tuple[int, str]]:
    """The clauses of `folded` text with their start offsets (split at `_CLAUSE` boundaries)."""
    out, start = [], 0
    for m in _CLAUSE.finditer(folded):
        out.append((start, folded[start : m.start()]))
        start = m.end()
    out.append((start, folded[start:]))
    return [(n, c) for n, c in out if c]


def links(folded: str) -> list[tuple[str, int, int]]:
    """Who sees what: per perceive word of `folded` text that has a receiver, (role, start, end of the
    perceive word). Per clause, the nearest role word before the perceive word is its receiver; with
    none before it, a role word among the three words after it (Dutch inversion 'zien studenten',
    'ziet de docent'; 'fed back to the course team'). Roles are those of `ROLE_WORDS`, 'speaker' too."""
    out = []
    for offset, clause in _clauses(folded):
        roles = sorted(
            (m.start(), m.end(), role)
            for role, words in ROLE_WORDS.items()
            for m in words.finditer(clause)
            if not _NOT_SUBJECT.search(clause[max(0, m.start() - 14) : m.start()])
        )
        if not roles:
            continue
        for verb in PERCEIVE.finditer(clause):
            before = [r for r in roles if r[1] <= verb.start()]
            role = before[-1][2] if before else None
            if role is None:
                nxt = _AFTER_VERB.match(clause[verb.end() :])
                for word in [w for w in (nxt.groups() if nxt else ()) if w]:
                    if _NOT_RECEIVER_AFTER.fullmatch(word.strip(",.")):
                        break
                    if role := _role_of(word, tuple(ROLE_WORDS)):
                        break
            if role:
                out.append((role, offset + verb.start(), offset + verb.end()))
    return out


def speaker_role(folded: str) -> str:
    """The role of the writer of a text written as 'ik' / 'I': the role named after 'als' / 'as' ('als
    onderwijsdirecteur wil ik ...'), else teachers (who write most first-person LA ideas)."""
    return next((r for m in _SPEAKER_ROLE.finditer(folded) if (r := _role_of(m.group(1), ROLES))), "teachers")


def receivers(folded: str) -> dict[str, float]:
    """Per role of `ROLES`, how often it is the one who sees / gets / knows something in `folded` text
    (`links`). A text written as 'ik' adds 0.5 to the role named after 'als / as' ('als
    onderwijsdirecteur wil ik ...'), else to teachers; the speaker's own links count for nobody else."""
    out = dict.fromkeys(ROLE_WORDS, 0.0)
    for role, _, _ in links(folded):
        out[role] += 1
    out.pop("speaker")
    if ROLE_WORDS["speaker"].search(folded):
        out[speaker_role(folded)] += 0.5
    return out
