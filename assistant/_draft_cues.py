"""Cue lexicons of the deterministic drafter: Dutch and English words that place an idea in the policy.

Which group of section 2 (when the insight is used), who gets the insight, which data, AI and
research cues, and a function-word language guess. Private to `drafter.py`; no I/O.
"""

from __future__ import annotations

import re

from .terms import normalize

# --------------------------------------------------------------------------- lexicons


def _lex(*terms: str) -> re.Pattern:
    """'term*' = word prefix, '*term*' = anywhere in a word (Dutch compounds), else a whole word."""
    parts = []
    for t in map(normalize, terms):
        infix = t.startswith("*")
        core = t.strip("*")
        body = re.escape(core) + (r"[\w-]*" if t.endswith("*") else r"(?![\w])")
        parts.append((r"[\w-]*" if infix else r"(?<![\w])") + body)
    return re.compile("|".join(sorted(parts, key=len, reverse=True)))


# Groups of section 2 (when and at what level the insight is used): (strong cues, weak cues).
_GROUPS: dict[int, tuple[re.Pattern, re.Pattern]] = {
    1: (_lex("tijdens", "during", "gedurende", "lopende cursus", "while the course", "real-time", "realtime",
             "real time", "live", "wekelijks*", "weekly", "elke week", "each week", "every week", "halverwege",
             "midway", "mid-term", "tussentijds*", "zelfregulat*", "self-regulat*", "bijsturen", "on track",
             "achterlop*", "falling behind", "fall behind", "lag behind", "lopende periode", "during the term",
             "during the semester", "this term", "vastlop*", "stuck"),
        _lex("voortgang", "progress", "*quiz*", "*toets", "*toetsen", "oefenopdracht*", "exercises", "problem set*",
             "autograder*", "*opdracht", "*opdrachten", "assignment*", "inlever*", "submitted", "submission*",
             "*werkgroep*", "*college", "*colleges", "tutorial*", "practicum*", "feedback", "logged in", "inlog*",
             "aanwezigheid", "attendance", "herinnering*", "reminder*", "nudge*", "deadline*", "stemvragen",
             "bijeenkomst*", "doorgewerkt", "planning", "huiswerk*", "*opgaven", "homework",
             "in de les", "lessen", "worksheet*", "problem sets", "lab report*")),
    2: (_lex("na afloop van de cursus", "na afloop van mijn cursus", "na afloop van elke cursus",
             "after the course", "after the final exam", "course ends", "volgend jaar", "volgende studiejaar",
             "volgend studiejaar", "next year", "next year's", "next run", "next edition", "herontwerp*",
             "redesign*", "herzie*", "herziening*", "rework", "revis*", "*materiaal", "*materialen",
             "course material*", "teaching material*", "kennisclip*", "curricul*", "slagingspercentage*",
             "pass rate*", "cijferverdeling*", "grade distribution*", "itemanalyse*", "item analysis",
             "rendement*", "doorstroom*", "kwaliteitszorg", "quality assurance", "accreditat*",
             "cursusevaluatie*", "course evaluation*", "reading list"),
        _lex("na afloop", "afgelopen", "previous", "vorige", "vorig jaar", "dit jaar", "last year", "past years",
             "past three years", "eerdere jaren", "materials", "video*", "lecture recording*", "weblecture*",
             "module", "modules", "evaluatie*", "evaluation*", "kwaliteit van", "quality of", "jaarlijks*",
             "annual", "per jaar", "each year", "knelpunt*", "terugkijk*", "look back", "achteraf", "readings",
             "podcast*", "slides", "literatuur*", "opzet", "after each", "na elk*", "*vakken", "is over",
             "voorbij", "has ended", "ended", "has finished", "finished", "rewatch*", "viewing", "next time",
             "volgende keer", "rewrite*", "herschrijv*", "oude programma", "nieuwe programma",
             "old programme", "new programme", "effect van", "effect of", "geleid tot", "led to")),
    3: (_lex("competentie*", "*competenties", "competenc*", "vaardighe*", "*vaardigheden", "skill*",
             "leeruitkomst*", "learning outcome*", "eindterm*", "portfolio*", "e-portfolio*", "*portfolio*",
             "leerlijn*", "studiepad*", "study path*", "keuzevak*", "elective*",
             "minors", "specialisati*", "graduate profile", "afstudeerprofiel*"),
        _lex("over cursussen heen", "across courses", "across their courses", "across the", "tussen cursussen",
             "meerdere cursussen", "verschillende cursussen", "different courses", "several courses",
             "multiple courses", "over alle", "leerpad*", "learning path*", "studieroute*", "profiel*", "tracks", "track structure", "expertise",
             "raamplan", "volgorde", "in which order", "combinaties van", "combine", "combination*", "doorlopen",
             "route", "routes", "ontwikkeling van", "development of", "develop over", "develops", "ontwikkelt",
             "ontwikkelen zich", "stages", "internship*")),
    4: (_lex("voorspel*", "predict*", "forecast*", "prognos*", "uitval", "uitvallen", "uit te vallen",
             "drop-out*", "dropout*", "drop out", "dropping out", "studievertraging*", "study delay*",
             "studiesucces", "study success", "at risk", "at-risk", "risk score*", "risicoscore*", "risk of",
             "risico op", "early warning*", "early-warning*", "vroegsignal*", "machine learning",
             "machine-learning*", "algoritme*", "algorithm*", "ai", "kunstmatige intelligentie",
             "artificial intelligence", "random forest*", "graduating on time", "nominale studieduur",
             "gaan stoppen", "stoppen met de studie", "stoppen met hun studie", "leaving the programme",
             "leave the programme", "leave their studies", "stop their studies", "uitschrijv*", "withdraw*"),
        _lex("vertraging", "delay", "model", "models", "modellen", "bsa*", "bindend studieadvies", "nominal",
             "likely to", "waarschijnlijk", "kans op", "dreigen", "dreigt", "struggl*", "risico*", "signaleren",
             "on time", "afstuderen", "graduating", "regressi*", "propedeuse", "binnen een jaar", "within a year",
             "iets zeggen over", "zegt iets over", "indicator*", "indicatoren", "finish their", "to finish")),
}
# Who gets the insight: (receiver phrasing, plain mention).
_AUDIENCE: dict[str, tuple[re.Pattern, re.Pattern]] = {
    "students": (
        _lex("studenten zien", "student ziet", "students see", "students can see", "students can track",
             "studenten kunnen", "students get", "students can", "studenten krijgen", "krijgen studenten",
             "students receive", "voor studenten", "for students", "zelf", "zichzelf", "themselves",
             "for themselves", "hun eigen", "their own", "zelfregulat*", "self-regulat*", "zelfreflectie",
             "self-reflection", "studentdashboard*", "student dashboard*", "persoonlijk overzicht",
             "personal overview", "progress page", "plan their", "laat zien", "laten zien", "shows students",
             "showing students", "students get a", "nudge*", "self-assessment", "zelfevaluatie",
             "zelfbeoordeling", "ownership"),
        _lex("eigen", "own", "reflect*")),
    "teachers": (
        _lex("docent ziet", "docenten zien", "docenten willen", "docent wil", "teachers see", "teachers want",
             "teacher sees", "voor docenten", "for teachers", "for the teachers", "als docent", "as a teacher",
             "as a lecturer", "as course coordinator", "als vakcoordinator", "docentendashboard*",
             "teacher dashboard*", "willen docenten", "wil de docent", "krijgen docenten", "krijgt de docent",
             "kunnen docenten", "docenten gebruiken", "teachers use", "docenten de", "teachers to",
             "mijn studenten", "my students", "teaching assistants see", "assistants see"),
        _lex("docent", "docenten", "teacher*", "lecturer*", "instructor*", "cursuscoordinator*",
             "course coordinator*", "werkgroepdocent*", "cursusteam*", "course team*", "teaching team*",
             "vakcoordinator*", "i teach", "mijn cursus", "my course")),
    "advisors": (
        _lex("tutor", "tutoren", "tutors", "tutees", "mentor", "mentoren", "mentors", "mentee*", "studieadviseur*",
             "study advis*", "academic advis*", "studiebegeleid*", "scriptiebegeleider*", "coach*",
             "counsellor*", "counselor*", "student support", "studentendecaan*", "mentorgesprek*"),
        _lex("supervisor*", "begeleider*", "begeleiding")),
    "directors": (
        _lex("opleidingsdirecteur*", "programme director*", "program director*", "onderwijsdirecteur*",
             "director of education", "opleidingsdirectie", "opleidingscommissie*", "programme committee*",
             "education committee", "curriculumcommissie*", "onderwijsdecaan", "vice-dean",
             "faculteitsbestuur", "faculty board", "opleidingscoordinator*", "programme coordinator*"),
        _lex("management", "accreditat*", "visitatie*")),
}
# Who receives the insight, found per clause: a role word linked to a "see / overview / know" word.
_ROLES: dict[str, re.Pattern] = {
    "students": _lex("studenten", "student", "students", "eerstejaars", "first-years", "studentes"),
    "teachers": _lex("docent", "docenten", "teacher*", "lecturer*", "instructor*", "*coordinator*",
                     "teaching assistant*", "student-assistent*", "studentassistent*", "tas",
                     "cursusteam*", "course team*", "teaching team*", "werkgroepdocent*"),
    "advisors": _lex("tutor", "tutoren", "tutors", "mentor", "mentoren", "mentors", "*adviseur", "*adviseurs",
                     "advisor*", "adviser*", "*begeleider", "*begeleiders", "counsellor*", "counselor*", "coach",
                     "coaches", "decaan", "supervisor*"),
    "directors": _lex("*directeur", "*directeuren", "director*", "opleidingsdirectie", "*commissie",
                      "committee*", "board of studies", "*management", "management", "board"),
    "speaker": _lex("ik", "i"),
}
_PERCEIVE = _lex("zien", "ziet", "zie", "inzien", "bekijken", "bekijkt", "monitoren", "monitort", "analyseren",
                 "analyse", "analyze", "terugkijken", "look at", "nagaan", "check", "checken", "inzage",
                 "inzicht", "overzicht", "dashboard", "signaal", "melding", "lijst", "lijstje", "rapport*",
                 "weten", "krijgen", "krijgt", "ontvangen", "ontvangt", "see", "sees", "seeing", "view", "views",
                 "monitor", "monitors", "track", "follow", "overview", "insight", "insights", "report", "reports",
                 "know", "list", "signal", "notification", "get", "gets", "receive", "receives", "access")
