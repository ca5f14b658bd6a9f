"""The passage vote (issue 15, the point hidden in a story): the nearest labelled example questions
say which passages answered them, and the retriever weighs that by the fitted `[fusion] vote`."""

from __future__ import annotations

import json
from importlib import resources

import numpy as np
import pytest

from assistant.ask.scope import SELF_MATCH, ExampleVote, question_parts
from assistant.calibration import load_calibration
from assistant.corpus import Passage
from assistant.retrieve import Retriever, Weights, passage_key
from tests.test_security import _TieIndex


def _examples(k: int = 2) -> tuple[ExampleVote, np.ndarray]:
    examples = ExampleVote(
        ["a", "b", "c", "d"],
        [True, True, True, False],
        k=k,
        cites=[["p.md::Opslag"], ["p.md::Opslag", "p.md::Doel"], ["p.md::Doel"], []],
    )
    vectors = np.array([[1.0, 0.0], [0.8, 0.6], [0.0, 1.0], [1.0, 0.0]], np.float32)
    return examples, vectors


def test_the_vote_is_the_share_of_the_k_nearest_answered_examples_citing_a_passage():
    examples, vectors = _examples()
    # nearest with an answer: a (1.0), then b (0.8); d (not answerable, no cites) never votes
    votes = examples.passage_votes(np.array([0.99, 0.141], np.float32), vectors)
    assert votes == pytest.approx({"p.md::Opslag": 1.0, "p.md::Doel": 0.5})


def test_an_example_identical_to_the_question_does_not_vote_for_itself():
    examples, vectors = _examples(k=1)
    votes = examples.passage_votes(np.array([1.0, 0.0], np.float32), vectors)  # 'a' itself: left out
    assert float(vectors[0] @ np.array([1.0, 0.0])) >= SELF_MATCH
    assert votes == pytest.approx({"p.md::Opslag": 1.0, "p.md::Doel": 1.0})  # from b alone


def test_a_story_set_example_votes_on_passages_but_not_on_scope():
    """`scoped=False` (the story sets' train questions, `evals.calibrate`): the example still says
    which passage answered it, but is not a neighbour in the answerable / not-answerable vote."""
    vectors = np.array([[1.0, 0.0], [0.9, 0.436], [0.0, 1.0]], np.float32)
    common = (["near partial", "answered", "far partial"], [False, True, False])
    kw = {"k": 1, "coverage": ["partial", "direct", "partial"], "cites": [[], ["p.md::Opslag"], []]}
    query = np.array([0.995, 0.1], np.float32)
    everyone = ExampleVote(*common, **kw)
    story = ExampleVote(*common, **kw, scoped=[False, True, True])
    # with the near partial example the vote leans to not-answerable; without it, to answerable
    assert everyone.vote(query, vectors) < 0 < story.vote(query, vectors)
    assert story.passage_votes(query, vectors) == everyone.passage_votes(query, vectors)
    with pytest.raises(ValueError):
        ExampleVote(*common, **kw, scoped=[True])


