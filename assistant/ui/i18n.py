"""The UI's message catalogue, Dutch and English: every text a page shows comes from here.

`translate(key, lang, **fields)` formats one message; a missing key falls back to the key itself so
a typo shows up on screen instead of crashing the page (a test checks every key has both languages).
"""

from __future__ import annotations

__all__ = ["LANGS", "MESSAGES", "EXAMPLES", "translate", "missing_translations"]

LANGS: tuple[str, ...] = ("nl", "en")

# key: (Dutch, English)
_M: dict[str, tuple[str, str]] = {
    # ------------------------------------------------------------------ app shell
    "app.title": ("LA-beleidsassistent", "LA Policy Assistant"),
    "nav.ask": ("Vraag", "Ask"),
    "nav.draft": ("Opstellen & controleren", "Draft & check"),
    "nav.review": ("Beoordelen", "Review"),
    "nav.evaluation": ("Evaluatie", "Evaluation"),
    "nav.documents": ("Documenten", "Documents"),
    "side.language": ("Taal", "Language"),
    "side.name": ("Uw naam", "Your name"),
    "side.name_placeholder": ("bijv. Anne de Vries", "e.g. Anne de Vries"),
    "side.name_help": ("Wordt gebruikt als auteur of beoordelaar.", "Used as author or reviewer."),
    "side.local_mode": (
        "Lokale modus: geen inlog. Uw rol komt uit de configuratie (ASSISTANT_REVIEWERS).",
        "Local mode: no login. Your role comes from the configuration (ASSISTANT_REVIEWERS).",
    ),
    "side.role_reviewer": ("Rol: beoordelaar", "Role: reviewer"),
    "side.role_staff": ("Rol: medewerker", "Role: staff"),
    "side.signed_in": ("Ingelogd als {name}", "Signed in as {name}"),
    "side.logout": ("Uitloggen", "Log out"),
    "side.backend": ("Antwoordmodel: {name}", "Answer backend: {name}"),
    "side.corpus": (
        "Beleid: {source} · versie {version} · {date}",
        "Policy: {source} · version {version} · {date}",
    ),
    "side.corpus_more": ("+ {n} aanvullende documenten", "+ {n} supplementary documents"),
    "side.corpus_empty": ("Nog geen documenten geïndexeerd.", "No documents indexed yet."),
    "side.new_chat": ("Nieuw gesprek", "New conversation"),
    "login.title": ("Inloggen", "Sign in"),
    "login.text": (
        "Log in met uw universiteitsaccount om de assistent te gebruiken.",
        "Sign in with your university account to use the assistant.",
    ),
    "login.button": ("Inloggen", "Sign in"),
    "setup.status": ("Eerste start: de assistent wordt voorbereid…", "First start: preparing the assistant…"),
    "setup.model": (
        "Offline embeddingmodel voorbereiden (eenmalig)…",
        "Preparing the offline embedding model (once)…",
    ),
    "setup.indexing": ("Beleid indexeren: {stage}", "Indexing the policy: {stage}"),
    "setup.done": ("Klaar: {summary}", "Ready: {summary}"),
    "setup.failed": ("Overgeslagen: {name}: {reason}", "Skipped: {name}: {reason}"),
    "error.generic": ("Er ging iets mis: {error}", "Something went wrong: {error}"),
    "common.yes": ("ja", "yes"),
    "common.no": ("nee", "no"),
    "common.unknown": ("onbekend", "unknown"),
    "common.official": ("officieel", "official"),
    "common.supplementary": ("aanvullend", "supplementary"),
    # ------------------------------------------------------------------ ask
    "ask.title": ("Vraag het beleid", "Ask the policy"),
    "ask.intro": (
        "Stel een vraag over het learning-analyticsbeleid van de Universiteit Utrecht, in het Nederlands of "
        "Engels. Elk antwoord verwijst naar de letterlijke passages.",
        "Ask a question about Utrecht University's learning-analytics policy, in Dutch or English. Every "
        "answer cites the exact passages.",
    ),
    "ask.placeholder": ("Stel een vraag over het LA-beleid…", "Ask a question about the LA policy…"),
    "ask.examples": ("Probeer bijvoorbeeld:", "Try for example:"),
    "ask.thinking": ("Beleid doorzoeken…", "Searching the policy…"),
    "ask.sources": ("Bronnen", "Sources"),
    "ask.refused_title": ("Niet in het beleid", "Not in the policy"),
    "ask.meta": ("{backend} · {seconds:.1f} s", "{backend} · {seconds:.1f} s"),
    "ask.card_source": ("Bron", "Source"),
    "ask.card_section": ("Sectie", "Section"),
    "ask.card_authority": ("Status", "Authority"),
    "ask.card_score": ("Score", "Score"),
    "ask.card_quote_missing": (
        "Geciteerde zin(nen) (niet letterlijk teruggevonden in de passage):",
        "Quoted sentence(s) (not found verbatim in the passage):",
    ),
    "ask.highlight_note": (
        "Gemarkeerd: de zin(nen) waarop het antwoord steunt.",
        "Highlighted: the sentence(s) the answer relies on.",
    ),
    # ------------------------------------------------------------------ draft & check
    "draft.title": ("Projectvoorstel opstellen en controleren", "Draft and check a project proposal"),
    "draft.intro": (
        "Beschrijf uw idee; de assistent maakt er een concept van volgens het beleid. Vul de velden aan: de "
        "controle rechts loopt direct mee.",
        "Describe your idea; the assistant turns it into a draft that follows the policy. Complete the fields: "
        "the check on the right updates as you type.",
    ),
    "draft.description": ("Projectidee", "Project idea"),
    "draft.description_help": (
        "Wat wilt u doen, voor wie, met welke gegevens, in welke cursus(sen)?",
        "What do you want to do, for whom, with which data, in which course(s)?",
    ),
    "draft.type": ("Soort project", "Project type"),
    "draft.type_auto": ("automatisch herkennen", "detect automatically"),
    "draft.make": ("Concept maken", "Make draft"),
    "draft.making": ("Concept maken…", "Drafting…"),
    "draft.upload": ("Of laad een bestaand concept (JSON)", "Or load an existing draft (JSON)"),
    "draft.upload_error": (
        "Dit bestand is niet gebruikt; uw huidige concept is ongewijzigd.",
        "This file was not used; your current draft is unchanged.",
    ),
    "draft.loaded": ("Concept geladen uit {name}.", "Draft loaded from {name}."),
    "draft.areas": ("Toepassingsgebieden (herkend)", "Application areas (detected)"),
    "draft.confidence": ("{id} · {label} ({conf:.0%})", "{id} · {label} ({conf:.0%})"),
    "draft.definition": ("Definitie in het beleid", "Definition in the policy"),
    "draft.method_llm": ("Concept gemaakt met het taalmodel.", "Draft made with the language model."),
    "draft.form": ("Concept", "Draft"),
    "draft.lines_help": ("Eén per regel.", "One per line."),
    "draft.ai_section": ("Gebruik van AI", "Use of AI"),
    "draft.invalid": ("Het concept is nog niet geldig:", "The draft is not valid yet:"),
    "draft.check": ("Controle", "Check"),
    "draft.passed": (
        "Geen blokkerende of belangrijke bevindingen: klaar om in te dienen.",
        "No blocker or major findings: ready to submit.",
    ),
    "draft.counts": (
        "{blocker} blokkerend · {major} belangrijk · {minor} advies",
        "{blocker} blocker · {major} major · {minor} minor",
    ),
    "draft.fix": ("Oplossing", "Fix"),
    "draft.field": ("Veld", "Field"),
    "draft.passage": ("Beleidspassage", "Policy passage"),
    "draft.submit": ("Indienen ter beoordeling", "Submit for review"),
    "draft.submit_needs_name": (
        "Vul eerst uw naam in (zijbalk) om in te dienen.",
        "Type your name in the sidebar first to submit.",
    ),
    "draft.submitted": (
        "Ingediend als voorstel #{id} (status: {status}). Beoordelaars zien het nu in hun wachtrij.",
        "Submitted as proposal #{id} (status: {status}). Reviewers now see it in their queue.",
    ),
    "draft.resubmit": ("Nieuwe versie indienen (#{id})", "Submit a new version (#{id})"),
    "draft.resubmitted": (
        "Versie {version} van voorstel #{id} ingediend (status: {status}).",
        "Version {version} of proposal #{id} submitted (status: {status}).",
    ),
    "draft.empty_hint": (
        "Nog geen concept: beschrijf hierboven uw idee of laad een JSON-bestand.",
        "No draft yet: describe your idea above or load a JSON file.",
    ),
    "draft.new": ("Leeg concept", "Blank draft"),
    "sev.blocker": ("Blokkerend", "Blocker"),
    "sev.major": ("Belangrijk", "Major"),
    "sev.minor": ("Advies", "Minor"),
    # draft fields (labels; help texts come from the schema)
    "field.title": ("Titel", "Title"),
    "field.summary": ("Samenvatting", "Summary"),
    "field.project_type": ("Soort project", "Project type"),
    "field.areas": ("Toepassingsgebieden", "Application areas"),
    "field.purposes": ("Doelen", "Purposes"),
    "field.stakeholders": ("Betrokkenen", "Stakeholders"),
    "field.data": ("Persoonsgegevens", "Personal data"),
    "field.data.name": ("Gegevens", "Data"),
    "field.data.category": ("Categorie", "Category"),
    "field.data.source": ("Bron", "Source"),
    "field.necessity": ("Noodzaak (waarom geen anonieme gegevens)", "Necessity (why not anonymous data)"),
    "field.legal_basis": ("Rechtmatige grondslag", "Lawful basis"),
    "field.informed_consent": ("Informed consent", "Informed consent"),
    "field.ethics_approval": ("Goedkeuring ethische commissie (FETC)", "Ethics committee approval (FETC)"),
    "field.retention": ("Bewaartermijn", "Retention"),
    "field.privacy_statement": ("Privacyverklaring", "Privacy statement"),
    "field.security_measures": ("Beveiligingsmaatregelen", "Security measures"),
    "field.uses_ai": ("Het project gebruikt AI", "The project uses AI"),
    "field.ai": ("AI", "AI"),
    "field.ai.models": ("Modellen", "Models"),
    "field.ai.training_data": ("Trainingsdata", "Training data"),
    "field.ai.decision_process": ("Besluitvormingsproces", "Decision process"),
    "field.ai.ai_officer_consulted": ("AI-officer betrokken", "AI officer consulted"),
    "field.ai.prohibited_practices_checked": (
        "Gecontroleerd op verboden AI-praktijken",
        "Checked against prohibited AI practices",
    ),
    "field.human_in_the_loop": ("Human in the loop", "Human in the loop"),
    "field.privacy_scan": ("Privacyscan", "Privacy scan"),
    "field.interests_weighed": ("Afweging van belangen", "Interests weighed"),
    "field.analysis_validation": ("Validatie van de analyses", "Validation of the analyses"),
    "field.responsible": ("Verantwoordelijke", "Responsible"),
    "value.implementation": ("implementatieproject", "implementation project"),
    "value.research": ("onderzoeksproject", "research project"),
    "value.public_interest": ("algemeen belang", "public interest"),
    "value.consent": ("toestemming", "consent"),
    "value.done": ("uitgevoerd", "done"),
    "value.planned": ("gepland", "planned"),
    "value.not_planned": ("niet gepland", "not planned"),
    "value.general": ("algemeen", "general"),
    "value.sensitive": ("gevoelig", "sensitive"),
    "value.special": ("bijzonder", "special"),
    "value.none": ("(niet ingevuld)", "(not filled in)"),
    # ------------------------------------------------------------------ review
    "review.title": ("Beoordelen", "Review"),
    "review.not_reviewer": (
        "Alleen beoordelaars kunnen voorstellen beoordelen. Beoordelaars staan in ASSISTANT_REVIEWERS "
        "(of het rollenbestand).",
        "Only reviewers can review proposals. Reviewers are listed in ASSISTANT_REVIEWERS (or the roles file).",
    ),
    "review.no_name": (
        "Vul uw naam in (zijbalk) om uw voorstellen te zien.",
        "Type your name in the sidebar to see your proposals.",
    ),
    "review.mine": ("Uw ingediende voorstellen", "Your submitted proposals"),
    "review.none_mine": (
        "U heeft nog geen voorstellen ingediend.",
        "You have not submitted any proposals yet.",
    ),
    "review.queue": ("Wachtrij", "Queue"),
    "review.filter": ("Status", "Status"),
    "review.all": ("alle", "all"),
    "review.empty": ("Geen voorstellen in de wachtrij.", "No proposals in the queue."),
    "review.col.id": ("#", "#"),
    "review.col.title": ("Titel", "Title"),
    "review.col.author": ("Auteur", "Author"),
    "review.col.status": ("Status", "Status"),
    "review.col.version": ("Versie", "Version"),
    "review.col.blocker": ("Blokkerend", "Blocker"),
    "review.col.major": ("Belangrijk", "Major"),
    "review.col.updated": ("Gewijzigd", "Updated"),
    "review.open": ("Voorstel openen", "Open proposal"),
    "review.header": ("Voorstel #{id}: {title}", "Proposal #{id}: {title}"),
    "review.meta": (
        "Auteur {author} · status {status} · versie {version}",
        "Author {author} · status {status} · version {version}",
    ),
    "review.draft": ("Alle velden van het concept", "All fields of the draft"),
    "review.draft_json": ("Concept als JSON", "Draft as JSON"),
    "review.findings": ("Bevindingen", "Findings"),
    "review.no_findings": ("Geen bevindingen.", "No findings."),
    "review.current_verdict": (
        "Huidig oordeel: {verdict} ({reviewer})",
        "Current verdict: {verdict} ({reviewer})",
    ),
    "review.no_verdict": ("Nog geen oordeel.", "No verdict yet."),
    "review.verdict": ("Oordeel", "Verdict"),
    "review.comment": ("Toelichting", "Comment"),
    "review.comment_help": (
        "Verplicht als u een blokkerende bevinding aanvaardbaar vindt: het geaccepteerde risico en waarom.",
        "Required when you accept a blocker: the accepted risk and why it is acceptable.",
    ),
    "review.action": ("Actie (bij verbeterbaar)", "Action (when improvable)"),
    "review.owner": ("Eigenaar (bij verbeterbaar)", "Owner (when improvable)"),
    "review.due": ("Uiterlijk (bij verbeterbaar)", "Due (when improvable)"),
    "review.save": ("Oordeel opslaan", "Save verdict"),
    "review.saved": ("Oordeel opgeslagen.", "Verdict saved."),
    "review.decision": ("Besluit", "Decision"),
    "review.decision_comment": ("Toelichting bij het besluit", "Comment on the decision"),
    "review.approve": ("Goedkeuren", "Approve"),
    "review.changes": ("Wijzigingen vragen", "Request changes"),
    "review.reject": ("Afwijzen", "Reject"),
    "review.decided": ("Besluit vastgelegd: {decision}.", "Decision recorded: {decision}."),
    "review.approval_blocked": ("Goedkeuren kan nog niet:", "Approval is not possible yet:"),
    "review.final": ("Dit voorstel is afgerond ({status}).", "This proposal is closed ({status})."),
    "review.own": (
        "U bent de auteur van dit voorstel en kunt het niet zelf beoordelen.",
        "You are the author of this proposal and cannot review it yourself.",
    ),
    "review.action_plan": ("Actieplan", "Action plan"),
    "review.history": ("Geschiedenis", "History"),
    "review.conflict": (
        "Iemand anders heeft dit voorstel intussen gewijzigd; uw wijziging is niet opgeslagen. Herlaad het "
        "voorstel en probeer het opnieuw.",
        "Somebody else changed this proposal meanwhile; your change was not saved. Reload the proposal and "
        "try again.",
    ),
    "review.reload": ("Herladen", "Reload"),
    "review.export": ("Beoordeling downloaden", "Download review"),
    "verdict.acceptable": ("aanvaardbaar", "acceptable"),
    "verdict.improvable": ("verbeterbaar", "improvable"),
    "verdict.to_fix": ("moet opgelost", "to fix"),
    "status.submitted": ("ingediend", "submitted"),
    "status.in_review": ("in beoordeling", "in review"),
    "status.approved": ("goedgekeurd", "approved"),
    "status.changes_requested": ("wijzigingen gevraagd", "changes requested"),
    "status.rejected": ("afgewezen", "rejected"),
    # ------------------------------------------------------------------ evaluation
    "eval.title": ("Evaluatie", "Evaluation"),
    "eval.intro": (
        "Hoe goed antwoordt, weigert en controleert de assistent? Gemeten op de meegeleverde datasets.",
        "How well does the assistant answer, refuse and check? Measured on the shipped datasets.",
    ),
    "eval.latest": ("Laatste rapport ({path}, {when})", "Latest report ({path}, {when})"),
    "eval.none": (
        "Nog geen rapport. Start de evaluatie met de knop hierboven (of `make eval`); dit duurt enkele minuten.",
        "No report yet. Run the suite with the button above (or `make eval`); it takes a few minutes.",
    ),
    "eval.run": ("Evaluatie uitvoeren", "Run the eval suite"),
    "eval.running": ("Vraag {done} van {total}", "Question {done} of {total}"),
    "eval.finishing": ("Concepten en controle evalueren…", "Evaluating drafts and the checker…"),
    "eval.done": ("Evaluatie klaar in {seconds:.0f} s.", "Eval finished in {seconds:.0f} s."),
    "eval.metrics": ("Kerncijfers", "Key metrics"),
    # ------------------------------------------------------------------ documents
    "docs.title": ("Documenten", "Documents"),
    "docs.intro": (
        "Deze documenten zijn geïndexeerd. Het meegeleverde beleid is officieel; geüploade documenten zijn "
        "aanvullend en wijken bij gelijke relevantie voor het officiële beleid.",
        "These documents are indexed. The shipped policy is official; uploaded documents are supplementary "
        "and rank below the official policy on a tie.",
    ),
    "docs.col.source": ("Bestand", "File"),
    "docs.col.title": ("Titel", "Title"),
    "docs.col.version": ("Versie", "Version"),
    "docs.col.date": ("Datum", "Date"),
    "docs.col.authority": ("Status", "Authority"),
    "docs.col.passages": ("Passages", "Passages"),
    "docs.upload": (
        "Document toevoegen (.md .txt .pdf .docx .html)",
        "Add a document (.md .txt .pdf .docx .html)",
    ),
    "docs.add": ("Toevoegen en indexeren", "Add and index"),
    "docs.reindex": ("Alles opnieuw indexeren", "Re-index everything"),
    "docs.indexing": ("Indexeren: {stage}", "Indexing: {stage}"),
    "docs.report": ("Index bijgewerkt: {summary}", "Index updated: {summary}"),
    "docs.failed": ("Niet geïndexeerd: {name}: {reason}", "Not indexed: {name}: {reason}"),
    "docs.too_big": (
        "{name} is groter dan {mb:.0f} MB en is niet toegevoegd.",
        "{name} is larger than {mb:.0f} MB and was not added.",
    ),
}

MESSAGES: dict[str, dict[str, str]] = {key: dict(zip(LANGS, texts, strict=True)) for key, texts in _M.items()}

EXAMPLES: dict[str, tuple[str, ...]] = {
    "nl": (
        "Welke persoonsgegevens mag ik gebruiken voor learning analytics?",
        "Wat is nodig als mijn project AI gebruikt?",
        "Hoe lang mogen LA-gegevens worden bewaard?",
        "Wanneer is informed consent nodig?",
    ),
    "en": (
        "Which personal data may I use for learning analytics?",
        "What is required when my project uses AI?",
        "How long may learning-analytics data be kept?",
        "When is informed consent needed?",
    ),
}


def translate(key: str, lang: str, /, **fields) -> str:
    """The message `key` in `lang` (falls back to English, then to the key), formatted with `fields`."""
    entry = MESSAGES.get(key)
    if entry is None:
        return key
    text = entry.get(lang) or entry["en"]
    return text.format(**fields) if fields else text


def missing_translations() -> list[str]:
    """Keys without a non-empty text in every language (a test keeps this empty)."""
    return [k for k, v in MESSAGES.items() if any(not v.get(lang) for lang in LANGS)]
