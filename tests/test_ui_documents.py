"""Roles on documents (issue 19, point 4): adding, re-indexing and removing supplementary documents is
for reviewers (ASSISTANT_REVIEWERS / `reviewers` of the roles file) and admins (`admins` of the roles
file); everyone else sees the list read-only, with each document's status, date and who added it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from assistant.ui.i18n import translate
from tests.test_app import make_app, mini_corpus, open_page  # noqa: F401 (mini_corpus: a fixture)

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

FAQ = (
    "faq.md",
    b"# FAQ\n\n## Dashboards\n\nEen dashboard toont alleen eigen voortgang aan studenten.\n",
    "text/markdown",
)


@pytest.fixture
def roles(mini_corpus, monkeypatch, tmp_path):  # noqa: F811
    """A mini corpus; Rita a reviewer (environment), Ada an admin (roles file), Bob staff."""
    file = tmp_path / "roles.toml"
    file.write_text('reviewers = ["Rex"]\nadmins = ["Ada"]\n', encoding="utf-8")
    monkeypatch.setenv("ASSISTANT_REVIEWERS", "Rita")
    monkeypatch.setenv("ASSISTANT_ROLES_FILE", str(file))
    monkeypatch.setenv("ASSISTANT_DB_URL", f"sqlite:///{tmp_path / 'review.db'}")
    return file


def page(name: str | None, lang: str = "en"):
    return open_page(make_app(lang, name=name).run(), "documents")


def rows(at) -> dict[str, dict]:
    frame = at.dataframe[0].value
    return {r["File"]: r for r in frame.to_dict("records")}


def _buttons(at, *keys: str) -> list:
    labels = {translate(k, "en") for k in keys}
    return [b for b in at.button if b.label in labels]


def _add(at, file=FAQ):
    at.file_uploader[0].set_value(file).run()
    [add] = _buttons(at, "docs.add")
    add.click().run()
    assert not at.exception, at.exception
    return at


def test_staff_and_anonymous_users_see_the_list_read_only(roles):
    for name in ("Bob", None, ""):
        at = page(name)
        assert [i.value for i in at.info] == [translate("docs.read_only", "en")], name
        assert not at.file_uploader and not at.multiselect, name
        assert not _buttons(at, "docs.add", "docs.reindex", "docs.remove"), name
        [row] = rows(at).values()
        assert row["Authority"] == "official" and row["Added by"] == translate("docs.shipped", "en")
        assert row["Added on"] != "–" and row["Date"] != "–"


@pytest.mark.parametrize("who", ["Rita", "rex", "Ada"])  # reviewer (env, roles file), admin (roles file)
def test_reviewers_and_admins_add_and_remove_documents_recorded_with_their_name(roles, who):
    at = _add(page(who))
    assert not at.info
    faq = rows(at)["faq.md"]
    assert faq["Authority"] == "supplementary" and faq["Added by"] == who and faq["Added on"] != "–"
    assert rows(at)["mini.md"]["Added by"] == translate("docs.shipped", "en")
    # a staff member sees who added it, read-only
    bob = page("Bob")
    assert rows(bob)["faq.md"]["Added by"] == who and not bob.file_uploader
    # re-indexing keeps the name; removing takes the document out and deletes the upload
    at = page(who)
    [reindex] = _buttons(at, "docs.reindex")
    reindex.click().run()
    assert rows(at)["faq.md"]["Added by"] == who
    [pick] = at.multiselect
    pick.set_value([o for o in pick.options if o.startswith("faq.md")]).run()
    [remove] = _buttons(at, "docs.remove")
    remove.click().run()
    assert not at.exception, at.exception
    assert "faq.md" not in rows(at)
    assert not (Path(os.environ["ASSISTANT_HOME"]) / "uploads" / "faq.md").exists()


def test_the_index_records_who_added_a_document(roles):
    from assistant.config import load_settings
    from assistant.index import PolicyIndex

    _add(page("Ada"))
    docs = {d["source"]: d for d in PolicyIndex(load_settings()).documents()}
    assert docs["faq.md"]["added_by"] == "Ada" and docs["faq.md"]["authority"] == "supplementary"
    assert docs["mini.md"].get("added_by", "") == ""


def test_an_unreadable_roles_file_leaves_the_list_read_only(roles):
    roles.write_text("admins = [", encoding="utf-8")
    at = page("Ada", "nl")
    assert not at.exception, at.exception
    assert not at.file_uploader and not _buttons(at, "docs.add", "docs.remove")
    assert translate("docs.read_only", "nl") in [i.value for i in at.info]
    assert any("ASSISTANT\\_ROLES\\_FILE" in e.value or "roles" in e.value for e in at.error)
