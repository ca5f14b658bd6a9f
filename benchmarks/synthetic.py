"""A deterministic, seeded generator of policy-like Markdown documents (Dutch and English).

Each document has a title, numbered sections (`## 2. Bewaartermijnen`), an introductory paragraph
per section and list items, written from sentence templates with slots (faculties, data, roles,
periods, tools). Every paragraph and list item is one passage of `assistant.corpus.split_document`
(all stay under its 1,200-character limit), so `generate(n)` yields exactly `n` passages.
Same arguments, same bytes: only `random.Random(seed)` is used.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

__all__ = ["SyntheticDoc", "generate", "write_corpus", "mutate", "passage_count"]

_SLOTS = {
    "nl": {
        "faculty": [
            "Geesteswetenschappen",
            "Sociale Wetenschappen",
            "Bètawetenschappen",
            "Geneeskunde",
            "Recht, Economie, Bestuur en Organisatie",
            "Diergeneeskunde",
            "Geowetenschappen",
        ],
        "data": [
            "inlogmomenten in de leeromgeving",
            "quizscores",
            "inleverdata van opdrachten",
            "aanwezigheid bij werkgroepen",
            "kijkgedrag van kennisclips",
            "forumberichten",
            "cijfers van tussentoetsen",
            "studievoortgang in EC",
            "clickstreamgegevens",
            "antwoorden op peer-feedbackformulieren",
        ],
        "role": [
            "de docent",
            "de cursuscoördinator",
            "de opleidingsdirecteur",
            "de studieadviseur",
            "de privacy officer",
            "de AI-officer",
            "de tutor",
            "de onderwijsdirecteur",
        ],
        "period": [
            "zes weken",
            "drie maanden",
            "één studiejaar",
            "twee jaar",
            "vijf jaar",
            "het einde van de cursus",
        ],
        "tool": ["Brightspace", "Osiris", "Teams", "een eigen dashboard", "Power BI", "Qualtrics"],
        "purpose": [
            "studenten inzicht te geven in hun eigen voortgang",
            "cursusmateriaal te verbeteren",
            "uitval vroegtijdig te signaleren",
            "curricula te evalueren",
            "feedback op vaardigheden te geven",
            "de studielast beter te spreiden",
        ],
        "measure": [
            "pseudonimisering",
            "versleutelde opslag",
            "toegang op basis van rollen",
            "logging van raadplegingen",
            "tweefactorauthenticatie",
            "dataminimalisatie",
        ],
    },
    "en": {
        "faculty": [
            "Humanities",
            "Social and Behavioural Sciences",
            "Science",
            "Medicine",
            "Law, Economics and Governance",
            "Veterinary Medicine",
            "Geosciences",
        ],
        "data": [
            "log-ins to the learning environment",
            "quiz scores",
            "assignment submission dates",
            "attendance at tutorials",
            "video viewing behaviour",
            "forum posts",
            "interim test grades",
            "study progress in credits",
            "clickstream data",
            "peer-feedback answers",
        ],
        "role": [
            "the teacher",
            "the course coordinator",
            "the programme director",
            "the study adviser",
            "the privacy officer",
            "the AI officer",
            "the tutor",
            "the director of education",
        ],
        "period": [
            "six weeks",
            "three months",
            "one academic year",
            "two years",
            "five years",
            "the end of the course",
        ],
        "tool": ["Brightspace", "Osiris", "Teams", "a custom dashboard", "Power BI", "Qualtrics"],
        "purpose": [
            "give students insight into their own progress",
            "improve course materials",
            "spot drop-out risk early",
            "evaluate curricula",
            "give feedback on skills",
            "spread the study load more evenly",
        ],
        "measure": [
            "pseudonymisation",
            "encrypted storage",
            "role-based access",
            "logging of every look-up",
            "two-factor authentication",
            "data minimisation",
        ],
    },
}

_TITLES = {
    "nl": [
        "Richtlijn learning analytics, faculteit {faculty}",
        "Protocol studiedata {faculty}",
        "Werkwijze onderwijsdata {faculty}",
        "Handreiking dashboards {faculty}",
    ],
    "en": [
        "Learning analytics guideline, Faculty of {faculty}",
        "Study data protocol, {faculty}",
        "Education data procedure, {faculty}",
        "Dashboard guidance, {faculty}",
    ],
}

_SECTIONS = {
    "nl": [
        "Doel en reikwijdte",
        "Gegevens en bronnen",
        "Grondslag en transparantie",
        "Bewaartermijnen",
        "Beveiliging",
        "Rollen en verantwoordelijkheden",
        "Inzet van AI",
        "Evaluatie en toezicht",
    ],
    "en": [
        "Purpose and scope",
        "Data and sources",
        "Lawful basis and transparency",
        "Retention",
        "Security",
        "Roles and responsibilities",
        "Use of AI",
        "Evaluation and oversight",
    ],
}

_SENTENCES = {
    "nl": [
        "De faculteit {faculty} gebruikt {data} uit {tool} om {purpose}.",
        "Alleen {role} heeft toegang tot {data} op het niveau van individuele studenten.",
        "Gegevens worden na {period} verwijderd of geanonimiseerd.",
        "Voor elk project legt {role} vast waarom geanonimiseerde gegevens niet volstaan.",
        "Studenten worden via een privacyverklaring in {tool} geïnformeerd over het gebruik van {data}.",
        "De verwerking is beveiligd met {measure} en {measure2}.",
        "Een privacyscan wordt uitgevoerd voordat {data} worden gekoppeld.",
        "Wanneer een model wordt ingezet, betrekt {role} de AI-officer bij het ontwerp.",
        "Beslissingen over individuele studenten worden altijd door {role} genomen, nooit door een algoritme.",
        "Na {period} evalueert {role} of het doel om {purpose} is bereikt.",
        "Er worden geen bijzondere persoonsgegevens verwerkt, zoals gezondheid of etniciteit.",
        "Resultaten worden alleen op groepsniveau gedeeld met {role}.",
    ],
    "en": [
        "The Faculty of {faculty} uses {data} from {tool} to {purpose}.",
        "Only {role} has access to {data} at the level of individual students.",
        "Data are deleted or anonymised after {period}.",
        "For every project {role} records why anonymised data will not do.",
        "Students are informed about the use of {data} through a privacy statement in {tool}.",
        "Processing is secured with {measure} and {measure2}.",
        "A privacy scan is carried out before {data} are linked.",
        "When a model is used, {role} involves the AI officer in its design.",
        "Decisions about individual students are always taken by {role}, never by an algorithm.",
        "After {period}, {role} evaluates whether the aim to {purpose} was reached.",
        "No special categories of personal data are processed, such as health or ethnicity.",
        "Results are shared with {role} at group level only.",
    ],
}

_LEADS = {
    "nl": [
        "Opslagbeperking",
        "Transparantie",
        "Noodzaak",
        "Beveiliging",
        "Menselijke tussenkomst",
        "Doelbinding",
    ],
    "en": [
        "Storage limitation",
        "Transparency",
        "Necessity",
        "Security",
        "Human in the loop",
        "Purpose limitation",
    ],
}


@dataclass(frozen=True)
class SyntheticDoc:
    """One generated document: file name, Markdown text and how many passages it splits into."""

    name: str
    language: str
    text: str
    passages: int


def _sentence(rng: random.Random, lang: str, number: int) -> str:
    slots = _SLOTS[lang]
    template = rng.choice(_SENTENCES[lang])
    values = {key: rng.choice(options) for key, options in slots.items()}
    values["measure2"] = rng.choice([m for m in slots["measure"] if m != values["measure"]])
    sentence = template.format(**values)
    if rng.random() < 0.25:  # a reference number keeps texts distinct and gives BM25 rare terms
        sentence = sentence[:-1] + f" (LA-{number:05d})."
    return sentence


def _block(rng: random.Random, lang: str, number: int, lo: int, hi: int) -> str:
    sentences = []
    for k in range(rng.randint(lo, hi)):
        sentence = _sentence(rng, lang, number * 7 + k)
        if rng.random() < 0.5:  # policy sentences are long: join two clauses with a semicolon
            second = _sentence(rng, lang, number * 7 + k + 3)
            sentence = f"{sentence[:-1]}; {second[0].lower()}{second[1:]}"
        sentences.append(sentence)
    return " ".join(sentences)


def _document(rng: random.Random, index: int, n_passages: int) -> SyntheticDoc:
    lang = "nl" if rng.random() < 0.6 else "en"
    title = rng.choice(_TITLES[lang]).format(faculty=rng.choice(_SLOTS[lang]["faculty"]))
    lines = [
        "---",
        f"title: {title} ({index + 1})",
        f"version: '1.{index % 7}'",
        "---",
        "",
        f"# {title} ({index + 1})",
        "",
    ]
    made, section = 0, 0
    sections = _SECTIONS[lang]
    while made < n_passages:
        heading = sections[section % len(sections)]
        lines += [f"## {section + 1}. {heading}", ""]
        section += 1
        lines += [_block(rng, lang, index * 1000 + made, 1, 3), ""]  # the section's introduction
        made += 1
        items = min(n_passages - made, rng.randint(2, 6))
        for _ in range(items):
            text = _block(rng, lang, index * 1000 + made, 1, 2)
            if rng.random() < 0.3:
                text = f"{rng.choice(_LEADS[lang])}: {text}"
            lines.append(f"- {text}")
            made += 1
        lines.append("")
    name = f"doc-{index + 1:05d}-{lang}.md"
    return SyntheticDoc(name=name, language=lang, text="\n".join(lines), passages=made)


def generate(n_passages: int, n_docs: int | None = None, seed: int = 0) -> list[SyntheticDoc]:
    """Documents with `n_passages` passages in total, spread over `n_docs` (default: ~20 per document)."""
    if n_passages < 1:
        return []
    n_docs = max(1, min(n_docs or max(1, round(n_passages / 20)), n_passages))
    rng = random.Random(seed)
    base, extra = divmod(n_passages, n_docs)
    sizes = [base + (1 if i < extra else 0) for i in range(n_docs)]
    return [_document(random.Random(rng.getrandbits(64)), i, size) for i, size in enumerate(sizes)]


def write_corpus(
    directory: str | Path, n_passages: int, n_docs: int | None = None, seed: int = 0
) -> list[Path]:
    """Write `generate(...)` as Markdown files into `directory`; returns their paths."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for doc in generate(n_passages, n_docs, seed):
        path = directory / doc.name
        path.write_text(doc.text, encoding="utf-8")
        paths.append(path)
    return paths


def mutate(text: str, seed: int = 1) -> str:
    """The same document with one list item reworded (a realistic small edit)."""
    lines = text.split("\n")
    items = [i for i, line in enumerate(lines) if line.startswith("- ")]
    if not items:
        return text + "\n\nAanvulling.\n"
    rng = random.Random(seed)
    i = rng.choice(items)
    lines[i] = lines[i].rstrip(".") + f", herzien in versie {rng.randint(2, 9)}."
    return "\n".join(lines)


def passage_count(path: str | Path) -> int:
    """How many passages the assistant's splitter makes of a generated file (no model needed)."""
    from assistant.corpus import load_document, split_document

    return len(split_document(load_document(Path(path))))