# A role word after these is an object or a qualifier ("per student", "which students"), not the receiver.
_NOT_SUBJECT = re.compile(r"(?:^|\s)(?:per|welke|which|hoeveel|many|van|of|aan|to|met|with|"
                          r"over|about|individuele|individual|other|andere)\s$")
_SPEAKER_ROLE = re.compile(r"(?<![\w])(?:als|as)\s(?:a\s|an\s|de\s|het\s)?(\S+)")
_ROLE_AHEAD = "|".join(p.pattern for k, p in _ROLES.items() if k != "speaker")
_CLAUSE = re.compile(r"[.;:!?,()]|\s(?:en|and|maar|but|zodat|so that|so|omdat|because|terwijl|while|whereas)\s"
                     r"(?!(?:de |het |hun |their |the )?(?:" + _ROLE_AHEAD + r"))")
_AFTER_VERB = re.compile(r"^\s(?:(?:de|het|een|hun|the|their|onze|our)\s)?(\S+)")


def _receivers(norm: str) -> dict[str, float]:
    """Per role, how often it is the one who sees / gets / knows something (nearest role before the verb;
    after it only in Dutch inversion: 'zien studenten', 'ziet de docent')."""
    out = dict.fromkeys(_ROLES, 0.0)
    for clause in _CLAUSE.split(norm):
        if not clause:
            continue
        roles = sorted((m.start(), m.end(), role) for role, p in _ROLES.items() for m in p.finditer(clause)
                       if not _NOT_SUBJECT.search(clause[max(0, m.start() - 14):m.start()]))
        if not roles:
            continue
        for verb in _PERCEIVE.finditer(clause):
            before = [r for r in roles if r[1] <= verb.start()]
            if before:
                out[before[-1][2]] += 1
                continue
            nxt = _AFTER_VERB.match(clause[verb.end():])
            if nxt:
                role = next((k for k, p in _ROLES.items() if p.fullmatch(nxt.group(1).strip(",."))), None)
                if role:
                    out[role] += 1
    # "Als onderwijsdirecteur wil ik ...": the speaker is the role named after als / as (else a teacher).
    if _ROLES["speaker"].search(norm):
        named = next((k for m in _SPEAKER_ROLE.finditer(norm) for k, p in _ROLES.items()
                      if k != "speaker" and p.fullmatch(m.group(1).strip(",."))), "teachers")
        out[named] += 0.5
        out.pop("speaker")
    else:
        out.pop("speaker")
    return out


