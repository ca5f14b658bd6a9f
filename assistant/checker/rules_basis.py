"""Rules on the project type, the lawful basis and informed consent (3.2 Privacy-principes >
Rechtmatige grondslag). The basis depends on the type of project; when the draft does not give its
type, it is asked for and the rules of both types run (nothing is assumed): a rule of one type then
says it applies 'if this is' such a project, and research rules act on what the draft states."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from assistant.checker.registry import Context, Hit, Rule, checker_terms, first_unnegated, hit, registrar
from assistant.lexicon import compile_terms, load_lexicon
from assistant.policy import TOPICS
from assistant.proposal import Draft

__all__ = ["RULES"]

RULES: list[Rule] = []
_rule = registrar(RULES)

_IMPL_REF = TOPICS["legal_basis_implementation"].ref
_RESEARCH_REF = TOPICS["legal_basis_research"].ref
_CONSENT_REASON = compile_terms(checker_terms("consent reason"))
_IMPLIED_CONSENT = compile_terms(checker_terms("implied consent"))
_NOT_FREE = compile_terms(checker_terms("not free"))
_CONSENT_WORD = compile_terms(checker_terms("consent word"))
# the drafter's words for the project types (lexicons/drafting.yaml: research, implementation)
_RESEARCH_WORDS = compile_terms(load_lexicon("drafting").groups["research"].terms)
_LASTING_WORDS = compile_terms(load_lexicon("drafting").groups["implementation"].terms)


def _described_research(c: Context) -> str | None:
    """With no project type given: the first research word of the draft's text when it holds more
    distinct research words than lasting-use words (the drafter's guess, `drafting.fields`), else None."""
    return None if c.type_known else _research_word(c.narrative)


@lru_cache(maxsize=512)
def _research_word(narrative: str) -> str | None:  # two rules ask it of the same draft
    research = {m.group(0) for m in _RESEARCH_WORDS.finditer(narrative)}
    lasting = {m.group(0) for m in _LASTING_WORDS.finditer(narrative)}
    return sorted(research)[0] if len(research) > len(lasting) else None


def _if(c: Context, message: str = "message") -> str:
    """The message key: `message`, or `message_unknown_type` when the project type is not given."""
    return message if c.type_known else f"{message}_unknown_type"


# ---------------------------------------------------------------- project type and lawful basis


@_rule("legal_basis.project_type", "legal_basis", "major")
def _project_type(d: Draft, c: Context) -> Iterator[Hit]:
    if not c.type_known:
        yield hit("project_type")


@_rule("legal_basis.not_in_policy", "legal_basis", "blocker")
def _basis_not_in_policy(d: Draft, c: Context) -> Iterator[Hit]:
    """A lawful basis the policy does not name (another GDPR Art. 6(1) basis, e.g. legitimate interest)."""
    if given := d.set_aside.get("legal_basis"):
        yield hit("legal_basis", given=given)


@_rule("legal_basis.missing", "legal_basis", "blocker")
def _basis_missing(d: Draft, c: Context) -> Iterator[Hit]:
    if d.legal_basis is None and "legal_basis" not in d.set_aside:
        fix = "fix_unknown_type" if not c.type_known else "fix_research" if c.research else "fix"
        yield hit("legal_basis", fix=fix)


@_rule("legal_basis.implementation_consent", "legal_basis", "blocker", _IMPL_REF)
def _basis_implementation(d: Draft, c: Context) -> Iterator[Hit]:
    if c.implementation and d.legal_basis not in (None, "public_interest"):
        yield hit("legal_basis", _if(c), basis=d.legal_basis)


@_rule("legal_basis.consent_reason", "legal_basis", "minor", _RESEARCH_REF)
def _basis_consent(d: Draft, c: Context) -> Iterator[Hit]:
    if c.research and d.legal_basis == "consent" and not _CONSENT_REASON.search(c.narrative):
        yield hit("legal_basis")


# ---------------------------------------------------------------- informed consent and ethics review


@_rule("informed_consent.refused", "informed_consent", "blocker")
def _consent_refused(d: Draft, c: Context) -> Iterator[Hit]:
    if c.research and d.informed_consent is False:
        yield hit("informed_consent", _if(c))


@_rule("informed_consent.unknown", "informed_consent", "major")
def _consent_unknown(d: Draft, c: Context) -> Iterator[Hit]:
    if d.project_type == "research" and d.informed_consent is None:
        yield hit("informed_consent")
    elif d.informed_consent is None and (term := _described_research(c)):
        yield hit("informed_consent", "message_described", term=term)


@_rule("informed_consent.implied", "informed_consent", "blocker")
def _consent_implied(d: Draft, c: Context) -> Iterator[Hit]:
    """Research whose participants take part by enrolling or by not objecting: that is no informed
    consent, whatever `informed_consent` says (GDPR Art. 4(11): an unambiguous, affirmative act)."""
    if c.research and (m := first_unnegated(_IMPLIED_CONSENT, c.narrative)):
        yield hit("informed_consent", term=m.group(0))


@_rule("informed_consent.not_free", "informed_consent", "major")
def _consent_not_free(d: Draft, c: Context) -> Iterator[Hit]:
    """Consent bought with grades or made compulsory ('students who sign the consent form receive 0.5
    bonus point'): in one sentence of the narrative a consent word and a reward or compulsion. Consent must
    be freely given (GDPR Art. 4(11), 7(4)); informed consent for research is no exception (3.2)."""
    if term := _unfree_consent(c):
        yield hit("informed_consent", term=term)


def _unfree_consent(c: Context) -> str | None:
    """The reward or compulsion of the first narrative sentence that ties it to consent, or None."""
    if not _NOT_FREE.search(c.narrative):
        return None
    for sentence in c.narrative.split(" . "):
        if _CONSENT_WORD.search(sentence) and (m := first_unnegated(_NOT_FREE, sentence)):
            return m.group(0)
    return None


@_rule("legal_basis.consent_not_free", "legal_basis", "major")
def _basis_not_free(d: Draft, c: Context) -> Iterator[Hit]:
    """The lawful basis is consent, and the draft buys or compels it ('0.5 bonus point for those who sign'):
    consent that is not freely given is no valid consent (GDPR Art. 4(11), 7(4), recital 43), so the
    processing has no lawful basis (3.2 Rechtmatige grondslag)."""
    if d.legal_basis == "consent" and (term := _unfree_consent(c)):
        yield hit("legal_basis", term=term)


@_rule("informed_consent.ethics", "informed_consent", "major")
def _ethics(d: Draft, c: Context) -> Iterator[Hit]:
    if d.project_type == "research" and d.ethics_approval is not True:
        yield hit("ethics_approval", "message_refused" if d.ethics_approval is False else "message")
    elif not c.type_known and d.ethics_approval is False:
        yield hit("ethics_approval", "message_unknown_type")


@_rule("informed_consent.if_research", "informed_consent", "minor")
def _if_research(d: Draft, c: Context) -> Iterator[Hit]:
    """The type is not given and the draft leaves consent or ethics review open: what research needs."""
    if not c.type_known and d.informed_consent is not None and d.ethics_approval is None:
        yield hit("project_type")
    elif not c.type_known and d.informed_consent is None and not _described_research(c):
        yield hit("project_type")
