"""Export a draft (and its findings) as Markdown or DOCX for reviewers, in Dutch or English.

Sections follow the order a reviewer reads them: context; areas; purposes and necessity; data and
lawful basis; retention; transparency; security; AI; human in the loop; privacy scan; findings.
Each section quotes the policy passage it answers, with its section path, so the reviewer never has
to look the rule up. Empty fields are shown as gaps, not hidden.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field

from assistant.checker import Finding
from assistant.policy import AREAS, PRINCIPLES, SOURCE, TOPICS, Ref
from assistant.proposal import Draft
from assistant.scan.models import ScanResult

__all__ = ["Section", "draft_to_markdown", "draft_to_docx", "draft_sections"]

_T = {
    "nl": {
        "doc": "Projectvoorstel learning analytics",
        "policy": "Beleid",
        "gap": "(niet ingevuld)",
        "yes": "ja",
        "no": "nee",
        "unknown": "(niet aangegeven)",
        "context": "Context",
        "title": "Titel",
        "summary": "Samenvatting",
        "type": "Soort project",
        "implementation": "implementatieproject",
        "research": "onderzoeksproject",
        "stakeholders": "Betrokkenen",
        "responsible": "Verantwoordelijke",
        "areas": "Toepassingsgebieden",
        "no_areas": "Geen toepassingsgebied gekozen.",
        "purposes": "Doelen en noodzaak",
        "purpose_list": "Doelen",
        "necessity": "Noodzakelijkheidstoets",
        "data": "Gegevens en grondslag",
        "data_table": ("Gegevens", "Categorie", "Bron"),
        "category": {"general": "algemeen", "sensitive": "gevoelig", "special": "bijzonder"},
        "legal_basis": "Rechtmatige grondslag",
        "basis": {"public_interest": "algemeen belang", "consent": "toestemming"},
        "informed_consent": "Informed consent",
        "ethics": "Goedkeuring ethische toetsingscommissie (FETC)",
        "retention": "Bewaartermijn",
        "retention_field": "Verwijderen of anonimiseren",
        "transparency": "Transparantie",
        "privacy_statement": "Privacyverklaring",
        "security": "Beveiliging",
        "measures": "Maatregelen",
        "ai": "Kunstmatige intelligentie (AI)",
        "uses_ai": "AI gebruikt",
        "models": "Modellen",
        "training_data": "Trainingsdata",
        "decision_process": "Besluitvormingsproces",
        "officer": "AI-officer betrokken",
        "prohibited": "Verboden AI-praktijken gecontroleerd",
        "human": "Human in the loop en ethische waarden",
        "human_field": "Wie interpreteert en beslist",
        "interests": "Afweging van belangen",
        "validation": "Betrouwbaarheid en validiteit van analyses",
        "scan": "Privacyscan",
        "scan_field": "Status",
        "scan_value": {"done": "uitgevoerd", "planned": "gepland", "not_planned": "niet gepland"},
        "findings": "Bevindingen van de controle",
        "no_findings": "Geen bevindingen: het concept voldoet aan de regels.",
        "severity": {"blocker": "Blokkerend", "major": "Belangrijk", "minor": "Advies"},
        "fix": "Oplossing",
        "passage": "Beleidspassage",
    },
    "en": {
        "doc": "Learning analytics project proposal",
        "policy": "Policy",
        "gap": "(not filled in)",
        "yes": "yes",
        "no": "no",
        "unknown": "(not stated)",
        "context": "Context",
        "title": "Title",
        "summary": "Summary",
        "type": "Project type",
        "implementation": "implementation project",
        "research": "research project",
        "stakeholders": "Stakeholders",
        "responsible": "Responsible",
        "areas": "Application areas",
        "no_areas": "No application area chosen.",
        "purposes": "Purposes and necessity",
        "purpose_list": "Purposes",
        "necessity": "Necessity test",
        "data": "Data and lawful basis",
        "data_table": ("Data", "Category", "Source"),
        "category": {"general": "general", "sensitive": "sensitive", "special": "special"},
        "legal_basis": "Lawful basis",
        "basis": {"public_interest": "public interest", "consent": "consent"},
        "informed_consent": "Informed consent",
        "ethics": "Ethics review committee (FETC) approval",
        "retention": "Retention",
        "retention_field": "Deleted or anonymised",
        "transparency": "Transparency",
        "privacy_statement": "Privacy statement",
        "security": "Security",
        "measures": "Measures",
        "ai": "Artificial intelligence (AI)",
        "uses_ai": "AI used",
        "models": "Models",
        "training_data": "Training data",
        "decision_process": "Decision process",
        "officer": "AI officer involved",
        "prohibited": "AI Act prohibited practices checked",
        "human": "Human in the loop and ethical values",
        "human_field": "Who interprets and decides",
        "interests": "Weighing of interests",
        "validation": "Reliability and validity of analyses",
        "scan": "Privacy scan",
        "scan_field": "Status",
        "scan_value": {"done": "done", "planned": "planned", "not_planned": "not planned"},
        "findings": "Checker findings",
        "no_findings": "No findings: the draft meets the rules.",
        "severity": {"blocker": "Blocker", "major": "Major", "minor": "Minor"},
        "fix": "Fix",
        "passage": "Policy passage",
    },
}


@dataclass
class Section:
    """One section of the export: heading, label/value rows, optional table and bullets, policy quotes."""

    heading: str
    rows: list[tuple[str, str]] = field(default_factory=list)
    bullets: list[str] = field(default_factory=list)
    bullets_label: str = ""
    table: list[tuple[str, ...]] = field(default_factory=list)
    quotes: list[tuple[str, str]] = field(default_factory=list)  # (section path, quoted text)
    paragraphs: list[str] = field(default_factory=list)


def _passage_text(ref: Ref) -> str:
    from assistant.policy import passage_for

    return passage_for(ref).text


def _quote(key: str) -> tuple[str, str]:
    ref: Ref = PRINCIPLES[key].ref
    return ref.section, ref.quote or _passage_text(ref)


def _text(value: str, t: dict) -> str:
    return value if value and value.strip() else t["gap"]


def _flag(value: bool | None, t: dict) -> str:
    return t["unknown"] if value is None else t["yes"] if value else t["no"]


def _scan_section(scan: ScanResult, lang: str) -> Section:
    """The privacy scan (issue 21): verdict, open questions, AI Act class, then every item's answer."""
    from assistant.messages import message
    from assistant.scan import render_value

    v, ai = scan.verdict, scan.ai_act
    ai_text = render_value(ai.ai_class, lang)
    if ai.applies_from:
        ai_text += f" ({message('scan.applies_from', lang, date=ai.applies_from)})"
    section = Section(message("scan.export.heading", lang), paragraphs=[message("scan.note", lang)])
    section.paragraphs += [
        f"{message('scan.verdict_label', lang)}: {v.text}",
        f"{message('scan.ai_act', lang)}: {ai_text}",
    ]
    section.paragraphs += [f"{message('scan.duties', lang)}: {d}" for d in ai.duties]
    if v.open_questions:
        section.bullets_label = message("scan.open_questions", lang)
        section.bullets = [f"{q.id}: {q.question} {q.settle}" for q in v.open_questions]
    header = tuple(message(f"scan.export.{k}", lang) for k in ("id", "question", "answer", "status"))
    section.table = [header] + [
        (i.id, i.question, "" if i.answer is None else render_value(i.answer, lang),
         message(f"scan.status.{i.status}", lang))
        for i in scan.items
    ]  # fmt: skip
    return section


