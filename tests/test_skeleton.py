"""The drafter's skeleton on real-style descriptions (issue 16 point 2), and its figures
(`assistant.evals.skeleton`). Each behaviour in other words than the dev sets' lines."""

from __future__ import annotations

import pytest

from assistant.drafting.cues import infers
from assistant.drafting.drafter import draft_from_description
from assistant.evals.check import evaluate_descriptions
from assistant.evals.skeleton import SkeletonLabels, score_skeleton, skeleton_metrics
from assistant.text import fold

# --------------------------------------------------------------------------- AI described in other words


@pytest.mark.parametrize(
    ("sentence", "word"),
    [
        ("Mentors get, per student, the chance of failing the BSA after the first block.", "chance of"),
        ("We flag first-years who are likely to withdraw before Christmas.", "likely"),
        ("Het systeem schat per student de kans op vertraging in.", "schat"),
        (
            "It highlights learners whose clicks look like those of students who withdrew earlier.",
            "look like",
        ),
        ("We willen studenten groeperen naar hoe ze door het curriculum gaan.", "groeperen"),
    ],
)
def test_inference_about_students_in_other_words_is_ai(sentence, word):
    assert infers(fold(sentence)) == word


@pytest.mark.parametrize(
    "sentence",
    [
        "Waarschijnlijk gebruiken we Brightspace voor het dashboard.",  # a hedge, no outcome
        "Students will likely enjoy the new weekly overview.",
        "The dashboard shows how the group compares with last year's average grade.",
        "We do not estimate anyone's risk of dropping out.",  # negated
    ],
)
def test_a_hedge_or_a_plain_comparison_is_not_inference(sentence):
    assert infers(fold(sentence)) == ""


def test_the_draft_marks_ai_for_a_likelihood_of_an_outcome():
    text = (
        "Study advisers want a list in October of first-years who are likely to drop out, so they can "
        "invite them for a talk."
    )
    result = draft_from_description(text)
    assert result.draft.uses_ai is True and "likely" in result.evidence["uses_ai"]


# --------------------------------------------------------------------------- who sees what


def test_a_role_the_text_denies_the_view_is_not_a_viewer():
    text = "Students see their own quiz scores per week in Canvas. Teachers do not get a view of it."
    stakeholders = draft_from_description(text).draft.stakeholders
    assert stakeholders[0].startswith("students: their own quiz scores")
    assert not any(s.startswith("teachers") for s in stakeholders)


def test_a_negation_inside_what_is_seen_does_not_deny_the_view():
    text = "Docenten zien welke studenten de opdracht niet hebben ingeleverd."
    stakeholders = draft_from_description(text).draft.stakeholders
    assert stakeholders[0].startswith("docenten: welke studenten de opdracht niet hebben ingeleverd")


def test_the_writer_who_gets_the_view_is_a_teacher_stakeholder():
    text = "I teach a large statistics course. I'd like to see which students skip the weekly quizzes."
    stakeholders = draft_from_description(text).draft.stakeholders
    assert stakeholders[0].startswith("teachers: which students skip the weekly quizzes")


# --------------------------------------------------------------------------- title, purposes, sources


@pytest.mark.parametrize(
    ("text", "title"),
    [
        (
            "We want a student performance tracking system that links grades with survey answers.",
            "Student performance tracking system",
        ),
        (
            "We willen studenten een Skill Profiler aanbieden waarin ze hun vaardigheden vastleggen.",
            "Skill Profiler",
        ),
        ("We want to roll out the Learning Record (LR) across the university.", "Learning Record"),
        ("We willen een cursusplanner naar het voorbeeld van Carta opzetten.", "Cursusplanner"),
    ],
)
def test_what_the_text_wants_to_build_is_the_title(text, title):
    """No artifact word and no name: the noun phrase after 'we want a', 'we willen ... een' (tenth round:
    title_ok descriptions_dev11 .72 -> .88, descriptions_blind9 .80 -> .96)."""
    assert draft_from_description(text).draft.title == title


