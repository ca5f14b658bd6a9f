"""Running the scan: `ITEMS` in section order (A-J), `scan_draft`, `scan_result`.

Deterministic and light, like the checker: no model, no I/O beyond the package data read once (term
lists, the reference, the message catalogues, the policy passages cited). The answers are rendered in
the requested language, or in the draft's own (`checker.draft_language`).
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import Any

from assistant.checker import check_draft
from assistant.checker.engine import draft_and_language
from assistant.messages import message
from assistant.proposal import Draft
from assistant.scan import aiact, screening, sections, verdict
from assistant.scan.facts import Facts, facts
from assistant.scan.models import AIActResult, DpiaVerdict, OpenQuestion, ScanItem, ScanResult
from assistant.scan.registry import Ans, Item, answer_of, citation_for

__all__ = ["ITEMS", "ITEMS_BY_ID", "scan_draft", "scan_result", "render_value"]

ITEMS: list[Item] = [*sections.ITEMS, *screening.ITEMS, *aiact.ITEMS, *sections.RISK_ITEMS, *verdict.ITEMS]
"""Every item, in the order the scan shows them (sections A-J)."""
ITEMS_BY_ID: dict[str, Item] = {item.id: item for item in ITEMS}


def render_value(value: Any, lang: str) -> str:
    """An answer as text: yes/no/unknown and classes in `lang`, lists joined, dicts as 'key: value'."""
    if value is None:
        return message("scan.value.none", lang)
    if isinstance(value, bool):
        return message("common.yes" if value else "common.no", lang)
    if isinstance(value, str):
        key = f"scan.value.{value}"
        try:
            return message(key, lang)
        except KeyError:
            return value
    if isinstance(value, dict):
        return "; ".join(f"{k}: {render_value(v, lang)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return "; ".join(render_value(v, lang) for v in value) or message("scan.value.none", lang)
    return str(value)


_VALUE_PARAMS = frozenset({"scope", "category"})  # parameters that are values to translate
_LEVEL_PARAMS = frozenset({"lower", "upper"})  # DPIA levels, shown by their short name


def _params(a: Ans, lang: str) -> dict[str, Any]:
    params = a.params or {}
    if _LEVEL_PARAMS & set(params):
        return {k: message(f"scan.level.{v}", lang) if k in _LEVEL_PARAMS else v for k, v in params.items()}
    return {k: render_value(v, lang) if isinstance(v, (list, tuple, dict)) or k in _VALUE_PARAMS else v
            for k, v in params.items()}  # fmt: skip


@lru_cache(maxsize=4096)
def _text(key: str, lang: str, params: tuple[tuple[str, Any], ...] = ()) -> str:
    return message(key, lang, **dict(params))


@lru_cache(maxsize=512)
def _static(item_id: str, lang: str) -> tuple[str, Any]:
    """An item's question in `lang` and its citation (the same for every draft)."""
    return message(f"scan.q.{item_id}", lang), citation_for(ITEMS_BY_ID[item_id].cite)


def _item(item: Item, a: Ans, lang: str) -> ScanItem:
    rationale = ""
    if a.rule:
        if not a.params:
            rationale = _text(f"scan.why.{a.rule}", lang)
        else:
            params = tuple(sorted(_params(a, lang).items()))
            try:
                rationale = _text(f"scan.why.{a.rule}", lang, params)
            except TypeError:  # an unhashable parameter
                rationale = message(f"scan.why.{a.rule}", lang, **dict(params))
    question, citation = _static(item.id, lang)
    return ScanItem(
        item.id, item.section, question, a.answer, a.status, list(a.fields), a.rule, a.evidence, rationale, citation
    )  # fmt: skip


def _verdict(f: Facts, lang: str) -> DpiaVerdict:
    j1 = answer_of(f, "J1")
    lower, upper = j1.params["lower"], j1.params["upper"]
    reasons = [k for k in screening.ART35 + screening.AP + screening.WP
               if answer_of(f, k).answer == "yes" and answer_of(f, k).status in ("derived", "from_draft")]  # fmt: skip
    questions = [
        OpenQuestion(
            id=k,
            question=message(f"scan.q.{k}", lang),
            settle=message(f"scan.settle.{ITEMS_BY_ID[k].settle}", lang),
            effort=ITEMS_BY_ID[k].effort,
        )
        for k in verdict.open_items(f)
    ]
    return DpiaVerdict(
        dpia=j1.answer,
        lower=lower,
        upper=upper,
        text=message(
            f"scan.verdict.{j1.answer}",
            lang,
            lower=message(f"scan.level.{lower}", lang),
            upper=message(f"scan.level.{upper}", lang),
        ),  # fmt: skip
        reasons=reasons,
        open_questions=questions,
        existing_dpia=f.extras.existing_dpia,
    )


def _ai_act(f: Facts, lang: str) -> AIActResult:
    h7 = answer_of(f, "H7").answer
    h3, h4 = answer_of(f, "H3"), answer_of(f, "H4")
    return AIActResult(
        ai_system=answer_of(f, "H0").answer,
        role=f.extras.ai_role or "unknown",
        prohibited_flags=list(h3.answer or []) if h3.status == "suggested" else [],
        annex_iii=list(h4.answer or []),
        profiling=answer_of(f, "H5").answer,
        ai_class=h7,
        applies_from=aiact.APPLIES_FROM.get(h7, "")
        if h7 not in ("not_ai", "out_of_scope", "unknown")
        else "",
        duties=[message(f"scan.duty.{k}", lang) for k in aiact.duties(f)],
    )


def scan_draft(
    draft: Draft | dict,
    *,
    file: str = "draft",
    lang: str | None = None,
    students_vulnerable: bool | None = None,
    principles: bool = True,
    today: date | None = None,
) -> ScanResult:
    """The privacy scan of one draft.

    A dict is validated first (`proposal.parse_draft`; raises `InputError` naming the field). `lang` is
    'nl' or 'en' (None: the draft's language); another value raises `InputError`. `students_vulnerable`
    is the university's decision whether students count as vulnerable data subjects (WP248 criterion 7;
    None: not decided, the criterion stays open). `principles` adds the rule checker's findings."""
    draft, lang = draft_and_language(draft, lang)
    f = facts(draft, students_vulnerable=students_vulnerable, lang=lang)
    findings = check_draft(draft, lang=lang, today=today) if principles else []
    items = []
    for item in ITEMS:
        a = answer_of(f, item.id)
        if item.id == "J5":
            counts = {s: sum(x.severity == s for x in findings) for s in ("blocker", "major", "minor")}
            a = Ans(counts if principles else None, "derived" if principles else "unknown", a.fields,
                    "j5.findings" if principles else "j5.not_run", params=counts)  # fmt: skip
        elif item.id == "H8":
            a = Ans([message(f"scan.duty.{k}", lang) for k in a.answer], a.status, a.fields, a.rule)
        items.append(_item(item, a, lang))
    return ScanResult(
        file=file,
        language=lang,
        verdict=_verdict(f, lang),
        ai_act=_ai_act(f, lang),
        items=items,
        principles=findings,
        problems=list(f.extras.problems),
    )


def scan_result(file: str, draft: Draft | dict, **kwargs: Any) -> ScanResult:
    """`scan_draft` for a named file (the `scan --json` object)."""
    return scan_draft(draft, file=str(file), **kwargs)
