"""Drafting: a project idea (Dutch or English) to a proposal `Draft` mapped to the policy.

Layout: `drafter` (the public API: `draft_from_description`, `draft_with_llm`, `rank_areas`),
`cues` (the cue words of `assistant/data/lexicons/drafting.yaml`, compiled, and who receives the
insight), `items` (the labelled lists of `assistant/data/drafting-items.yaml`: data items, security
measures, stakeholder names), `fields` (the draft's fields filled from the text's own words),
`result` (`DraftResult` and the policy passage behind each filled field).
"""

__all__ = ["cues", "drafter", "fields", "items", "result"]