# Area 4: which factors (4a) versus which individual students (4b).
_FACTORS = _lex("factor*", "verband*", "samenhang*", "samenhangen", "relat*", "correlat*", "voorspeller*",
                "predictor*", "variabele*", "variable*", "kenmerken", "characteristics", "behaviours", "behaviors",
                "oorzak*", "understand", "begrijpen", "onderzoek*", "research*", "examine", "find out", "nagaan",
                "historische", "historical", "cohort*", "pilot*", "study into", "analyse*", "analyz*", "analys*",
                "promotieonderzoek", "groepsniveau", "group level", "associated", "indicator*", "in welke mate",
                "to what extent")
_INDIVIDUALS = _lex("identific*", "identify*", "signaler*", "signaal", "signal", "flag*", "lijst met", "list of",
                    "extra begeleiding", "extra aandacht", "verdere aandacht", "further attention", "extra attention",
                    "extra support", "additional support", "extra tutorials", "need extra", "nodig hebben",
                    "uitnodig*", "nodigt", "invite*", "benader*", "contact", "reach out", "check in", "outreach",
                    "aanspreken", "aanspreekt", "interventie*", "intervention*", "per student", "each student",
                    "for each student", "individuele studenten", "individual students", "which students",
                    "welke studenten", "students who", "studenten die", "melding", "notification*", "detect*",
                    "in beeld", "opspor*", "eerder", "earlier", "markeer*", "markeert", "proactie*", "proactive*",
                    "hulp aanbieden", "hulp kan aanbieden", "offer help", "offer support")


