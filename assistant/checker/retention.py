"""What a retention answer says about its end (3.2 Privacy-principes > Opslagbeperking: data no
longer needed are deleted or anonymised 'zo snel mogelijk').

`retention_end(text)` finds, in the folded text:
- dates: d-m-y with `-`, `/` or `.` (two- or four-digit year; m-d-y when the day-month reading is
  impossible), ISO `yyyy-mm-dd`, '31 december 2099', 'December 31, 2099', 'december 2099' (the
  month's last day) and a bare year '2099' (31 December), parsed with the standard library; a day
  and month without a year ('uiterlijk 1 oktober') is a calendar moment within the year;
- periods: a number (digits or a word of `general.yaml`'s `number N` groups) and a unit of the
  `period *` groups of `checker.yaml` ('24 mnd', 'zes weken', 'a century'), in months;
- events: a moment of the academic calendar ('na de cursus', 'einde van het studiejaar', 'na
  afloop'), an event whose moment differs per student or project ('tot de student is afgestudeerd',
  'einde van het project'), a step of the work ('zodra de cijfers definitief zijn', 'once the report is
  produced'), or 'direct'.
Pure functions; the term lists are read once, on import.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from assistant.lexicon import Matcher, compile_terms, load_lexicon
from assistant.text import fold

__all__ = ["RetentionEnd", "retention_end", "past_horizon"]

_CHECKER = load_lexicon("checker").groups
_GENERAL = load_lexicon("general").groups


def _valued(prefix: str, groups=_GENERAL) -> dict[str, float]:
    """folded term -> the number in its group's name ('number 24' -> 24.0, 'month 3' -> 3.0)."""
    return {
        fold(term): float(name.removeprefix(prefix))
        for name, group in groups.items()
        if name.startswith(prefix)
        for term in group.terms
    }


_MONTHS_PER_UNIT = {  # how many months one unit of each `period *` group lasts (by definition)
    "period days": 12 / 365,
    "period weeks": 12 / 52,
    "period months": 1.0,
    "period semesters": 6.0,
    "period years": 12.0,
    "period decades": 120.0,
    "period centuries": 1200.0,
}
_UNIT_MONTHS = {
    fold(term): months for name, months in _MONTHS_PER_UNIT.items() for term in _CHECKER[name].terms
}
_NUMBERS = _valued("number ")
_MONTH_OF = {k: int(v) for k, v in _valued("month ").items()}

_NUM = rf"(?:\d+(?:[.,]\d+)?|{compile_terms(_NUMBERS).pattern})"
_A_YEAR = re.compile(r"(?:19|20|21)\d\d")  # a calendar year before a unit is no count of them
_PERIOD = re.compile(rf"(?<![\w.,])(?P<num>{_NUM})[\s-]*(?P<unit>{compile_terms(_UNIT_MONTHS).pattern})")
_MONTH = compile_terms(_MONTH_OF).pattern
_DATES = [  # (pattern, order of the day, month, year groups); a missing day is the month's last
    (re.compile(r"(?<![\d/.-])(\d{4})-(\d{1,2})-(\d{1,2})(?![\d/-])"), "ymd"),
    (re.compile(r"(?<![\d/.-])(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2})(?![\d/-])"), "dmy"),
    (re.compile(rf"(?<!\d)(\d{{1,2}})\s+({_MONTH})\s+(\d{{4}})(?!\d)"), "dMy"),
    (re.compile(rf"({_MONTH})\s+(\d{{1,2}}),?\s+(\d{{4}})(?!\d)"), "Mdy"),
    (re.compile(rf"({_MONTH})\s+(\d{{4}})(?!\d)"), "My"),
    (re.compile(r"(?<![\d/.-])((?:19|20|21)\d\d)(?![\d/-])"), "y"),
]
# A day and a month without a year ('uiterlijk 1 oktober', 'by October 1'): within a year, a calendar moment.
_DAY_MONTH = re.compile(rf"(?<!\d)\d{{1,2}}\s+(?:{_MONTH})|(?:{_MONTH})\s+\d{{1,2}}(?!\d)")

_END_WORD = compile_terms(_CHECKER["retention end word"].terms)
_CONNECTOR = compile_terms(_CHECKER["retention connector"].terms)
_EVENTS = Matcher({g: _CHECKER[g].terms for g in ("retention calendar moment", "retention open event")})
_IMMEDIATE = compile_terms(_CHECKER["retention immediately"].terms)
_WITHIN_FOUR_WORDS = re.compile(r"(?:[\w'-]+\W+){0,4}$")  # the text before an event: up to four words


@dataclass(frozen=True)
class RetentionEnd:
    """The ends a retention text names: (text, value) pairs and the kinds of event it mentions."""

    dates: tuple[tuple[str, date], ...] = ()
    periods: tuple[tuple[str, float], ...] = ()
    """(text, length in months)."""
    calendar: bool = False
    """A moment of the academic calendar (end of the course, exam, academic year) or 'na afloop'."""
    open_event: bool = False
    """An event whose moment differs per student or project (graduation, end of the project)."""
    immediate: bool = False

    @property
    def anchored(self) -> bool:
        """The text names some end."""
        return bool(self.dates or self.periods or self.calendar or self.open_event or self.immediate)

    @property
    def concrete(self) -> bool:
        """The text names a date, a period, a calendar moment or 'immediately'."""
        return bool(self.dates or self.periods or self.calendar or self.immediate)


