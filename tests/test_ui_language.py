"""One language at a time (issue 19, point 5): every page, in Dutch and in English, shows catalogue
texts only. Walks every page with AppTest (a proposal with verdicts, a decision, two versions and an
action plan in the database; a draft in the form) and fails on a missing catalogue key (the key
shown instead of its text) or a raw identifier (`snake_case`, `rule_id.variant`) shown to a user."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator

import pytest

from assistant.review.service import ReviewService
from assistant.review.store import Store
from assistant.ui.i18n import LANGS, MESSAGES, translate
from tests.test_app import DESCRIPTION, PAGES, app_env, make_app, open_page, submit_proposal  # noqa: F401

TABLES = frozenset(key.split(".", 1)[0] for key in MESSAGES)
"""The catalogue's top-level tables (nav, draft, review, ...): `table.word` on screen is a key."""
_TOKEN = re.compile(r"(?<![\w@/\\.-])[a-z][a-z0-9]*(?:[_.][a-z0-9]+)+(?![\w@/-])")
_NOT_TEXT = frozenset(
    {"id", "form_id", "key", "icon", "url", "type", "format", "element_id", "file_id", "columns"}
)  # `columns`: a data editor's column configuration (JSON); its labels and help are shown elsewhere


def _template(text: str) -> re.Pattern:
    parts = re.split(r"\{[^{}]*\}", text)
    return re.compile(".*?".join(re.escape(part) for part in parts))


CHECKER = [_template(translate(key, lang)) for key in MESSAGES if key.startswith("check.") for lang in LANGS]
"""The checker's finding texts (message, fix) are the Draft issue's, not this one's ("Finding texts
themselves are in the Draft issue"): cut out of what is checked here."""


def raw_keys(text: str) -> list[str]:
    """Tokens of `text` that are identifiers, not words: snake_case (`changes_requested`), or dotted
    with a catalogue table or an underscore in it (`review.save`, `legal_basis.missing`). File names
    (`policy.md`), e-mail domains and numbers are not matched."""
    found = []
    for token in _TOKEN.findall(text.replace("\\", "")):
        head = token.split(".", 1)[0]
        if "_" in token or ("." in token and head in TABLES):
            found.append(token)
    return found


def _proto_strings(message) -> Iterator[str]:
    for field, value in message.ListFields():
        if field.name in _NOT_TEXT:
            continue
        values = (
            value
            if getattr(field, "is_repeated", False)
            or isinstance(value, list | tuple)
            or type(value).__name__.startswith("Repeated")
            else [value]
        )
        for v in values:
            if isinstance(v, str):
                yield v
            elif hasattr(v, "ListFields"):
                yield from _proto_strings(v)


def shown_texts(at) -> Iterator[str]:
    """Every string the page puts on screen: element texts, labels, help, options, table cells."""
    stack = [at.main, at.sidebar]
    while stack:
        node = stack.pop()
        stack.extend(getattr(node, "children", {}).values())
        proto = getattr(node, "proto", None)
        if proto is not None and hasattr(proto, "ListFields"):
            yield from _proto_strings(proto)
        if getattr(node, "type", "") in ("arrow_data_frame", "dataframe"):
            frame = node.value
            yield from map(str, frame.columns)
            for column in frame.columns:
                yield from (v for v in frame[column] if isinstance(v, str))


@pytest.mark.parametrize(
    ("text", "raw"),
    [
        ("Status: changes_requested", ["changes_requested"]),
        ("Field legal_basis.missing", ["legal_basis.missing"]),
        ("loop.revise", ["loop.revise"]),
        ("Policy: uu-learning-analytics-beleid.md · version 1.2", []),
        ("Mail rita@uu.nl, e.g. version 1.2; [STUDENT_NUMBER]", []),
        ("legal\\_basis", ["legal_basis"]),  # Markdown-escaped
    ],
)
def test_raw_keys_finds_identifiers_not_words(text, raw):
    assert raw_keys(text) == raw


def _history(db: str) -> int:
    """A proposal with everything the Review page can show: verdicts (a blocker accepted with its risk,
    an action), a decision, a second version (a field diff)."""
    pid = submit_proposal(db, author="Alice")
    with ReviewService(Store(db), ["Rita"]) as svc:
        view = svc.show(pid)
        blocker = next(f for f in view.findings if f.severity == "blocker")
        major = next(f for f in view.findings if f.severity == "major")
        svc.evaluate(
            pid,
            blocker.id,
            "acceptable",
            "Rita",
            comment="Public interest task; the faculty privacy officer confirmed it.",
            accept_risk=True,
        )
        svc.evaluate(pid, major.id, "to_fix", "Rita")
        svc.decide(pid, "Rita", "changes_requested", comment="Add a retention period.")
        v2 = svc.resubmit(pid, dict(view.draft, retention="Deleted after one year."), "Alice")
        major = next(f for f in v2.findings if f.severity == "major")
        svc.evaluate(
            pid, major.id, "improvable", "Rita", action="Ask the faculty", owner="Alice", due="2027-01-31"
        )
    return pid


@pytest.mark.usefixtures("app_env")
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_every_page_shows_catalogue_texts_only(lang):
    _history(os.environ["ASSISTANT_DB_URL"])
    problems: dict[str, list[str]] = {}
    seen: set[str] = set()
    for who in ("Rita", "Alice"):  # a reviewer and an author
        at = make_app(lang, name=who).run()
        for page in (*PAGES, "policy"):
            open_page(at, page)
            if page == "draft":
                at.text_area(key="d_desc").input(DESCRIPTION).run()
                at.button[0].click().run()
                assert not at.exception, at.exception
            for text in shown_texts(at):
                text = text.replace("\\", "")
                seen.add(text)
                for pattern in CHECKER:
                    text = pattern.sub("", text)
                if raw := raw_keys(text):
                    problems.setdefault(f"{who}/{page}", []).extend(raw)
    assert not problems, {k: sorted(set(v)) for k, v in problems.items()}
    for key in (
        "review.action_plan",
        "review.history",
        "loop.changes",
        "loop.author_note",
        "draft.check",
        "policy.title",
    ):
        assert translate(key, lang) in seen, key  # the walk saw the pages it checks


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_review_export_speaks_the_users_language(tmp_path, lang):
    from assistant.exports.review import render_markdown
    from tests.test_review import FakeDraft, fake_checker

    with ReviewService(Store(f"sqlite:///{tmp_path / 'r.db'}"), ["Bob"], checker=fake_checker) as svc:
        pid = svc.submit(FakeDraft(), "Alice").id
        svc.evaluate(pid, "retention", "to_fix", "Bob")
        view = svc.decide(pid, "Bob", "changes_requested", comment="Add a period.")
    md = render_markdown(view, lang)
    for key in ("export.history", "export.action_plan", "status.changes_requested", "export.event.decide"):
        assert translate(key, lang) in md, key
    assert "changes_requested" not in md and "to_fix" not in md.replace("| verdict=to_fix", "")
