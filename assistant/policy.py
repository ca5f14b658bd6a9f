"""The policy as data: application areas, ethical values, privacy principles and topics.

Every item points at its corpus passage (source + section path) and names the sentence(s) it rests
on (`quote`, verbatim from that passage). `terms` are Dutch and English words a reader uses for the
concept, written from the policy and from GDPR / AI-Act vocabulary; retrieval uses them to route
questions, the drafter to recognise ideas. `tests/test_policy.py` proves every pointer resolves.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from pydantic import BaseModel, ConfigDict

__all__ = [
    "SOURCE",
    "Ref",
    "Concept",
    "Area",
    "AREAS",
    "AREA_IDS",
    "VALUES",
    "PRINCIPLES",
    "TOPICS",
    "ALL_CONCEPTS",
    "PRINCIPLE_KEYS",
    "passage_for",
    "match_concepts",
    "normalize",
]

SOURCE = "uu-learning-analytics-beleid.md"
_AI_WORDS = ("machine learning", "machine-learning", "ai-model", "ai model")  # shared by the AI principles
_AREAS = "2. Doelen voor learning analytics aan de Universiteit Utrecht"
_VALUES = "3.1 Ethische Waarden"
_PRIV = "3.2 Privacy-principes"


class Ref(BaseModel):
    """A pointer to one passage of the corpus."""

    model_config = ConfigDict(frozen=True)

    source: str = SOURCE
    section: str
    quote: str = ""  # the sentence(s) of the passage this item rests on; empty = the whole passage


class Concept(BaseModel):
    """One thing the policy names: an area, a value, a principle or a topic."""

    model_config = ConfigDict(frozen=True)

    key: str
    kind: str  # area | value | principle | topic
    label_nl: str
    label_en: str
    ref: Ref
    terms: tuple[str, ...] = ()
    summary_en: str = ""

    def label(self, lang: str = "nl") -> str:
        return self.label_en if lang == "en" else self.label_nl


class Area(Concept):
    """An application area (section 2): every proposal must fall in at least one."""

    group: int
    audience_nl: str
    audience_en: str
    cues: tuple[str, ...] = ()  # extra words the drafter reads as a hint for this area


def _ref(section: str, quote: str = "") -> Ref:
    return Ref(section=section, quote=quote)


# --------------------------------------------------------------------------- areas (section 2)

_COURSE_NOW = ("cursus", "course", "vak", "tijdens", "during", "lopende", "running", "week", "dashboard")
_AFTER = (
    "na afloop",
    "after the course",
    "afgelopen",
    "evaluatie",
    "evaluation",
    "cursusmateriaal",
    "course material",
)
_COMPETENCE = ("competentie", "competence", "competency", "vaardighe", "skill", "expertise", "leerlijn")
_PREDICT = (
    "voorspel",
    "predict",
    "forecast",
    "drop-out",
    "dropout",
    "uitval",
    "studievertraging",
    "delay",
    "studiesucces",
    "study success",
    "risico",
    "at risk",
    "at-risk",
    "early warning",
    "vroegsignal",
)

AREAS: dict[str, Area] = {
    a.key: a
    for a in [
        Area(
            key="1a",
            kind="area",
            group=1,
            label_nl="Studenten: eigen activiteit en voortgang tijdens de cursus",
            label_en="Students: own activity and progress during the course",
            audience_nl="studenten",
            audience_en="students",
            summary_en="Give students insight into their own activity and progress within courses so they can "
            "regulate their own learning.",
            ref=_ref(f"{_AREAS} > Gebied 1 > 1a"),
            terms=(
                "zelfregulatie",
                "self-regulat",
                "eigen voortgang",
                "own progress",
                "eigen leeractiviteit",
                "studenten inzicht",
                "students insight",
                "students see their",
                "student dashboard",
                "own activity",
                "eigen activiteit",
                "their own",
                "hun eigen",
                "reguleren",
                "regulate",
                "voortgang",
                "progress",
            ),
            cues=_COURSE_NOW + ("student", "zelf", "own", "self", "reflect", "feedback"),
        ),
        Area(
            key="1b",
            kind="area",
            group=1,
            label_nl="Docenten: voortgang per student en groep tijdens de cursus",
            label_en="Teachers: progress per student and group during the course",
            audience_nl="docenten",
            audience_en="teachers",
            summary_en="Give teachers insight into progress within courses at individual and group level to "
            "make personalised teaching possible.",
            ref=_ref(f"{_AREAS} > Gebied 1 > 1b"),
            terms=(
                "gepersonaliseerd onderwijs",
                "personalised teaching",
                "personalized",
                "groepsniveau",
                "group level",
                "docenten inzicht",
                "teachers insight",
                "docent ziet",
                "teacher dashboard",
                "per student",
                "individual student",
                "individuele student",
                "individueel",
                "group progress",
                "progress per",
                "voortgang per",
                "hoe ver",
                "how far",
                "monitor",
                "voortgang",
                "progress",
                "docent",
                "teacher",
                "lecturer",
            ),
            cues=_COURSE_NOW + ("docent", "teacher", "lecturer", "instructor", "groep", "group", "personali"),
        ),
        Area(
            key="2a",
            kind="area",
            group=2,
            label_nl="Docenten: gebruik en kwaliteit van cursusmateriaal na afloop",
            label_en="Teachers: use and quality of course material, after the course",
            audience_nl="docenten",
            audience_en="teachers",
            summary_en="Give teachers insight into the use and quality of their course material so they keep "
            "improving and innovating their practice.",
            ref=_ref(f"{_AREAS} > Gebied 2 > 2a"),
            terms=(
                "cursusmateriaal",
                "course material",
                "lesmateriaal",
                "teaching material",
                "video",
                "kennisclip",
                "gebruik van materiaal",
                "use of material",
                "cursusontwikkeling",
                "course development",
                "material",
                "materiaal",
                "after my course",
                "course has finished",
                "course has ended",
                "afgelopen",
                "na afloop van mijn",
            ),
            cues=_AFTER
            + ("docent", "teacher", "lecturer", "materia", "video", "quiz", "verbeter", "improve"),
        ),
        Area(
            key="2b",
            kind="area",
            group=2,
            label_nl="Opleidingsdirecteuren: kwaliteit van cursussen en curricula",
            label_en="Programme directors: quality of courses and curricula",
            audience_nl="opleidingsdirecteuren",
            audience_en="programme directors",
            summary_en="Give programme directors insight into the quality of courses and curricula and their "
            "development within their programme.",
            ref=_ref(f"{_AREAS} > Gebied 2 > 2b"),
            terms=(
                "curriculum",
                "curricula",
                "curriculumontwikkeling",
                "curriculum development",
                "kwaliteit van cursussen",
                "quality of courses",
                "opleidingsdirecteur",
                "programme director",
                "program director",
                "onderwijsdirecteur",
            ),
            cues=_AFTER
            + (
                "opleidingsdirecteur",
                "programme director",
                "program director",
                "curricul",
                "opleiding",
                "programme",
                "kwaliteitszorg",
                "quality assurance",
            ),
        ),
        Area(
            key="3a",
            kind="area",
            group=3,
            label_nl="Studenten: bereikte competenties, LA-dashboardportfolio",
            label_en="Students: competences reached, LA dashboard portfolio",
            audience_nl="studenten",
            audience_en="students",
            summary_en="Give students insight into the skills, expertise or competences they reached through a "
            "learning analytics dashboard portfolio.",
            ref=_ref(f"{_AREAS} > Gebied 3 > 3a"),
            terms=(
                "portfolio",
                "dashboard portfolio",
                "competenties bereiken",
                "competences reached",
                "vaardigheden bereikt",
                "skills reached",
            ),
            cues=_COMPETENCE + ("portfolio", "student", "eigen", "own"),
        ),
        Area(
            key="3b",
            kind="area",
            group=3,
            label_nl="Docenten, tutoren, studieadviseurs: ontwikkeling van vaardigheden",
            label_en="Teachers, tutors, study advisors: development of skills",
            audience_nl="docenten, tutoren en studieadviseurs",
            audience_en="teachers, tutors and study advisors",
            summary_en="Give teachers, tutors and study advisors insight into the development of students' "
            "skills or competences.",
            ref=_ref(f"{_AREAS} > Gebied 3 > 3b"),
            terms=(
                "tutor",
                "studieadviseur",
                "study advisor",
                "study adviser",
                "mentor",
                "ontwikkeling van vaardigheden",
                "skill development",
                "development of competences",
            ),
            cues=_COMPETENCE + ("tutor", "studieadviseur", "study advis", "mentor", "begeleid", "coach"),
        ),
        Area(
            key="3c",
            kind="area",
            group=3,
            label_nl="Opleidingsdirecteuren: studiepaden en competenties",
            label_en="Programme directors: study paths and competences",
            audience_nl="opleidingsdirecteuren",
            audience_en="programme directors",
            summary_en="Give programme directors information about study paths and competences.",
            ref=_ref(f"{_AREAS} > Gebied 3 > 3c"),
            terms=(
                "studiepad",
                "study path",
                "leerpad",
                "learning path",
                "keuzevak",
                "elective",
                "studieroute",
                "route",
                "routes",
                "paths",
                "doorstroom",
                "progression through",
            ),
            cues=_COMPETENCE
            + (
                "opleidingsdirecteur",
                "programme director",
                "program director",
                "studiepad",
                "study path",
                "route",
                "keuze",
            ),
        ),
        Area(
            key="4a",
            kind="area",
            group=4,
            label_nl="Voorspellende modellen: factoren voor voortgang en uitval",
            label_en="Predictive models: factors related to progress and drop-out",
            audience_nl="onderzoekers en beleidsmakers",
            audience_en="researchers and policy makers",
            summary_en="Use predictive models to establish which factors relate to students' progress and "
            "drop-out.",
            ref=_ref(f"{_AREAS} > Gebied 4 > 4a"),
            terms=(
                "voorspellende model",
                "voorspel",
                "predict",
                "factoren",
                "factors",
                "studie-uitval",
                "drop-out",
                "dropout",
                "uitval",
                "studievertraging",
                "study delay",
                "studiesucces",
                "study success",
            ),
            cues=_PREDICT + ("factor", "verband", "relat", "correlat", "regressie", "regression", "cohort"),
        ),
        Area(
            key="4b",
            kind="area",
            group=4,
            label_nl="Studenten identificeren die extra aandacht nodig hebben",
            label_en="Identifying students who need further attention",
            audience_nl="studieadviseurs en docenten",
            audience_en="study advisors and teachers",
            summary_en="Identify students who need further attention with the help of predictive models.",
            ref=_ref(f"{_AREAS} > Gebied 4 > 4b"),
            terms=(
                "identificeren van studenten",
                "identify students",
                "verdere aandacht",
                "further attention",
                "extra aandacht",
                "extra attention",
                "risicostudent",
                "students at risk",
                "at-risk students",
                "voorspel",
                "predict",
                "opsporen",
                "find students",
                "detect students",
                "extra begeleiding",
                "extra support",
                "signaleren",
                "flag students",
                "early warning",
                "list of students",
                "lijst van studenten",
                "lijst met studenten",
                "which students",
                "welke studenten",
                "dreigen uit te vallen",
            ),
            cues=_PREDICT
            + (
                "identific",
                "identify",
                "signal",
                "flag",
                "aandacht",
                "attention",
                "benader",
                "contact",
                "intervent",
                "outreach",
            ),
        ),
    ]
}
AREA_IDS: tuple[str, ...] = tuple(AREAS)

# --------------------------------------------------------------------------- values (3.1)

VALUES: dict[str, Concept] = {
    c.key: c
    for c in [
        Concept(
            key="transparency",
            kind="value",
            label_nl="Transparantie",
            label_en="Transparency",
            ref=_ref(f"{_VALUES} > Transparantie"),
            terms=(
                "transparan",
                "transparen",
                "geïnformeerd",
                "informed",
                "openness",
                "open about",
                "tell",
                "vertel",
                "notify",
                "notific",
                "weten dat",
                "know that",
                "aware",
                "op de hoogte",
            ),
        ),
        Concept(
            key="accountability",
            kind="value",
            label_nl="Verantwoordelijkheid",
            label_en="Responsibility (accountability)",
            ref=_ref(f"{_VALUES} > Verantwoordelijkheid"),
            terms=(
                "verantwoordelijk",
                "responsib",
                "aansprakelijk",
                "accountab",
                "liable",
                "liability",
                "verwerkingsverantwoordelijke",
                "controller",
            ),
        ),
        Concept(
            key="fair_balancing",
            kind="value",
            label_nl="Eerlijke afweging",
            label_en="Fair balancing of interests",
            ref=_ref(f"{_VALUES} > Eerlijke afweging"),
            terms=("eerlijk", "afweg", "belangen", "interests", "fair", "balanc", "weigh"),
        ),
        Concept(
            key="reliable_analyses",
            kind="value",
            label_nl="Betrouwbare en valide analyses",
            label_en="Reliable and valid analyses",
            ref=_ref(f"{_VALUES} > Betrouwbare en valide analyses"),
            terms=(
                "betrouwba",
                "valide",
                "validit",
                "reliab",
                "valid analys",
                "middelen",
                "resources",
                "kwaliteit van analyses",
                "quality of analys",
                "expertise",
                "training of staff",
                "statisti",
                "kennis",
                "knowledge",
                "ondersteuning",
                "support staff",
                "tools",
                "middelen",
                "medewerkers",
                "staff",
            ),
        ),
        Concept(
            key="human_in_the_loop",
            kind="value",
            label_nl="Human in the loop",
            label_en="Human in the loop",
            ref=_ref(f"{_VALUES} > Human in the loop"),
            terms=(
                "human in the loop",
                "menselijke",
                "mens ",
                "human",
                "person involved",
                "persoon betrokken",
                "interpretatie",
                "interpret",
                "automated decision",
                "geautomatiseerde besluit",
                "automatisch besl",
                "decide automatically",
                "beslissingen",
                "decisions",
                "zelfstandig",
                "on its own",
                "automatisch",
                "automatic",
                "zonder dat iemand",
                "without anyone",
                "autonom",
                "without a human",
                "zonder tussenkomst",
                "zonder mens",
                "beslis",
                "decide",
                "decision",
            ),
        ),
    ]
}

# --------------------------------------------------------------------------- principles (3.2 and contract keys)

_CATEGORIES = f"{_PRIV} > Categorieën persoonsgegevens"
_BASIS = f"{_PRIV} > Rechtmatige grondslag"
_PURPOSE = f"{_PRIV} > Doelbinding"
_TRANSP = f"{_PRIV} > Transparantie"

PRINCIPLES: dict[str, Concept] = {
    c.key: c
    for c in [
        Concept(
            key="area",
            kind="principle",
            label_nl="Toepassingsgebied",
            label_en="Application area",
            ref=_ref(
                _AREAS,
                "Alle LA-projectvoorstellen dienen binnen één (of meerdere) van deze gebieden te vallen.",
            ),
            terms=(
                "toepassingsgebied",
                "application area",
                "gebieden",
                "areas",
                "doeleinden",
                "purposes of la",
                "waarvoor",
                "what for",
                "allowed uses",
                "aanvaardbaar",
                "acceptable",
                "binnen welk gebied",
            ),
        ),
        Concept(
            key="data_categories",
            kind="principle",
            label_nl="Alleen algemene persoonsgegevens",
            label_en="Only general personal data",
            ref=_ref(_CATEGORIES),
            terms=(
                "categorie",
                "category",
                "categories",
                "algemene persoonsgegevens",
                "general personal data",
                "bijzondere",
                "special categor",
                "gevoelige",
                "sensitive",
                "gezondheid",
                "health",
                "medisch",
                "medical",
                "etnici",
                "ethnic",
                "ras ",
                "race",
                "religie",
                "religion",
                "geloof",
                "belief",
                "politiek",
                "political",
                "vakbond",
                "trade union",
                "genetisch",
                "genetic",
                "biometri",
                "seksuele",
                "sexual",
                "strafrecht",
                "criminal",
                "bsn",
                "burgerservicenummer",
                "social security number",
                "financi",
                "handicap",
                "disabilit",
                "functiebeperking",
                "diagnos",
                "dyslex",
                "adhd",
                "nationalit",
                "migrat",
                "afkomst",
                "origin",
                "soorten persoonsgegevens",
                "soorten gegevens",
                "kind of personal data",
                "kinds of personal data",
                "types of personal data",
                "type of personal data",
                "which personal data",
                "what personal data",
                "welke persoonsgegevens",
                "welke gegevens",
            ),
        ),
        Concept(
            key="legal_basis",
            kind="principle",
            label_nl="Rechtmatige grondslag",
            label_en="Lawful basis",
            ref=_ref(_BASIS),
            terms=(
                "grondslag",
                "rechtmatig",
                "lawful",
                "legal basis",
                "legal ground",
                "legal bases",
                "lawfulness",
                "algemeen belang",
                "public interest",
                "publieke taak",
                "public task",
                "toestemming",
                "consent",
                "article 6",
                "artikel 6",
            ),
        ),
        Concept(
            key="informed_consent",
            kind="principle",
            label_nl="Informed consent en ethische toetsing",
            label_en="Informed consent and ethics review",
            ref=_ref(
                f"{_BASIS} > LA-onderzoeksprojecten",
                "Onderzoek wordt pas uitgevoerd nadat een deelnemer is geïnformeerd en informed consent "
                "heeft gegeven, zoals vereist door de Facultaire Ethische Toetsingscommissies.",
            ),
            terms=(
                "informed consent",
                "geïnformeerde toestemming",
                "ethische toetsing",
                "ethics committee",
                "ethics review",
                "ethical review",
                "fetc",
                "toetsingscommissie",
                "irb",
                "approval",
                "goedkeuring",
                "ethische goedkeuring",
                "deelnemer",
                "participant",
                "onderzoek",
                "research",
                "ethische commissie",
                "ethics commission",
                "ethics board",
                "commissie",
                "committee",
            ),
        ),
        Concept(
            key="purpose_limitation",
            kind="principle",
            label_nl="Doelbinding",
            label_en="Purpose limitation",
            ref=_ref(
                _PURPOSE,
                "Doelbinding: persoonsgegevens mogen alleen worden verwerkt voor specifieke, "
                "uitdrukkelijk omschreven en gerechtvaardigde doeleinden die vooraf zijn "
                "gedefinieerd.",
            ),
            terms=(
                "doelbinding",
                "purpose limitation",
                "doeleinde",
                "purpose",
                "hergebruik",
                "reuse",
                "re-use",
                "ander doel",
                "other purpose",
                "different purpose",
                "new purpose",
                "vooraf",
                "in advance",
                "specifiek doel",
                "specific purpose",
                "explore",
                "verkennen",
                "see what comes",
                "fishing",
                "van tevoren",
                "beforehand",
                "vastliggen",
                "zoveel mogelijk",
                "collect everything",
                "alles verzamelen",
                "just in case",
                "voor de zekerheid",
            ),
        ),
        Concept(
            key="necessity",
            kind="principle",
            label_nl="Noodzakelijkheidstoets",
            label_en="Necessity test",
            ref=_ref(
                _PURPOSE,
                "Voor elk LA-project zal de Universiteit Utrecht de noodzakelijkheidstoets "
                "uitvoeren, d.w.z. of het gebruik van de persoonsgegevens noodzakelijk is of dat "
                "het omschreven doel ook zonder verwerking van persoonsgegevens kan worden "
                "bereikt.",
            ),
            terms=(
                "noodzakelijk",
                "necess",
                "necessity",
                "anoniem",
                "anonym",
                "zonder persoonsgegevens",
                "without personal data",
                "dataminimalisatie",
                "data minimi",
                "minimis",
                "proportional",
                "proportionaliteit",
                "subsidiariteit",
                "subsidiarity",
                "aggregat",
                "geaggregeerd",
            ),
        ),
        Concept(
            key="prohibited_ai",
            kind="principle",
            label_nl="Verboden AI-praktijken (AI-act)",
            label_en="AI Act prohibited practices",
            ref=_ref(
                _PURPOSE,
                "Dit betekent ook dat wanneer AI wordt gebruikt in de LA-cyclus, er wordt "
                "gecontroleerd of er sprake is van verboden AI-praktijken zoals beschreven in de "
                "AI-act. Elk AI-algoritme dat leidt tot manipulatieve, misleidende of "
                "discriminerende LA-systemen is verboden.",
            ),
            terms=(
                "verboden",
                "prohibited",
                "forbidden",
                "banned",
                "ai-act",
                "ai act",
                "ai-verordening",
                "manipula",
                "misleid",
                "mislead",
                "deceptive",
                "discrimin",
                "bias",
                "emotieherkenning",
                "emotion recognition",
                "social scoring",
                "uit den boze",
                "niet toegestaan",
                "not allowed",
                "mag niet",
                *_AI_WORDS,
                "algoritme",
                "algorithm",
                "ai-toepassing",
                "ai application",
                "benadel",
                "benadeel",
                "disadvantag",
                "unfair",
                "oneerlijk",
                "manipulat",
            ),
        ),
        Concept(
            key="storage_limitation",
            kind="principle",
            label_nl="Opslagbeperking",
            label_en="Storage limitation",
            ref=_ref(f"{_PRIV} > Opslagbeperking"),
            terms=(
                "opslagbeperking",
                "storage limitation",
                "bewaar",
                "bewaren",
                "bewaartermijn",
                "retention",
                "no longer need",
                "niet meer nodig",
                "bewaard",
                "afgerond",
                "finished project",
                "project is finished",
                "project has ended",
                "einde van het project",
                "end of the project",
                "after the project",
                "na het project",
                "na afloop van het project",
                "retain",
                "keep",
                "kept",
                "store",
                "stored",
                "opslag",
                "verwijder",
                "delete",
                "deletion",
                "wissen",
                "erase",
                "onherkenbaar",
                "anonymi",
                "pseudonymi",
                "how long",
                "hoe lang",
            ),
        ),
        Concept(
            key="transparency",
            kind="principle",
            label_nl="Transparantie: privacyverklaring",
            label_en="Transparency: privacy statement",
            ref=_ref(
                _TRANSP,
                "Transparantie: elk LA-project vereist een privacyverklaring waarin aan de "
                "betrokkenen wordt uitgelegd welke persoonsgegevens worden verzameld, gebruikt, "
                "geraadpleegd of verwerkt, en waarom en door wie dat gebeurt.",
            ),
            terms=(
                "privacyverklaring",
                "privacy statement",
                "privacy notice",
                "privacy policy statement",
                "informeren",
                "inform",
                "told",
                "te horen",
                "weten welke",
                "know which",
                "betrokkenen",
                "data subjects",
                "transparan",
                "transparen",
            ),
        ),
        Concept(
            key="ai_documentation",
            kind="principle",
            label_nl="Documentatie van AI",
            label_en="AI documentation",
            ref=_ref(
                _TRANSP,
                "Wanneer er AI wordt gebruikt in een LA-project, zullen de modellen, "
                "trainingsdata en besluitvormingsprocessen allemaal gedocumenteerd worden.",
            ),
            terms=(
                "documentat",
                "gedocumenteerd",
                "documented",
                "trainingsdata",
                "training data",
                "modellen",
                "models",
                "besluitvormingsproces",
                "decision process",
                "decision-making process",
                "model card",
                "explainab",
                "uitlegbaar",
                *_AI_WORDS,
                "vastleggen",
                "record",
                "beslislogica",
                "decision logic",
            ),
        ),
        Concept(
            key="security",
            kind="principle",
            label_nl="Passende technische en organisatorische maatregelen",
            label_en="Appropriate technical and organisational measures",
            ref=_ref(f"{_PRIV} > Passende technische en organisatorische maatregelen"),
            terms=(
                "beveilig",
                "secur",
                "maatregel",
                "measures",
                "technisch",
                "technical",
                "organisatorisch",
                "organisational",
                "organizational",
                "encrypt",
                "versleutel",
                "toegang",
                "access control",
                "datalek",
                "data breach",
                "breach",
                "verlies",
                "loss",
                "lost",
                "ongeoorloofd",
                "unauthori",
                "hack",
                "protect",
                "bescherm",
            ),
        ),
        Concept(
            key="privacy_scan",
            kind="principle",
            label_nl="Privacyscan",
            label_en="Privacy scan",
            ref=_ref(f"{_PRIV} > Privacyscan"),
            terms=(
                "privacyscan",
                "privacy scan",
                "dpia",
                "pia",
                "gegevensbeschermingseffect",
                "impact assessment",
                "hoog risico",
                "high risk",
                "risicoanalyse",
                "risk assessment",
                "rechten en vrijheid",
                "rights and freedom",
            ),
        ),
        Concept(
            key="ai_officer",
            kind="principle",
            label_nl="AI-officer betrekken",
            label_en="Involve the AI officer",
            ref=_ref(f"{_PRIV} > AI-officer"),
            terms=(
                "ai-officer",
                "ai officer",
                "ai-functionaris",
                "risico's van ai",
                "risks of ai",
                "ai risk",
                "ai-risico",
                "wie beoordeelt ai",
                "who assesses ai",
                "betrekken",
                "involve",
                "erbij halen",
                "inschakelen",
                "consult",
                *_AI_WORDS,
                "algoritme",
                "algorithm",
                "beoordeel",
                "assess",
                "risico's",
                "risks",
            ),
        ),
        Concept(
            key="human_in_the_loop",
            kind="principle",
            label_nl="Human in the loop",
            label_en="Human in the loop",
            ref=VALUES["human_in_the_loop"].ref,
            terms=VALUES["human_in_the_loop"].terms,
        ),
        Concept(
            key="fair_balancing",
            kind="principle",
            label_nl="Eerlijke afweging van belangen",
            label_en="Fair balancing of interests",
            ref=VALUES["fair_balancing"].ref,
            terms=VALUES["fair_balancing"].terms,
        ),
        Concept(
            key="reliable_analyses",
            kind="principle",
            label_nl="Betrouwbare en valide analyses",
            label_en="Reliable and valid analyses",
            ref=VALUES["reliable_analyses"].ref,
            terms=VALUES["reliable_analyses"].terms,
        ),
        Concept(
            key="accountability",
            kind="principle",
            label_nl="Verantwoordelijkheid",
            label_en="Responsibility (accountability)",
            ref=VALUES["accountability"].ref,
            terms=VALUES["accountability"].terms,
        ),
    ]
}
PRINCIPLE_KEYS: tuple[str, ...] = tuple(PRINCIPLES)

# --------------------------------------------------------------------------- topics (other passages)

TOPICS: dict[str, Concept] = {
    c.key: c
    for c in [
        Concept(
            key="definition",
            kind="topic",
            label_nl="Definitie van learning analytics",
            label_en="Definition of learning analytics",
            ref=_ref(
                "1. Definitie en scope van learning analytics",
                'LA wordt gedefinieerd als "het meten, verzamelen, analyseren en rapporteren van data '
                "(gegevens) over studenten (leerlingen) en hun leeromgeving, met als doel het leren en de "
                'omgeving waarin het plaatsvindt te begrijpen en te optimaliseren".',
            ),
            terms=(
                "definitie",
                "definition",
                "define",
                "gedefinieerd",
                "wat is learning analytics",
                "what is learning analytics",
                "what are learning analytics",
                "wat verstaat",
                "verstaan onder",
                "meaning of",
                "betekent learning analytics",
                "what does learning analytics mean",
                "scope",
                "leeromgeving",
                "learning environment",
                "valt onder learning analytics",
                "onder learning analytics",
                "count as learning analytics",
                "rapporten",
                "reports",
                "rapporteren",
                "reporting",
                "teruggekoppeld",
                "fed back",
                "feed back",
                "feedback loop",
                "terugkoppel",
            ),
        ),
        Concept(
            key="la_cycle",
            kind="topic",
            label_nl="De LA-cyclus",
            label_en="The LA cycle",
            ref=_ref(
                "1. Definitie en scope van learning analytics",
                "De LA-cyclus begint met studenten die deelnemen aan leeractiviteiten aan de "
                "Universiteit Utrecht.",
            ),
            terms=(
                "cyclus",
                "cycle",
                "circulair",
                "circular",
                "stappen",
                "steps",
                "interventie",
                "intervention",
                "digitale sporen",
                "digital traces",
                "chow",
            ),
        ),
        Concept(
            key="introduction",
            kind="topic",
            label_nl="Doel van learning analytics",
            label_en="Why the university uses learning analytics",
            ref=_ref("Introductie"),
            terms=(
                "digitale sporen",
                "digital traces",
                "hoogwaardig onderwijs",
                "high-quality education",
                "why learning analytics",
                "waarom learning analytics",
                "cijfers",
                "grades",
                "ingeleverde opdrachten",
                "assignments",
                "cursusomgeving",
                "course environment",
                "lms",
                "why",
                "waarom",
                "nut van",
                "purpose of learning analytics",
            ),
        ),
        Concept(
            key="vision",
            kind="topic",
            label_nl="Visie: LA in het primaire leerproces",
            label_en="Vision: LA in the primary learning process",
            ref=_ref(_AREAS),
            terms=(
                "visie",
                "vision",
                "primaire leerproces",
                "primary learning process",
                "vier gebieden",
                "four areas",
                "toepassingsgebieden",
                "application areas",
                "goals",
                "doelen",
                "aims",
            ),
        ),
        *[
            Concept(
                key=f"area_group_{n}",
                kind="topic",
                label_nl=f"Gebied {n}",
                label_en=f"Area {n}",
                ref=_ref(f"{_AREAS} > Gebied {n}"),
                terms=(f"gebied {n}", f"area {n}", f"domain {n}", f"toepassingsgebied {n}"),
            )
            for n in range(1, 5)
        ],
        Concept(
            key="document_scope",
            kind="topic",
            label_nl="Over dit document",
            label_en="About this document",
            ref=_ref(
                "Introductie",
                "Dit document is een samenvatting van de visie van de Universiteit Utrecht op "
                "de doeleinden waarvoor LA kan worden ingezet, en de ethische en juridische "
                "kaders die we voor LA aanhouden.",
            ),
            terms=(
                "samenvatting",
                "summary",
                "summarise",
                "langere versie",
                "longer version",
                "full version",
                "volledige versie",
                "uitgebreid",
                "detailed version",
                "origineel",
                "original document",
                "dit document",
                "this document",
                "hele beleid",
                "whole policy",
                "full policy",
            ),
        ),
        Concept(
            key="legal_frameworks",
            kind="topic",
            label_nl="Wettelijke en ethische kaders",
            label_en="Legal and ethical frameworks",
            ref=_ref("3. Ethische en juridische uitgangspunten voor learning analytics"),
            terms=(
                "avg",
                "gdpr",
                "wet",
                "law",
                "laws",
                "kader",
                "framework",
                "surf",
                "referentiekader",
                "ai-act",
                "ai act",
                "ai-beleid",
                "ai policy",
                "regelgeving",
                "regulation",
                "comply",
                "update",
                "bijgewerkt",
            ),
        ),
        Concept(
            key="values_overview",
            kind="topic",
            label_nl="Vijf ethische waarden",
            label_en="Five ethical values",
            ref=_ref(_VALUES),
            terms=("ethische waarden", "ethical values", "waarden", "values", "ethiek", "ethics", "ethical"),
        ),
        Concept(
            key="principles_overview",
            kind="topic",
            label_nl="Privacy-principes",
            label_en="Privacy principles",
            ref=_ref(_PRIV),
            terms=(
                "privacy-principes",
                "privacyprincipes",
                "privacy principles",
                "privacy rules",
                "privacyregels",
            ),
        ),
        Concept(
            key="legal_basis_implementation",
            kind="topic",
            label_nl="Grondslag implementatieprojecten",
            label_en="Lawful basis of implementation projects",
            ref=_ref(f"{_BASIS} > LA-implementatieprojecten"),
            terms=(
                "implementatie",
                "implementation",
                "langdurig",
                "long-term",
                "long term",
                "structureel",
                "permanent",
                "publieke taak",
                "public task",
                "algemeen belang",
                "public interest",
            ),
        ),
        Concept(
            key="legal_basis_research",
            kind="topic",
            label_nl="Grondslag onderzoeksprojecten",
            label_en="Lawful basis of research projects",
            ref=_ref(f"{_BASIS} > LA-onderzoeksprojecten"),
            terms=(
                "onderzoek",
                "research",
                "fundamenteel",
                "fundamental",
                "wetenschappelijk",
                "scientific",
                "handboek",
                "handbook",
                "data privacy handbook",
                "promotie",
                "phd",
                "proefschrift",
                "dissertation",
                "tijdelijk",
                "temporary",
                "pilot",
                "toestemming",
                "consent",
                "informed consent",
                "ethische toetsing",
                "ethics committee",
                "fetc",
                "uitzonderlijk",
                "exceptional",
            ),
        ),
    ]
}

ALL_CONCEPTS: tuple[Concept, ...] = (
    *AREAS.values(),
    *VALUES.values(),
    *PRINCIPLES.values(),
    *TOPICS.values(),
)


# --------------------------------------------------------------------------- lookups


def normalize(text: str) -> str:
    """Lower case, accents folded, whitespace collapsed (for term matching)."""
    folded = unicodedata.normalize("NFKD", text.lower())
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return " ".join(folded.replace("’", "'").split())


@lru_cache(maxsize=1)
def _term_patterns() -> list[tuple[Concept, re.Pattern]]:
    out = []
    for concept in ALL_CONCEPTS:
        terms = [normalize(t) for t in concept.terms if t.strip()]
        if terms:
            alternation = "|".join(re.escape(t) for t in sorted(set(terms), key=len, reverse=True))
            out.append((concept, re.compile(r"(?<![\w-])(?:" + alternation + r")")))
    return out


def match_concepts(text: str) -> list[tuple[Concept, int]]:
    """Concepts whose terms occur in `text` (prefix match at a word start), with the number of hits."""
    norm = normalize(text)
    hits = []
    for concept, pattern in _term_patterns():
        n = len(pattern.findall(norm))
        if n:
            hits.append((concept, n))
    return hits


@lru_cache(maxsize=1)
def _corpus_passages() -> tuple:
    from assistant.corpus import load_passages

    return tuple(p for p in load_passages() if p.retrievable)


def passage_for(ref: Ref):
    """The corpus passage a pointer names: its section, and the one holding `quote` where several share it."""
    candidates = [p for p in _corpus_passages() if p.source == ref.source and p.section == ref.section]
    if ref.quote:
        candidates = [p for p in candidates if ref.quote in p.text]
    if not candidates:
        raise KeyError(f"no passage {ref.source} :: {ref.section} holding {ref.quote[:40]!r}")
    return candidates[0]