def _shipped_examples() -> list[dict]:
    """The rows of `assistant/data/scope_examples.jsonl`."""
    text = (resources.files("assistant") / "data" / "scope_examples.jsonl").read_text("utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_the_shipped_story_examples_are_marked_and_cite_their_passages():
    rows = _shipped_examples()
    from assistant.config import PACKAGE_ROOT
    from assistant.evals.calibrate import STORY_SETS

    evals = PACKAGE_ROOT / "evals"
    files = [evals / f"{n}.jsonl" for n in STORY_SETS] + sorted(evals.glob("questions_dev*.jsonl"))
    story_ids = {json.loads(line)["id"] for f in files if f.exists() for line in f.open() if line.strip()}
    marked = {r["id"] for r in rows if r.get("scope") is False}
    assert marked and marked <= story_ids  # only story-set questions, and some of them
    assert not {r["id"] for r in rows if r.get("scope", True)} & story_ids  # none of them votes on scope
    assert any(r.get("cites") for r in rows if r["id"] in marked)


def test_cites_must_match_the_examples():
    with pytest.raises(ValueError):
        ExampleVote(["a", "b"], [True, True], cites=[["x"]])


def _passage(pid: str, section: str, authority: str = "official", doc: str = "aaaa") -> Passage:
    return Passage(
        id=pid,
        source=f"{authority}.md",
        title="t",
        section=section,
        text="Gegevens.",
        authority=authority,
        doc_hash=doc,
    )


def test_the_retriever_weighs_the_vote_by_the_fitted_weight():
    passages = [_passage("p:1", "Doelbinding"), _passage("p:2", "Opslagbeperking", doc="bbbb")]
    vec = np.ones(4, np.float32)
    wanted = passage_key(passages[1])
    voter = lambda _vec: {wanted: 1.0}  # noqa: E731
    plain = Retriever(_TieIndex(passages), Weights(vote=0.0), voter=voter).search("x", k=2, query_vec=vec)
    voted = Retriever(_TieIndex(passages), Weights(vote=1.0), voter=voter).search("x", k=2, query_vec=vec)
    assert plain.hits[0].passage.section == "Doelbinding"  # a tie: index order
    assert voted.hits[0].passage.section == "Opslagbeperking"
    assert voted.hits[0].score == pytest.approx(plain.hits[1].score + 1.0)


class _VectorIndex(_TieIndex):
    """A tie index that also has stored passage vectors (as `PolicyIndex.vectors` gives them)."""

    def __init__(self, passages, vectors) -> None:
        super().__init__(passages)
        self._vectors = {f"{p.doc_hash}:{p.id}": v for p, v in zip(passages, vectors, strict=True)}

    def vectors(self, passages):
        return np.array([self._vectors[f"{p.doc_hash}:{p.id}"] for p in passages], np.float32)


def test_a_documents_passage_shares_the_vote_of_the_nearest_official_passage():
    """An added guideline on retention is not pushed below the policy's retention passage by a vote only
    policy passages can get: it reads the vote of the official passage nearest to it."""
    passages = [
        _passage("p:1", "Doelbinding"),
        _passage("p:2", "Opslagbeperking", doc="bbbb"),
        _passage("g:1", "Bewaartermijnen", authority="supplementary", doc="cccc"),
    ]
    vectors = [[1.0, 0.0], [0.0, 1.0], [0.1, 0.99]]  # the guideline is nearest the retention passage
    retriever = Retriever(_VectorIndex(passages, vectors), Weights(vote=1.0), voter=lambda v: {})
    keys = retriever._vote_keys(retriever.passages)
    assert keys == [passage_key(passages[0]), passage_key(passages[1]), passage_key(passages[1])]


@pytest.mark.parametrize(
    "question, parts",
    [
        ("Hoe lang mogen we LA-gegevens bewaren?", []),
        (
            "Welke kosten brengt een dashboard mee: moet er een privacyverklaring komen?",
            ["Welke kosten brengt een dashboard mee", "moet er een privacyverklaring komen?"],
        ),
        (
            "We run a dashboard on Canvas data. Can we add webcam snapshots too?",
            ["We run a dashboard on Canvas data.", "Can we add webcam snapshots too?"],
        ),
        ("AI gebruiken: wie betrekken?", []),  # two-word parts carry no point of their own
        ("Student vraagt: hoe lang bewaren we studiedata?", ["hoe lang bewaren we studiedata?"]),
    ],
)
def test_question_parts_are_its_sentences_and_clauses(question, parts):
    assert question_parts(question) == parts


def test_the_shipped_examples_cite_sections_of_the_shipped_policy():
    """Every passage key an example question cites is a section of the official policy (the pointer the
    vote rests on is right), and answered examples cite at least one."""
    from assistant.config import DEFAULT_CORPUS
    from assistant.corpus import load_passages

    keys = {passage_key(p) for p in load_passages([DEFAULT_CORPUS])}
    rows = _shipped_examples()
    cited = [r for r in rows if r.get("cites")]
    assert len(cited) >= 0.8 * sum(r["answerable"] for r in rows)
    assert all(r["answerable"] for r in cited)
    assert {k for r in cited for k in r["cites"]} <= keys
    assert load_calibration().fusion.vote > 0  # the calibration found the vote worth weighing