# --------------------------------------------------------------------------- language and filling cues

_NL_WORDS = set("de het een en van in op te dat die voor met zijn wordt worden ik wij niet om bij hun ze naar "
                "ook als aan door welke na deze zodat willen wil krijgen hebben kunnen".split())
_EN_WORDS = set("the a an and of to in on for with is are be that which their they i not by as this after "
                "during want would like can so from how".split())


def detect_language(text: str) -> str:
    """'nl' or 'en' by counting common function words (ties go to Dutch, the policy's language)."""
    words = re.findall(r"[a-z']+", normalize(text))
    nl = sum(w in _NL_WORDS for w in words)
    en = sum(w in _EN_WORDS for w in words)
    return "en" if en > nl else "nl"


_LMS = re.compile(r"(?<![\w])(brightspace|canvas|blackboard|moodle|osiris|remindo|ans|mylabs?)(?![\w])")
# (pattern, Dutch name, English name, source kind) -- source kind "lms" or "sis" picks a system named in the text.
_DATA_LEXICON: list[tuple[re.Pattern, str, str, str]] = [
    (_lex("cijfer*", "grade", "grades", "tentamencijfer*", "tentamenresultat*", "exam result*", "exam grade*",
          "resultaten van de digitale tentamens", "first-block grades", "final exam"),
     "Cijfers (tentamens en toetsen)", "Grades (exams and tests)", "sis"),
    (_lex("quiz*", "oefentoets*", "oefenopdracht*", "practice quiz*", "autograder*", "exercises",
          "vocabulary exercises", "toetsvragen", "itemanalyse*"),
     "Scores op quizzen en oefentoetsen", "Quiz and practice-test scores", "lms"),
    (_lex("opdracht", "opdrachten", "assignment*", "inlever*", "submitted", "submission*", "conceptversie*",
          "practicumverslag*"),
     "Ingeleverde opdrachten (tijdstip en beoordeling)", "Submitted assignments (time and grade)", "lms"),
    (_lex("brightspace", "canvas", "blackboard", "moodle", "lms", "digitale leeromgeving", "leeromgeving",
          "online learning environment", "learning environment", "inlog*", "login*", "logged in", "klik*",
          "click*", "activiteit", "activity", "engagement", "online module*", "modules"),
     "Activiteit in de digitale leeromgeving (logins, kliks)", "Activity in the learning environment (logins, clicks)",
     "lms"),
    (_lex("kennisclip*", "video*", "lecture recording*", "weblecture*", "teruggekeken", "terugkijk*", "colleges"),
     "Kijkgedrag bij kennisclips en opnames", "Viewing of videos and lecture recordings", "lms"),
    (_lex("aanwezigheid", "attendance", "presentie*", "absent*"), "Aanwezigheid", "Attendance", ""),
    (_lex("studievoortgang", "study progress", "studiepunt*", "credits", "ec", "ects", "bsa*",
          "bindend studieadvies", "behaalde punten"),
     "Studievoortgang (behaalde studiepunten, BSA)", "Study progress (credits obtained, BSA)", "sis"),
    (_lex("vooropleiding*", "prior education", "previous education", "vwo", "havo", "mbo", "eindexamen*",
          "high school", "secondary school"),
     "Vooropleiding", "Prior education", "sis"),
    (_lex("leeftijd", "age", "geslacht", "gender", "demograf*", "demographic*"),
     "Demografische gegevens (leeftijd, geslacht)", "Demographic data (age, gender)", "sis"),
    (_lex("cursusevaluatie*", "course evaluation*", "evaluatiescore*"),
     "Cursusevaluaties", "Course evaluations", ""),
    (_lex("vragenlijst*", "questionnaire*", "survey*", "enquete*"), "Antwoorden op vragenlijsten",
     "Questionnaire answers", ""),
    (_lex("rubric*", "rubricscore*", "beoordeling", "beoordelingen", "assessment*", "feedback op"),
     "Beoordelingen (rubricscores) per opdracht", "Assessments (rubric scores) per assignment", "lms"),
    (_lex("reflectie*", "reflections", "zelfreflectie"), "Reflecties van studenten", "Student reflections", "lms"),
    (_lex("keuzevak*", "elective*", "studiepad*", "study path*", "combinaties van", "which courses they combine",
          "volgorde", "in which order", "inschrijving*", "enrolment*", "enrollment*"),
     "Inschrijvingen voor cursussen (keuzes en volgorde)", "Course enrolments (choices and order)", "sis"),
    (_lex("slagingspercentage*", "pass rate*", "rendement*", "doorstroom*", "cijferverdeling*",
          "grade distribution*", "in een keer halen", "in één keer halen"),
     "Cursusresultaten per student (voor slagingspercentages)", "Course results per student (for pass rates)", "sis"),
    (_lex("studentnummer*", "student number*", "student id*"), "Studentnummer", "Student number", "sis"),
]

