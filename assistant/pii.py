"""Personal-data guard: detect and redact student numbers, e-mail addresses, BSNs (11-proef),
phone numbers and IBANs (mod-97) in free text. Used before anything is sent to an LLM or logged."""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["LABELS", "PiiMatch", "count_placeholders", "find_pii", "redact", "pii_warning"]


@dataclass(frozen=True)
class PiiMatch:
    kind: str  # email | bsn | student_number | phone | iban
    start: int
    end: int


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b", re.IGNORECASE)
_PHONE = re.compile(
    r"(?<![\w+])(?:\+31[ -]?|0031[ -]?|0)(?:6[ -]?(?:\d[ -]?){8}|[1-9]\d{1,2}[ -]?(?:\d[ -]?){6,7})(?!\d)"
)
_DIGITS = re.compile(r"(?<![\w.,/-])([su]?)(\d{6,9})(?![\w.,/-]*\d)", re.IGNORECASE)
_STUDENT_CONTEXT = re.compile(
    r"(student(?:en)?[- ]?(?:nummer|number|no\.?|nr\.?|id)|solis|s-nummer)\W*$", re.I
)

LABELS = {  # per language, the bracketed label `redact` writes for each kind
    "nl": {
        "email": "E-MAILADRES",
        "bsn": "BSN",
        "student_number": "STUDENTNUMMER",
        "phone": "TELEFOONNUMMER",
        "iban": "IBAN",
    },
    "en": {
        "email": "EMAIL",
        "bsn": "BSN",
        "student_number": "STUDENT_NUMBER",
        "phone": "PHONE",
        "iban": "IBAN",
    },
}


def _bsn_ok(number: str) -> bool:
    """The Dutch 11-proef for a 9-digit BSN (8 digits get a leading zero)."""
    if len(number) == 8:
        number = "0" + number
    if len(number) != 9 or number == "000000000":
        return False
    total = sum(int(d) * w for d, w in zip(number[:8], range(9, 1, -1), strict=True)) - int(number[8])
    return total % 11 == 0


def _iban_ok(text: str) -> bool:
    s = re.sub(r"\s", "", text).upper()
    if not 15 <= len(s) <= 34 or not s[:2].isalpha():
        return False
    rearranged = s[4:] + s[:4]
    digits = "".join(str(int(ch, 36)) for ch in rearranged)
    return int(digits) % 97 == 1


def find_pii(text: str) -> list[PiiMatch]:
    """All personal-data matches, left to right, non-overlapping."""
    found: list[PiiMatch] = []

    def free(a: int, b: int) -> bool:
        return all(b <= m.start or a >= m.end for m in found)

    for m in _EMAIL.finditer(text):
        found.append(PiiMatch("email", m.start(), m.end()))
    for m in _IBAN.finditer(text):
        if free(m.start(), m.end()) and _iban_ok(m.group(0)):
            found.append(PiiMatch("iban", m.start(), m.end()))
    for m in _DIGITS.finditer(text):
        prefix, digits = m.group(1), m.group(2)
        if not free(m.start(), m.end()):
            continue
        context = bool(_STUDENT_CONTEXT.search(text[: m.start()]))
        if not prefix and len(digits) in (8, 9) and _bsn_ok(digits) and not context:
            found.append(PiiMatch("bsn", m.start(), m.end()))
        elif prefix or context or len(digits) == 7:
            found.append(PiiMatch("student_number", m.start(), m.end()))
    for m in _PHONE.finditer(text):
        span = (m.start(), m.end() - (len(m.group(0)) - len(m.group(0).rstrip(" -"))))
        if free(*span):
            found.append(PiiMatch("phone", *span))
    return sorted(found, key=lambda m: m.start)


def redact(text: str, lang: str = "en") -> tuple[str, list[PiiMatch]]:
    """Replace every match by a bracketed label, e.g. [EMAIL]; returns the text and the matches."""
    matches = find_pii(text)
    labels = LABELS.get(lang, LABELS["en"])
    out, last = [], 0
    for m in matches:
        out.append(text[last : m.start])
        out.append(f"[{labels[m.kind]}]")
        last = m.end
    out.append(text[last:])
    return "".join(out), matches


_PLACEHOLDER = re.compile(
    r"\s*\(?\[(?:"
    + "|".join(sorted({re.escape(v) for d in LABELS.values() for v in d.values()}))
    + r")\]\)?,?"
)


def count_placeholders(text: str) -> int:
    """How many labels `redact` left in `text`: the personal data items it held."""
    return len(_PLACEHOLDER.findall(text))


_LABEL_WORD = re.compile(r"([\w'-]+)\W*$")


def label_words(text: str) -> set[str]:
    """The words (lower case) directly before each label `redact` left in `text`: what introduced the
    personal data item ('email [EMAIL]', 'student [STUDENTNUMMER]'), a word that says which data were
    pasted, not what the question asks about."""
    out = set()
    for m in _PLACEHOLDER.finditer(text):
        if w := _LABEL_WORD.search(text, 0, m.start()):
            out.add(w.group(1).lower())
    return out


def without_placeholders(text: str) -> str:
    """`text` (a `redact`ed question) without its labels ('[STUDENTNUMMER]', '([PHONE], [IBAN])'): they
    carry nothing retrieval can match, and only blur the question's vector."""
    return " ".join(_PLACEHOLDER.sub(" ", text).split())


def pii_warning(matches: list[PiiMatch], lang: str) -> str | None:
    """The user-facing warning, in the user's language, or None when there is nothing to warn about."""
    if not matches:
        return None
    kinds = sorted({m.kind for m in matches})
    names = {
        "nl": {
            "email": "e-mailadres",
            "bsn": "BSN",
            "student_number": "studentnummer",
            "phone": "telefoonnummer",
            "iban": "IBAN",
        },
        "en": {
            "email": "e-mail address",
            "bsn": "BSN",
            "student_number": "student number",
            "phone": "phone number",
            "iban": "IBAN",
        },
    }[lang if lang in ("nl", "en") else "en"]
    listed = ", ".join(names[k] for k in kinds)
    if lang == "nl":
        return (
            f"Uw vraag bevat persoonsgegevens ({listed}). Die zijn niet nodig om een beleidsvraag te "
            "beantwoorden; ze zijn verwijderd voordat de vraag verder werd verwerkt en worden niet gelogd."
        )
    return (
        f"Your question contains personal data ({listed}). It is not needed to answer policy questions; "
        "it was removed before the question was processed further and is never logged."
    )