def _date(order: str, groups: tuple[str, ...]) -> date | None:
    values = dict(zip(order, groups, strict=True))
    year = int(values["y"]) + (2000 if len(values["y"]) == 2 else 0)
    month = _MONTH_OF[values["M"]] if "M" in values else int(values.get("m", 12))
    day = int(values["d"]) if "d" in values else None
    candidates = [(month, day)] + ([(day, month)] if order == "dmy" and day is not None else [])
    for m, d in candidates:
        try:
            return date(year, m, d if d is not None else calendar.monthrange(year, m)[1])
        except ValueError:
            continue
    return None


def _blank(text: str, start: int, end: int) -> str:
    return text[:start] + " " * (end - start) + text[end:]


# A step of the project after which the data go ('zodra de cijfers definitief zijn', 'once the report is
# produced', 'na het opstellen van het blokrapport', 'after each night's aggregation'): an end tied to the
# work, which is what 'zo snel mogelijk' asks; an open event. 'na verloop van tijd', 'after some time'
# name no step.
# A rolling window ('each year the oldest cohort is removed', 'het oudste cohort wordt jaarlijks verwijderd'):
# the data of a cohort or year are deleted at a known moment, the window's turn; a calendar moment.
_ROLLING = re.compile(
    r"(?<!\w)(?:oudste|oldest|eerste|earliest)\s+(?:[\w-]+\s+){0,2}?"
    r"(?:cohort\w*|jaargang\w*|lichting\w*|intake\w*|jaar|year|studiejaar|academic year)(?!\w)"
)
_DELETED = re.compile(
    r"(?<!\w)(?:verwijder\w*|gewist|wist|wissen|vernietig\w*|geanonimiseerd|removed|removes|deleted|deletes|"
    r"dropped|drops|purged|purges|erased|anonymi[sz]ed)(?!\w)"
)
_STEP = re.compile(
    r"(?<!\w)(?:zodra|once|as soon as|so soon as|nadat|direct na|meteen na|immediately after|right after)\s+\w+\W+\w+"
    r"|(?<!\w)(?:when|wanneer)\s+(?!(?:no|niet|they|ze|it|het)\b)(?:the|de|het|a|een)\s+\w+\W+\w+"
    r"|(?<!\w)(?:na|after)\s+(?:het|de|each|every|elke|elk|the)\s+(?!(?:tijd|time|while|verloop|moment)\b)[\w']+"
)


@lru_cache(maxsize=512)
def retention_end(text: str) -> RetentionEnd:
    """The dates, periods and events `text` names as its end (folded here; cached per text)."""
    norm = fold(text)
    dates = []
    for pattern, order in _DATES:
        for m in pattern.finditer(norm):
            if (when := _date(order, m.groups())) is not None:
                dates.append((m.group(0), when))
                norm = _blank(norm, m.start(), m.end())  # a date's numbers are no period
    calendar_moment = bool(_DAY_MONTH.search(norm))
    periods = [
        (m.group(0), float(_NUMBERS.get(m.group("num"), 0) or m.group("num").replace(",", ".")) * months)
        for m in _PERIOD.finditer(norm)
        if (months := _UNIT_MONTHS.get(" ".join(m.group("unit").split())))
        and not _A_YEAR.fullmatch(
            m.group("num")
        )  # 'the 2026-2027 academic year' names a year, not 2027 years
    ]
    open_event = False
    used_end_words: set[int] = set()
    for m in _EVENTS.finditer(norm):
        before = _WITHIN_FOUR_WORDS.search(norm[: m.start])
        lead = before.group(0) if before else ""
        anchors = [a for a in (_END_WORD.search(lead), _CONNECTOR.search(lead)) if a]
        if not anchors:
            continue
        if m.group == "retention open event":
            open_event = True
        else:
            calendar_moment = True
        used_end_words.update(m.start - len(lead) + a.start() for a in anchors)
    if any(m.start() not in used_end_words for m in _END_WORD.finditer(norm)):
        calendar_moment = True  # 'na afloop', 'at the end': the end of what the draft is about
    if _STEP.search(norm):
        open_event = True
    if _ROLLING.search(norm) and _DELETED.search(norm):
        calendar_moment = True  # a rolling window: the oldest cohort goes at each turn
    return RetentionEnd(
        dates=tuple(dates),
        periods=tuple(periods),
        calendar=calendar_moment,
        open_event=open_event,
        immediate=bool(_IMMEDIATE.search(norm)),
    )


RESEARCH_ARCHIVE_YEARS = 10
"""Research data are archived 'for a minimum of ten years, starting from the date that the research
results are published', for verifiability (Utrecht University Policy Framework for Research Data, 2016,
section 4). A research project's retention end is therefore measured against the horizon plus this
term (dates) or this term (periods, counted from the research's end)."""


def past_horizon(end: RetentionEnd, today: date, years: int, *, research: bool = False) -> str | None:
    """The first date or period of `end` that lies past the horizon, or None: a date more than `years`
    years after `today`, a period longer than `years` years. For a research project (`research`) a
    date may lie `RESEARCH_ARCHIVE_YEARS` further and a period may last that term: the archive after
    the research, which itself ends within the horizon."""
    dated = years + RESEARCH_ARCHIVE_YEARS if research else years
    lasting = max(years, RESEARCH_ARCHIVE_YEARS) if research else years
    try:
        limit = today.replace(year=today.year + dated)
    except ValueError:  # 29 February
        limit = today.replace(year=today.year + dated, day=28)
    for text, when in end.dates:
        if when > limit:
            return text
    for text, months in end.periods:
        if months > lasting * 12:
            return text
    return None