def test_apostrophes_of_contractions_do_not_quote_a_title():
    text = "I'd like a list of students who haven't logged in for two weeks. It's for my own course."
    title = draft_from_description(text).draft.title
    assert title.startswith("I'd like a list")  # not "D like a list ... haven", quoted by the apostrophes


def test_only_a_prepositional_phrase_follows_a_titles_head():
    text = "Onze docenten willen een overzicht dat niet meer handmatig bijgehouden hoeft te worden."
    assert draft_from_description(text).draft.title == "Overzicht"
    text = "Tutors get an overview with the forum posts per student."
    assert draft_from_description(text).draft.title == "Overview with the forum posts per student"


@pytest.mark.parametrize(
    ("text", "purposes"),
    [
        (
            "Lecturers see the quiz scores so that they can adapt the next lecture and contact students "
            "who have gone quiet.",
            ["Adapt the next lecture", "Contact students who have gone quiet"],
        ),
        (
            "Mentoren zien het overzicht, zodat ze het gesprek beter kunnen voorbereiden en de student "
            "gericht kunnen doorverwijzen.",
            ["Het gesprek beter kunnen voorbereiden", "De student gericht kunnen doorverwijzen"],
        ),
        (  # a list of nouns is one purpose
            "The programme director gets a report in order to compare pass rates and the evaluations.",
            ["Compare pass rates and the evaluations"],
        ),
        (
            "The faculty adds coaching so that it can reduce delay, coaching and mentoring for first-years.",
            ["It can reduce delay, coaching and mentoring for first-years"],
        ),
        (  # two things seen, one purpose
            "Docenten krijgen een overzicht, zodat ze zien welke clips bekeken worden en hoe lang studenten kijken.",
            ["Zien welke clips bekeken worden en hoe lang studenten kijken"],
        ),
    ],
)
def test_two_purposes_joined_in_one_clause_are_two_items(text, purposes):
    assert draft_from_description(text).draft.purposes == purposes


def test_a_generic_learning_environment_is_the_source_of_its_data():
    text = "Students see how often they logged in to the VLE compared with their group."
    sources = {d.source for d in draft_from_description(text).draft.data}
    assert "VLE" in sources


# --------------------------------------------------------------------------- the figures


def test_skeleton_scores_count_what_the_draft_got_right_and_what_it_invented():
    text = (
        "Teachers of Statistics 1 see weekly quiz scores from Brightspace per student, so that they can "
        "plan extra tutorials."
    )
    result = draft_from_description(text)
    labels = SkeletonLabels(
        uses_ai=False,
        viewers=["teachers"],
        sources=["Brightspace"],
        data=["weekly quiz scores"],
        purposes=["plan extra tutorials"],
        addressed=["retention"],
    )
    score = score_skeleton(result, labels, text)
    assert score["uses_ai"] == (False, False)
    assert score["viewers"] == (1, 1, 1)  # teachers, right; 'students (whose data are used)' is no viewer
    assert score["sources"] == (1, 1, 1, 1)
    assert score["purposes"] == (1, 1)
    assert score["filled"] == (0, 0, 1)  # retention addressed, not filled
    metrics = skeleton_metrics([score])
    assert metrics["viewer_recall"] == 1.0 and metrics["filled_recall"] == 0.0
    wrong = SkeletonLabels(uses_ai=True, viewers=["advisors"], sources=["OSIRIS"])
    bad = skeleton_metrics([score_skeleton(result, wrong, text)])
    assert bad["uses_ai_recall"] == 0.0 and bad["viewer_recall"] == 0.0 and bad["source_recall"] == 0.0


def test_labelled_description_rows_report_the_skeleton():
    rows = [
        {
            "id": "x1",
            "description": "Students see their own quiz scores in Canvas.",
            "areas": ["1a"],
            "skeleton": {"uses_ai": False, "viewers": ["students"], "sources": ["Canvas"]},
        },
        {"id": "x2", "description": "Docenten zien de cijfers per werkgroep.", "areas": ["1b"]},
    ]
    out = evaluate_descriptions(rows, draft_from_description)
    assert out["metrics"]["skeleton"]["n"] == 1
    assert out["metrics"]["skeleton"]["source_recall"] == 1.0
    assert "skeleton" in out["results"][0] and "skeleton" not in out["results"][1]


