"""The privacy scan: the pre-filled scan every LA proposal needs (policy 3.2, Privacyscan), read from
the same draft the checker reads, with a DPIA screening and an AI Act classification.

Every item is answered from the draft with where the answer came from (`from_draft` with the field,
`derived` with the rule, `suggested` with the evidence span, `unknown`, or `for_person`: never
pre-filled) and cites a policy passage or the scan's reference (our own summary of GDPR Art. 35(3),
the Dutch DPA list, WP248 and the AI Act: assistant/data/reference/dpia-criteria.yaml). The DPIA
verdict is computed twice (unknowns as no, then as yes): `required`, `recommended`, `depends` (with the
open questions that settle it, easiest first) or `not_indicated` ("no trigger found in the draft; the
privacy officer confirms"); the scan never says a DPIA is not needed. No model, no LLM: as light as
the checker, whose findings it includes as the policy-principles part. People decide: the privacy
scan is done only when a reviewer signs it off, never by the tool.

Layout: `models` (result types), `reference` (the reference file), `facts` (what rules read, once per
draft), `registry` (what an item is), `sections` (A-F, I), `screening` (G), `aiact` (H), `verdict`
(J and the DPIA verdict), `engine` (`ITEMS`, `scan_draft`), `render` (Markdown for people).
"""

from assistant.scan.engine import ITEMS, ITEMS_BY_ID, render_value, scan_draft, scan_result
from assistant.scan.models import (
    LEVELS,
    SECTIONS,
    STATUSES,
    AIActResult,
    DpiaVerdict,
    OpenQuestion,
    ScanItem,
    ScanResult,
)
from assistant.scan.reference import REFERENCE_SOURCE, load_reference, reference_citation
from assistant.scan.registry import citation_for

__all__ = [
    "ITEMS",
    "ITEMS_BY_ID",
    "LEVELS",
    "SECTIONS",
    "STATUSES",
    "REFERENCE_SOURCE",
    "AIActResult",
    "DpiaVerdict",
    "OpenQuestion",
    "ScanItem",
    "ScanResult",
    "citation_for",
    "load_reference",
    "reference_citation",
    "render_value",
    "scan_draft",
    "scan_result",
]
