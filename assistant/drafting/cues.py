"""The deterministic drafter's cue words, compiled from `assistant/data/lexicons/drafting.yaml`.

Every word list is data (the lexicon file names each group's source); this module compiles the
groups with `assistant.lexicon.compile_terms` and builds the few structural patterns that find who
receives the insight (`receivers`). All patterns match `assistant.text.fold`ed text.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from assistant.lexicon import Matcher, compile_terms, load_lexicon

__all__ = [
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
    "count_distinct",
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

FIELD_CUES = Matcher(
    {g: _terms(g) for g in ("informed_consent", "consent_basis", "public_interest", "privacy_statement")}
)
"""Phrases copied into draft fields. One pass, matches never overlap: 'informed consent as legal basis'
is informed consent, not consent as the legal basis."""


def count_distinct(pattern: re.Pattern, folded: str, cap: int = 4) -> int:
    """How many different strings `pattern` finds in `folded`, at most `cap` (repeating a cue, or
    naming many of one kind, adds little evidence)."""
    return min(len(set(pattern.findall(folded))), cap)


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
# The word after a perceive word, past a determiner ('zien de docenten').
_AFTER_VERB = re.compile(rf"^\s{_DETERMINER}?(\S+)")
# 'als / as (a) <word>': the role the writer speaks as.
_SPEAKER_ROLE = re.compile(rf"(?:{_compiled('as_role').pattern})\s{_DETERMINER}?(\S+)")


def _role_of(word: str, roles: tuple[str, ...]) -> str | None:
    word = word.strip(",.")
    return next((role for role in roles if ROLE_WORDS[role].fullmatch(word)), None)


def receivers(folded: str) -> dict[str, float]:
    """Per role of `ROLES`, how often it is the one who sees / gets / knows something in `folded` text.

    Per clause, the nearest role word before a perceive word counts 1 (after it only in Dutch
    inversion: 'zien studenten', 'ziet de docent'). A text written as 'ik' adds 0.5 to the role named
    after 'als / as' ('als onderwijsdirecteur wil ik ...'), else to teachers.
    """
    out = dict.fromkeys(ROLE_WORDS, 0.0)  # the speaker takes part: 'ik zie' is nobody else's view
    for clause in _CLAUSE.split(folded):
        if not clause:
            continue
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
            if before:
                out[before[-1][2]] += 1
                continue
            nxt = _AFTER_VERB.match(clause[verb.end() :])
            role = _role_of(nxt.group(1), tuple(ROLE_WORDS)) if nxt else None
            if role:
                out[role] += 1
    out.pop("speaker")
    if ROLE_WORDS["speaker"].search(folded):
        named = next(
            (r for m in _SPEAKER_ROLE.finditer(folded) if (r := _role_of(m.group(1), ROLES))), "teachers"
        )
        out[named] += 0.5
    return out