# --------------------------------------------------------------------------- fields the text addresses


@pytest.mark.parametrize(
    ("text", "field", "sentence"),
    [
        (
            "Mentors see each student's credits. The list is deleted when the academic year ends.",
            "retention",
            "The list is deleted when the academic year ends.",
        ),
        (
            "Docenten zien per week hoeveel kennisclips bekeken zijn. Wie wat bekeek doet er niet toe, "
            "totalen per clip zijn genoeg.",
            "necessity",
            "Wie wat bekeek doet er niet toe, totalen per clip zijn genoeg.",
        ),
        (
            "A model predicts who is likely to fail. We check its accuracy on last year's cohort first.",
            "analysis_validation",
            "We check its accuracy on last year's cohort first.",
        ),
        (
            "Studieadviseurs zien een signaal. De opleidingsdirecteur is verantwoordelijk voor de verwerking.",
            "responsible",
            "De opleidingsdirecteur is verantwoordelijk voor de verwerking.",
        ),
    ],
)
def test_a_sentence_that_addresses_a_field_fills_it_verbatim(text, field, sentence):
    result = draft_from_description(text)
    assert getattr(result.draft, field) == sentence
    assert result.evidence[field] == sentence and field not in result.open_fields


def test_a_field_the_text_does_not_address_stays_open():
    result = draft_from_description("Students see their own quiz scores per week in Canvas.")
    for field in ("retention", "necessity", "analysis_validation", "responsible"):
        assert getattr(result.draft, field) == "" and field in result.open_fields


def test_a_negated_deletion_is_no_retention_answer():
    text = "Teachers see the forum posts per student. We do not delete anything yet."
    assert draft_from_description(text).draft.retention == ""


@pytest.mark.parametrize(
    ("text", "title"),
    [
        (  # no name, nothing built: what the project is for names it
            "After the term I look at the viewing logs of all lectures, in order to find the parts "
            "students replay most.",
            "Find the parts students replay most",
        ),
        (  # Dutch 'te' before the verb and a separable verb joined
            "Na elk blok bekijken we de resultaten per vak om het rooster voor volgend jaar aan te passen.",
            "Het rooster voor volgend jaar aanpassen",
        ),
        (  # a purpose that points back is a step, not the project: the first clause is kept
            "Mentors get a weekly list of inactive first-years, so that they can invite them for a talk.",
            "Mentors get a weekly list of inactive first-years",
        ),
    ],
)
def test_without_a_name_or_an_artifact_the_title_is_a_short_purpose(text, title):
    assert draft_from_description(text).draft.title == title


@pytest.mark.parametrize(
    ("sentence", "tool"),
    [
        ("Teachers see the quiz scores from CTools per week.", "CTools"),
        ("Studenten maken oefenvragen in RiPPLE en zien hun voortgang.", "RiPPLE"),
        ("Grades come from the SRES spreadsheet.", "SRES"),  # an article, then an acronym
        ("Students in Statistics see their scores in September.", ""),  # a course, a month
        ("Reports on GDPR compliance are made in DPIA form.", ""),
    ],
)
def test_a_tool_the_item_list_does_not_know_is_named_by_its_shape(sentence, tool):
    from assistant.drafting.items import named_tool

    assert named_tool(sentence) == tool


def test_a_named_tool_is_the_source_of_a_data_item_in_its_sentence():
    text = "Tutors see the quiz scores from CloudDeakin per student."
    sources = {d.source for d in draft_from_description(text).draft.data}
    assert "CloudDeakin" in sources