def draft_sections(
    draft: Draft, findings: Sequence[Finding] | None = None, lang: str = "nl", scan: ScanResult | None = None
) -> list[Section]:
    """The export's content, independent of the output format (with the privacy scan when `scan` is given)."""
    t = _T["en" if lang == "en" else "nl"]
    out: list[Section] = []
    out.append(
        Section(
            t["context"],
            rows=[
                (t["title"], _text(draft.title, t)),
                (t["summary"], _text(draft.summary, t)),
                (t["type"], t[draft.project_type] if draft.project_type else t["gap"]),
                (t["stakeholders"], ", ".join(draft.stakeholders) or t["gap"]),
                (t["responsible"], _text(draft.responsible, t)),
            ],
            quotes=[_quote("accountability")],
        )
    )

    areas = Section(t["areas"], quotes=[_quote("area")])
    for area_id in draft.areas:
        area = AREAS.get(area_id)
        if area is None:
            areas.bullets.append(f"{area_id}: ?")
            continue
        areas.bullets.append(f"{area_id} {area.label(lang)}")
        areas.quotes.append((area.ref.section, _passage_text(area.ref)))
    if not draft.areas:
        areas.paragraphs.append(t["no_areas"])
    out.append(areas)

    out.append(
        Section(
            t["purposes"],
            bullets=list(draft.purposes) or [t["gap"]],
            bullets_label=t["purpose_list"],
            rows=[(t["necessity"], _text(draft.necessity, t))],
            quotes=[_quote("purpose_limitation"), _quote("necessity")],
        )
    )

    data = Section(
        t["data"],
        table=[t["data_table"]]
        + [(item.name or t["gap"], t["category"][item.category], item.source or "-") for item in draft.data],
        rows=[(t["legal_basis"], t["basis"].get(draft.legal_basis or "", t["gap"]))],
        quotes=[_quote("data_categories"), _quote("legal_basis")],
    )
    if draft.project_type == "implementation":
        ref = TOPICS["legal_basis_implementation"].ref
        data.quotes.append((ref.section, _passage_text(ref)))
    else:
        data.rows += [
            (t["informed_consent"], _flag(draft.informed_consent, t)),
            (t["ethics"], _flag(draft.ethics_approval, t)),
        ]
        data.quotes.append(_quote("informed_consent"))
    out.append(data)

    out.append(
        Section(
            t["retention"],
            rows=[(t["retention_field"], _text(draft.retention, t))],
            quotes=[_quote("storage_limitation")],
        )
    )
    out.append(
        Section(
            t["transparency"],
            rows=[(t["privacy_statement"], _flag(draft.privacy_statement, t))],
            quotes=[_quote("transparency")],
        )
    )
    out.append(
        Section(
            t["security"],
            bullets=list(draft.security_measures) or [t["gap"]],
            bullets_label=t["measures"],
            quotes=[_quote("security")],
        )
    )

    ai = Section(t["ai"], rows=[(t["uses_ai"], _flag(draft.uses_ai, t))])
    if draft.uses_ai or draft.ai is not None:
        info = draft.ai
        ai.rows += [
            (t["models"], _text(info.models if info else "", t)),
            (t["training_data"], _text(info.training_data if info else "", t)),
            (t["decision_process"], _text(info.decision_process if info else "", t)),
            (t["officer"], _flag(info.ai_officer_consulted if info else None, t)),
            (t["prohibited"], _flag(info.prohibited_practices_checked if info else None, t)),
        ]
        ai.quotes += [_quote("ai_documentation"), _quote("ai_officer"), _quote("prohibited_ai")]
    out.append(ai)

    out.append(
        Section(
            t["human"],
            rows=[
                (t["human_field"], _text(draft.human_in_the_loop, t)),
                (t["interests"], _text(draft.interests_weighed, t)),
                (t["validation"], _text(draft.analysis_validation, t)),
            ],
            quotes=[_quote("human_in_the_loop"), _quote("fair_balancing"), _quote("reliable_analyses")],
        )
    )
    out.append(
        Section(
            t["scan"],
            rows=[(t["scan_field"], t["scan_value"].get(draft.privacy_scan or "", t["gap"]))],
            quotes=[_quote("privacy_scan")],
        )
    )

    if scan is not None:
        out.append(_scan_section(scan, lang))

    if findings is not None:
        section = Section(t["findings"])
        if not findings:
            section.paragraphs.append(t["no_findings"])
        for f in findings:
            section.bullets.append(
                f"{t['severity'][f.severity]} [{f.principle}, {f.field}]: {f.message} "
                f"{t['fix']}: {f.fix} ({t['passage']}: {f.citation.section})"
            )
        out.append(section)
    return out


