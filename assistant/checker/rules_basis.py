"""Rules on the lawful basis and informed consent (3.2 Privacy-principes > Rechtmatige grondslag)."""

from __future__ import annotations

from collections.abc import Iterator

from assistant.checker.registry import Context, Hit, Rule, checker_terms, registrar
from assistant.lexicon import compile_terms
from assistant.policy import TOPICS
from assistant.proposal import Draft

__all__ = ["RULES"]

RULES: list[Rule] = []
_rule = registrar(RULES)

_IMPL_REF = TOPICS["legal_basis_implementation"].ref
_RESEARCH_REF = TOPICS["legal_basis_research"].ref
_CONSENT_REASON = compile_terms(checker_terms("consent reason"))

# ---------------------------------------------------------------- lawful basis


@_rule("legal_basis.missing", "legal_basis", "blocker", "No lawful basis given.")
def _basis_missing(d: Draft, c: Context) -> Iterator[Hit]:
    if d.legal_basis is None:
        advice = (
            "public interest as a rule; consent only in exceptional cases"
            if c.research
            else "public interest for implementation projects"
        )
        yield ("legal_basis", "The draft names no lawful basis.", f"Set legal_basis: {advice}.")


@_rule(
    "legal_basis.implementation_consent",
    "legal_basis",
    "blocker",
    "An implementation project not on public interest (e.g. on consent).",
    _IMPL_REF,
)
def _basis_implementation(d: Draft, c: Context) -> Iterator[Hit]:
    if not c.research and d.legal_basis not in (None, "public_interest"):
        yield (
            "legal_basis",
            f"An implementation project rests on '{d.legal_basis}'; the policy's basis "
            "for implementation projects is public interest.",
            "Set legal_basis to public_interest, or describe the project as research if it is one.",
        )


@_rule(
    "legal_basis.consent_reason",
    "legal_basis",
    "minor",
    "A research project on consent: the policy treats consent as an exception that needs a reason.",
    _RESEARCH_REF,
)
def _basis_consent(d: Draft, c: Context) -> Iterator[Hit]:
    if c.research and d.legal_basis == "consent" and not _CONSENT_REASON.search(c.narrative):
        yield (
            "legal_basis",
            "Consent as lawful basis is exceptional for research; the draft gives no reason.",
            "Explain why public interest does not apply, or use public_interest.",
        )


# ---------------------------------------------------------------- informed consent and ethics review


@_rule(
    "informed_consent.refused",
    "informed_consent",
    "blocker",
    "A research project states it has no informed consent.",
)
def _consent_refused(d: Draft, c: Context) -> Iterator[Hit]:
    if c.research and d.informed_consent is False:
        yield (
            "informed_consent",
            "Research is carried out only after participants are informed and gave "
            "informed consent; the draft says they do not.",
            "Ask every participant for informed consent before the research starts.",
        )


@_rule(
    "informed_consent.unknown",
    "informed_consent",
    "major",
    "A research project does not say whether participants give informed consent.",
)
def _consent_unknown(d: Draft, c: Context) -> Iterator[Hit]:
    if c.research and d.informed_consent is None:
        yield (
            "informed_consent",
            "The research draft does not say whether participants give informed consent.",
            "Set informed_consent to true and describe how participants are informed.",
        )


@_rule(
    "informed_consent.ethics",
    "informed_consent",
    "major",
    "A research project without approval of the faculty ethics review committee (FETC).",
)
def _ethics(d: Draft, c: Context) -> Iterator[Hit]:
    if c.research and d.ethics_approval is not True:
        message = (
            "The research project has no approval of the faculty ethics review committee (FETC)."
            if d.ethics_approval is False
            else "The research draft does not mention ethics review (FETC)."
        )
        yield (
            "ethics_approval",
            message,
            "Submit the study to the faculty ethics review committee and record the approval.",
        )