def test_the_one_tool_a_project_names_is_the_source_of_items_in_other_sentences():
    text = "Our readings are in BookRoll. Teachers see per student the quiz scores and the logins."
    assert {d.source for d in draft_from_description(text).draft.data} == {"BookRoll"}
    known = "Our readings are in BookRoll. Teachers see per student the quiz scores in Brightspace."
    assert {d.source for d in draft_from_description(known).draft.data} == {
        "Brightspace"
    }  # a system it knows


@pytest.mark.parametrize(
    ("sentence", "tool"),
    [
        ("Grades are exported from Tk20 every term.", "Tk20"),  # a name with a digit
        (
            "The pilot linked EZproxy access logs to the student records.",
            "EZproxy",
        ),  # before what is exported
        ("Ik wil na dit blok de Möbius-pogingen per quiz bekijken.", "Möbius"),  # a compound, not ASCII
        ("Student data are linked every term.", ""),  # a capitalised word at a sentence's start
    ],
)
def test_a_tool_is_named_by_what_is_exported_from_it(sentence, tool):
    from assistant.drafting.items import _tool_phrases, named_tool

    assert (named_tool(sentence) or next((name for name, _ in _tool_phrases(sentence)), "")) == tool


@pytest.mark.parametrize(
    ("text", "source"),
    [
        # what the text takes from a tool the item list does not know becomes an item, in its own words
        ("Ik wil de statistieken uit Panopto gebruiken om colleges opnieuw op te nemen.", "Panopto"),
        ("A feasibility study linked OpenAthens access logs to grades.", "OpenAthens"),
    ],
)
def test_what_is_taken_from_a_named_tool_is_a_data_item_with_that_source(text, source):
    items = draft_from_description(text).draft.data
    assert source in {d.source for d in items}
    assert any(source in d.name for d in items if d.source == source)  # named in the text's own words


def test_an_institution_or_a_people_is_no_source():
    text = "We reuse the data from Leeds Beckett University and the results of Dutch students in Brightspace."
    sources = {d.source for d in draft_from_description(text).draft.data}
    assert "Leeds Beckett" not in sources and "Dutch" not in sources


def test_a_named_system_is_the_source_before_the_generic_term_of_its_kind():
    text = (
        "The learning management system holds everything. We'd like to study two years of Canvas data: "
        "grades and logins of first-year students."
    )
    sources = {d.source for d in draft_from_description(text).draft.data}
    assert "Canvas" in sources and "Learning management system" not in sources


@pytest.mark.parametrize(
    ("viewers", "roles"),
    [
        (["students", "advisors"], {"students", "advisors"}),
        (["study coaches", "opleidingsdirecteur"], {"advisors", "directors"}),
        (["studieadviseurs", "docenten"], {"advisors", "teachers"}),
        (["course coordinators", "curriculum committee"], {"teachers", "directors"}),
        (["studentendecaan"], {"advisors"}),  # a student counsellor, not a dean
        (["researchers", "dashboard users"], set()),
    ],
)
def test_a_labels_viewers_in_other_words_are_read_as_their_roles(viewers, roles):
    from assistant.evals.skeleton import label_roles

    assert label_roles(viewers) == roles


# --------------------------------------------------------------------------- data named in a list


def test_a_list_of_data_after_based_on_gives_one_item_each_in_the_texts_words():
    from assistant.drafting.items import listed_data

    assert listed_data(
        "Een signaal op basis van onder meer behaalde studiepunten, aanwezigheid en quizscores dat de mentor ziet."
    ) == ["behaalde studiepunten", "aanwezigheid", "quizscores"]
    assert listed_data("The model combines the weekly logins and the forum posts to rank the modules.") == [
        "weekly logins",
        "forum posts",
    ]
    # one noun is no list, a clause is no member, a system is a source and a technique no data
    assert listed_data("A chatbot based on our course material.") == []
    assert listed_data("It combines logins, and turns them into a weekly score.") == []
    assert listed_data("Op basis van Osiris en Brightspace.") == []
    assert listed_data("Een model op basis van neurale netwerken en beslisbomen.") == []
