"""The message catalogues (assistant/data/messages/{nl,en}.toml) and errors that carry field names.

The catalogues agree on keys and placeholders (the loader refuses any that do not); every message
key the library uses exists; library errors name fields, and each edge shows them its own way.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from assistant.cli.errors import error_text as cli_text
from assistant.cli.errors import flag
from assistant.errors import AssistantError, ConfigError, InputError, Name, ReviewError
from assistant.messages import Catalogues, catalogues, message, parse_catalogue, placeholders
from assistant.ui.i18n import error_text as ui_text

PKG = Path(__file__).resolve().parent.parent / "assistant"


def _pair(nl: str, en: str) -> Catalogues:
    return Catalogues(
        languages={
            "nl": parse_catalogue("nl", 'examples = ["v"]\n' + nl),
            "en": parse_catalogue("en", 'examples = ["q"]\n' + en),
        }
    )


# --------------------------------------------------------------------------- the catalogues


def test_shipped_catalogues_have_the_same_keys_and_placeholders():
    nl, en = (catalogues().languages[lang] for lang in ("nl", "en"))
    assert set(nl.messages) == set(en.messages) and len(en.messages) > 200
    for key, text in en.messages.items():
        assert placeholders(text) == placeholders(nl.messages[key]), key
        assert text.strip() and nl.messages[key].strip(), key
    assert len(nl.examples) == len(en.examples) >= 3
    assert catalogues() is catalogues()  # read once


@pytest.mark.parametrize(
    ("nl", "en", "problem"),
    [
        ('[a]\nb = "{n} stuks"\n', '[a]\nb = "{count} items"\n', "placeholders differ"),
        ('[a]\nb = "x"\nc = "y"\n', '[a]\nb = "x"\n', "keys not in both"),
        ('[a]\nb = "  "\n', '[a]\nb = "x"\n', "empty text"),
        ('[a]\nb = "{n"\n', '[a]\nb = "{n}"\n', "a.b"),
    ],
)
def test_catalogues_that_disagree_are_refused(nl, en, problem):
    with pytest.raises(ValidationError, match=problem):
        _pair(nl, en)


def test_tables_and_dotted_keys_flatten_to_message_keys():
    pair = _pair(
        '[review]\nsave = "Opslaan"\n"col.id" = "#"\n[review.col]\nx = "X"\n',
        '[review]\nsave = "Save"\n"col.id" = "#"\n[review.col]\nx = "X"\n',
    )
    assert set(pair.languages["en"].messages) == {"review.save", "review.col.id", "review.col.x"}
    assert pair.text("review.save", "nl") == "Opslaan" and pair.text("review.save", "fr") == "Save"


def test_placeholders_are_field_names():
    assert placeholders("{id} · {conf:.0%} · {n!r} · {a.b} · {{literal}}") == {"id", "conf", "n", "a"}


_LIBRARY_KEY = re.compile(r"(error|ask\.warn)\.[\w.]+")


def _library_keys() -> set[str]:
    """Message keys written in the code: every string literal shaped like an error or warning key."""
    return {
        node.value
        for path in PKG.rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and _LIBRARY_KEY.fullmatch(node.value)
    }


def test_every_error_and_warning_key_exists_and_is_used():
    used = _library_keys()
    shipped = {k for k in catalogues().languages["en"].messages if _LIBRARY_KEY.fullmatch(k)}
    assert {"error.review.blocker_needs_reason", "ask.warn.fallback", "error.ask.question_too_long"} <= used
    assert sorted(used - shipped) == []  # no key missing from the catalogue
    assert sorted(shipped - used) == []  # no text nothing raises


def test_ask_warnings_are_in_the_question_language():
    assert message("ask.warn.fallback", "nl", reason="x").startswith("Het antwoord van het taalmodel")
    assert message("ask.warn.fallback", "en", reason="x").startswith("The language model's answer")
    assert message("ask.warn.supplementary", "xx") == message("ask.warn.supplementary", "en")


# --------------------------------------------------------------------------- errors with fields


def test_an_error_names_its_field_and_each_edge_shows_it_its_own_way():
    err = ReviewError(key="error.review.blocker_needs_reason", field="comment", rule="legal_basis")
    assert err.field == "comment" and err.params == {"rule": "legal_basis"}
    assert str(err) == (
        "Finding legal_basis is a blocker: `acceptable` needs a reason (comment), "
        "e.g. the accepted risk and why it is acceptable."
    )
    assert "needs a reason (--comment)," in cli_text(err)
    assert "needs a reason (Comment)," in ui_text(err, "en")
    assert ui_text(err, "nl").startswith(
        "Bevinding legal_basis is blokkerend"
    ) and "(Toelichting)" in ui_text(err, "nl")


def test_names_inside_a_message_and_settings():
    names = {n: Name(n) for n in ("action", "owner", "due")}
    err = ReviewError(
        key="error.review.improvable_needs_plan", field="owner", missing=[Name("owner"), Name("due")], **names
    )
    assert str(err).endswith("missing owner, due.")
    assert cli_text(err).endswith("by when (--due YYYY-MM-DD); missing --owner, --due.")
    assert ui_text(err, "en").endswith("missing Owner, Due.")
    config = ConfigError(
        key="error.review.no_reviewers", field="reviewers", roles_file=Name("roles_file", setting=True)
    )
    assert "set reviewers (comma-separated names) or roles_file" in str(config)
    assert "set ASSISTANT_REVIEWERS (comma-separated names) or ASSISTANT_ROLES_FILE" in cli_text(config)
    long = InputError(
        key="error.ask.question_too_long",
        field="question",
        length=2500,
        limit=2000,
        setting=Name("max_question_chars", setting=True),
    )
    assert "the limit is 2,000 (ASSISTANT_MAX_QUESTION_CHARS)" in cli_text(long)
    assert "the limit is 2,000 (set by the administrator)" in ui_text(long, "en")
    assert "ASSISTANT_" not in ui_text(long, "nl")


def test_a_finished_message_is_shown_as_raised():
    err = InputError("Output file {x}.md does not match format docx.", field="out")
    assert str(err) == cli_text(err) == ui_text(err, "nl") == "Output file {x}.md does not match format docx."
    assert err.field == "out" and flag("out") == "--out" and flag("project_type") == "--type"
    assert flag("max_file_mb") == "--max-file-mb"


def test_an_error_takes_a_message_or_a_key():
    with pytest.raises(TypeError):
        AssistantError()
    with pytest.raises(TypeError):
        AssistantError("both", key="error.review.bad_draft")


def test_an_unknown_key_or_missing_parameter_is_a_bug():
    with pytest.raises(KeyError):
        ReviewError(key="error.review.no_such_message")
    with pytest.raises(KeyError):
        ReviewError(key="error.review.no_proposal")  # {id} not given


def _raise_messages(folder: Path) -> list[tuple[str, str]]:
    """(file, text) of every string literal inside a `raise` statement under `folder`."""
    out = []
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Raise) and node.exc is not None:
                for sub in ast.walk(node.exc):
                    if isinstance(sub, ast.Constant) and isinstance(sub.value, str):
                        out.append((str(path.relative_to(PKG)), sub.value))
    return out


def test_library_errors_name_no_cli_flag():
    """Flags are the CLI's business (assistant/cli maps fields to flags)."""
    flagged = [
        (f, text)
        for f, text in _raise_messages(PKG)
        if not f.startswith("cli/") and re.search(r"(?<![\w-])--[a-z]", text)
    ]
    catalogue = [
        k for k, v in catalogues().languages["en"].messages.items() if k.startswith("error.") and "--" in v
    ]
    assert flagged == [] and catalogue == []


def test_review_export_and_ask_errors_name_no_setting():
    """The review workflow, the review export and the Ask pipeline name settings by field only."""
    named = [
        (f, text)
        for folder in ("review", "exports", "ask")
        for f, text in _raise_messages(PKG / folder)
        if re.search(r"\b(ASSISTANT|CHROMA)_[A-Z]", text)
    ]
    catalogue = [
        k
        for k, v in catalogues().languages["en"].messages.items()
        if k.startswith("error.") and "ASSISTANT_" in v
    ]
    assert named == [] and catalogue == []
