"""Section J and the DPIA verdict. The verdict is computed twice: with every unknown or suggested
screening answer read as 'no' (lower), then as 'yes' (upper). `required`: any GDPR Art. 35(3) case or
Dutch DPA list type, or two or more WP248 criteria; `recommended`: one WP248 criterion; otherwise
`not_indicated` ("no trigger found in the draft; the privacy officer confirms"; never "not needed").
When lower and upper differ the verdict is `depends`, with the open questions that settle it, easiest
first (reference: WP248 rule; UU Data Privacy Handbook)."""

from __future__ import annotations

from assistant.scan.facts import Facts
from assistant.scan.registry import Ans, Item, answer_of, person, registrar, unknown
from assistant.scan.screening import AP, ART35, WP

__all__ = ["ITEMS", "level", "levels", "open_items"]

ITEMS: list[Item] = []
_j = registrar(ITEMS, "verdict")


def level(values: dict[str, str]) -> str:
    """The DPIA level of screening answers that are all 'yes' or 'no'."""
    if any(values[k] == "yes" for k in ART35 + AP):
        return "required"
    n = sum(values[k] == "yes" for k in WP)
    return "required" if n >= 2 else "recommended" if n == 1 else "not_indicated"


def _confirmed(a: Ans) -> bool:
    return a.status in ("derived", "from_draft") and a.answer in ("yes", "no")


def levels(f: Facts) -> tuple[str, str]:
    """(lower, upper): unknown and suggested answers read as 'no', then as 'yes' (computed once per draft)."""
    if "levels" in f.memo:
        return f.memo["levels"]
    answers = {k: answer_of(f, k) for k in ART35 + AP + WP}
    lower = {k: a.answer if _confirmed(a) else "no" for k, a in answers.items()}
    upper = {k: a.answer if _confirmed(a) else "yes" for k, a in answers.items()}
    f.memo["levels"] = level(lower), level(upper)
    return f.memo["levels"]


def open_items(f: Facts) -> list[str]:
    """Ids of the unsettled screening items that can move the verdict, easiest first (effort, then the
    Art. 35 and DPA-list items, which settle it alone, then WP248)."""
    from assistant.scan.engine import ITEMS_BY_ID

    lower, upper = levels(f)
    if lower == upper:
        return []
    order = {k: n for n, k in enumerate(ART35 + AP + WP)}
    unsettled = [k for k in order if not _confirmed(answer_of(f, k))]
    return sorted(unsettled, key=lambda k: (ITEMS_BY_ID[k].effort, order[k]))


@_j("J1", "ref:wp248-rule", "two or more")
def _j1(f: Facts) -> Ans:
    lower, upper = levels(f)
    verdict = lower if lower == upper else "depends"
    return Ans(verdict, "derived", (), f"j1.{verdict}", params={"lower": lower, "upper": upper})


@_j("J2", "ref:aia-26-27", "FRIA")
def _j2(f: Facts) -> Ans:
    cls = answer_of(f, "H7").answer
    if cls == "high_risk":
        return Ans("yes", "suggested", ("uses_ai", "areas"), "j2.high_risk")
    if cls in ("not_ai", "out_of_scope", "minimal"):
        return Ans("no", "suggested", ("uses_ai",), "j2.not_high_risk")
    return unknown("j2.open", "uses_ai")


@_j("J3", "policy:ai_officer", "AI-officer")
def _j3(f: Facts) -> Ans:
    h0 = answer_of(f, "H0")
    if f.draft.uses_ai or h0.answer in ("yes", "unknown"):
        return Ans("yes", "derived", ("uses_ai",), "j3.ai")
    return Ans("no", "suggested", ("uses_ai",), "j3.no_ai")


@_j("J4", "ref:gdpr-28-44", "Art. 44")
def _j4(f: Facts) -> Ans:
    d6 = answer_of(f, "D6")
    if d6.answer in ("yes", "no"):
        return Ans(d6.answer, "derived", ("processors",), f"j4.{d6.answer}")
    return unknown("d6.open", "processors")


@_j("J5", "policy:privacy_scan", "principes")
def _j5(f: Facts) -> Ans:
    return Ans(None, "derived", (), "j5.findings")


@_j("J6", "policy:privacy_scan", "privacyscan")
def _j6(f: Facts) -> Ans:
    return person("j6.signoff", "privacy_scan")
