"""Drafting: a project idea (Dutch or English) to a proposal `Draft` mapped to the policy.

Layout: `drafter` (the public API: `draft_from_description`, `draft_with_llm`, `rank_areas`),
`areas` (the grid of section 2: who gets the insight x when and for what, per sentence, with the
evidence of each chosen area), `cues` (the cue words of `assistant/data/lexicons/drafting.yaml`,
compiled, and who receives the insight per clause), `phrases` (title, purposes and what each role gets
to see, in the description's own words), `items` (the labelled lists of
`assistant/data/drafting-items.yaml`: data items and their source systems, security measures,
stakeholder names), `fields` (the skeleton: filled fields with their evidence, open fields,
suggestions), `result` (`DraftResult` and the policy passage behind each filled field).
"""

__all__ = ["areas", "cues", "drafter", "fields", "items", "phrases", "result"]