def draft_to_markdown(
    draft: Draft, findings: Sequence[Finding] | None = None, lang: str = "nl", scan: ScanResult | None = None
) -> str:
    """The draft as a Markdown document (with the privacy scan when `scan` is given)."""
    t = _T["en" if lang == "en" else "nl"]
    lines = [f"# {t['doc']}: {draft.title or t['gap']}", ""]
    for number, section in enumerate(draft_sections(draft, findings, lang, scan), start=1):
        lines += [f"## {number}. {section.heading}", ""]
        lines += [f"{p}" for p in section.paragraphs] + ([""] if section.paragraphs else [])
        if section.bullets:
            lines += [f"**{section.bullets_label}:**", ""] if section.bullets_label else []
            lines += [f"- {b}" for b in section.bullets] + [""]
        if len(section.table) > 1:
            header, *body = section.table
            lines += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
            lines += ["| " + " | ".join(c.replace("|", "/") for c in row) + " |" for row in body] + [""]
        for label, value in section.rows:
            lines.append(f"- **{label}:** {value}")
        if section.rows:
            lines.append("")
        for path, quote in section.quotes:
            lines += [f'> **{t["policy"]}** ({SOURCE}, {path}): "{quote}"', ""]
    return "\n".join(lines).rstrip() + "\n"


def draft_to_docx(
    draft: Draft, findings: Sequence[Finding] | None = None, lang: str = "nl", scan: ScanResult | None = None
) -> bytes:
    """The draft as a Word document (python-docx), returned as bytes (with the privacy scan when `scan` is given)."""
    import docx
    from docx.shared import Pt, RGBColor

    t = _T["en" if lang == "en" else "nl"]
    document = docx.Document()
    document.core_properties.title = draft.title or t["doc"]
    document.add_heading(f"{t['doc']}: {draft.title or t['gap']}", level=0)
    for number, section in enumerate(draft_sections(draft, findings, lang, scan), start=1):
        document.add_heading(f"{number}. {section.heading}", level=1)
        for text in section.paragraphs:
            document.add_paragraph(text)
        if section.bullets and section.bullets_label:
            document.add_paragraph().add_run(f"{section.bullets_label}:").bold = True
        for bullet in section.bullets:
            document.add_paragraph(bullet, style="List Bullet")
        if len(section.table) > 1:
            header, *body = section.table
            table = document.add_table(rows=1, cols=len(header))
            table.style = "Light Grid Accent 1"
            for cell, text in zip(table.rows[0].cells, header, strict=True):
                cell.text = text
            for row in body:
                cells = table.add_row().cells
                for cell, text in zip(cells, row, strict=True):
                    cell.text = text
        for label, value in section.rows:
            para = document.add_paragraph()
            para.add_run(f"{label}: ").bold = True
            para.add_run(value)
        for path, quote in section.quotes:
            para = document.add_paragraph(style="Quote")
            label = para.add_run(f"{t['policy']} ({path}): ")
            label.bold = True
            run = para.add_run(quote)
            run.font.size = Pt(9)
            run.font.color.rgb = RGBColor(0x44, 0x44, 0x44)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