_SECURITY: list[tuple[re.Pattern, str, str]] = [
    (_lex("pseudonimis*", "gepseudonimiseerd*", "pseudonymi*", "pseudonymis*", "pseudoniem*"),
     "Gegevens worden gepseudonimiseerd", "Data are pseudonymised"),
    (_lex("versleutel*", "encrypt*"), "Gegevens worden versleuteld", "Data are encrypted"),
    (_lex("alleen toegang", "toegang beperkt", "beperkte toegang", "only access", "access is limited",
          "restricted access", "access restricted", "tonen niets aan anderen", "not shown to others"),
     "Toegang is beperkt tot de betrokken rollen", "Access is limited to the roles involved"),
]
_RESEARCH = _lex("onderzoek*", "research*", "pilot*", "experiment*", "promotie*", "phd", "proefschrift*",
                 "dissertation*", "publicat*", "publiceren", "paper", "hypothes*", "wetenschappelijk*", "scientific",
                 "this study", "our study", "deze studie", "randomi*", "controlegroep*", "control group*")
_IMPLEMENTATION = _lex("implement*", "invoer*", "invoeren", "structure*", "standaard*", "alle cursussen",
                       "all courses", "roll out", "rollout", "uitrol*", "elk jaar", "every year", "jaarlijks*",
                       "annual", "permanent*", "blijvend*", "elke cursus", "each course", "every course")
_PURPOSE = _lex("zodat", "om", "so that", "so they", "in order to", "to help", "to support", "to identify",
                "to improve", "to decide", "to redesign", "to adapt", "to guide", "to spot", "to find out",
                "to plan", "doel", "aim", "goal", "the idea is", "purpose", "daarmee", "waarmee", "met die",
                "op basis daarvan", "zo zien", "zo kunnen", "zo kan", "zo weten", "dan kan", "dan kunnen",
                "so i can", "so we can", "so they can", "so their", "as a way to", "to figure out", "gebruiken het",
                "gebruiken dit", "gebruikt de", "use it", "voor de herziening", "als input")
_ROLES_NL = {"students": "studenten", "teachers": "docenten", "advisors": "tutoren, mentoren en studieadviseurs",
             "directors": "opleidingsdirecteur en opleidingscommissie"}
_ROLES_EN = {"students": "students", "teachers": "teachers", "advisors": "tutors, mentors and study advisors",
             "directors": "programme director and programme committee"}
_DECIDES = _lex("beslis*", "besluit*", "decide*", "interpret*", "beoordeelt", "bespreekt", "bespreken",
                "nodigt", "uitnodig*", "invite*", "contact", "reach out", "aanspreekt", "aanspreken", "benader*",
                "gesprek*", "meeting*", "conversation*")
