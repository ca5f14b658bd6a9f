"""The eval suite (STYLE.md 9: evals are data) and the calibration program (STYLE.md 12).

`datasets` (typed cases, one loader), `metrics` (Ask scores and aggregation), `grounding` (citations and
support of one answer), `check` (drafter and checker scores), `thresholds` (the quality floor), `report`
(report.md and plots), `runner` (`assistant eval`), `signals` and `calibrate` (`assistant eval calibrate`).
"""
