"""The Lao runtime: PO files read per domain, English fallback, drafts marked where shown."""

from __future__ import annotations

import re
import string

import polib
import pytest

from course import messages
from course.manifest import curriculum

LAO = re.compile(r"[\u0e80-\u0eff]")


def lao_entries():
    """Every entry of every committed Lao PO file (obsolete ones too), with its domain."""
    for path in sorted((messages.LOCALE_DIR / "lo" / "LC_MESSAGES").glob("*.po")):
        for entry in polib.pofile(str(path), wrapwidth=0):
            yield path.stem, entry


@pytest.fixture
def lao():
    """Switch the process to Lao for one test, and back to English after it."""
    messages.set_language("lo")
    yield
    messages._language = None


@pytest.fixture
def locale(tmp_path, monkeypatch):
    """A locale folder of our own, with a Lao core.po the test fills in."""
    monkeypatch.setattr(messages, "LOCALE_DIR", tmp_path)
    messages.reload()
    folder = tmp_path / "lo" / "LC_MESSAGES"
    folder.mkdir(parents=True)

    def write(*entries: polib.POEntry) -> None:
        po = polib.POFile(wrapwidth=0)
        po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "lo"}
        for entry in entries:
            po.append(entry)
        po.save(str(folder / "core.po"))
        messages.reload()

    yield write
    messages._language = None
    monkeypatch.undo()
    messages.reload()


class Anything:
    """A placeholder value that fits any format spec ({value:.1f}, {count:d}, ...)."""

    def __format__(self, spec: str) -> str:
        return "X"


def english(key: str) -> str:
    return messages.catalogue("en")[key]


def test_lao_is_a_language_and_english_stays_the_source():
    assert messages.languages() == ["en", "lo"]
    assert not (messages.CATALOGUE_DIR / "lo").exists(), "Lao lives in PO files now"
    assert messages.t("button.check") == english("button.check")


def test_a_translation_is_used_and_a_missing_one_falls_back_to_english(locale):
    locale(
        polib.POEntry(msgctxt="button.check", msgid=english("button.check"), msgstr="ກວດ"),
        polib.POEntry(msgctxt="button.hint", msgid=english("button.hint"), msgstr=""),
    )
    messages.set_language("lo")
    assert messages.t("button.check") == "ກວດ"
    assert messages.t("button.hint") == english("button.hint")  # empty msgstr
    assert messages.t("check.label.pass") == english("check.label.pass")  # no entry


def test_an_obsolete_or_outdated_translation_falls_back_to_english(locale):
    outdated = polib.POEntry(
        msgctxt="check.label.not_yet",
        msgid=english("check.label.not_yet"),
        msgstr="ຍັງ",
        previous_msgid="Not quite",
        flags=["fuzzy"],
    )
    locale(
        polib.POEntry(msgctxt="button.check", msgid="Check the answer (old text)", msgstr="ກວດ"),
        polib.POEntry(
            msgctxt="button.hint", msgid=english("button.hint"), msgstr="ຄຳ", obsolete=True
        ),
        outdated,
    )
    messages.set_language("lo")
    for key in ("button.check", "button.hint", "check.label.not_yet"):
        assert messages.t(key) == english(key)
        assert not messages.is_draft(key)


def test_a_translation_with_other_placeholders_is_never_used(locale):
    key = "hint.heading"
    locale(polib.POEntry(msgctxt=key, msgid=english(key), msgstr="ຄຳແນະນຳ {lvl}"))
    messages.set_language("lo")
    assert messages.t(key, level=1, total=3) == english(key).format(level=1, total=3)


def test_the_draft_flag_follows_fuzzy(locale):
    locale(
        polib.POEntry(
            msgctxt="button.check", msgid=english("button.check"), msgstr="ກວດ", flags=["fuzzy"]
        ),
        polib.POEntry(msgctxt="button.hint", msgid=english("button.hint"), msgstr="ຄຳແນະນຳ"),
    )
    assert not messages.is_draft("button.check")  # English shows no draft
    messages.set_language("lo")
    assert messages.is_draft("button.check")
    assert not messages.is_draft("button.hint")  # reviewed
    assert not messages.is_draft("check.label.pass")  # English fallback
    assert messages.any_draft("button.")
    assert not messages.any_draft("check.")


def test_no_key_is_ever_shown_in_lao(lao):
    """Every key gives text (Lao or English) that is not the key, with placeholders filled."""
    for key, text in messages.catalogue("en").items():
        names = messages.placeholders(text)
        # A hint may show code with braces ({"sex": ...}); t() leaves it alone without values.
        values = {name: Anything() for name in names} if all(map(str.isidentifier, names)) else {}
        shown = messages.t(key, **values)
        assert shown and shown != key, key


def test_every_lao_string_keeps_the_placeholders_of_its_english():
    checked = 0
    formatter = string.Formatter()
    for domain, entry in lao_entries():
        if not entry.msgstr:
            continue
        where = f"{domain}: {entry.msgctxt or entry.msgid[:40]}"
        assert messages.placeholders(entry.msgstr) == messages.placeholders(entry.msgid), where
        if entry.msgctxt is None:  # a lesson paragraph is no format string
            checked += 1
            continue
        list(formatter.parse(entry.msgstr))  # raises on an unbalanced brace
        names = messages.placeholders(entry.msgid)
        if names and all(map(str.isidentifier, names)):
            entry.msgstr.format(**dict.fromkeys(names, Anything()))
        checked += 1
    assert checked > 100


def test_every_lao_string_is_a_draft_no_review_is_claimed():
    """No Lao speaker has reviewed the drafts yet: every translated entry is fuzzy."""
    for domain, entry in lao_entries():
        if entry.msgstr:
            assert "fuzzy" in entry.flags, f"{domain}: {entry.msgctxt} claims a review"
            if entry.msgstr != entry.msgid:  # an acronym such as EGDI stays as it is
                assert LAO.search(entry.msgstr), f"{domain}: {entry.msgctxt} has no Lao"


def test_check_results_and_hints_show_a_draft_marker_in_lao_only(lao):
    from course.learn import Exercise

    module = curriculum().modules[0]
    exercise = Exercise(module.id)
    name = next(iter(exercise.questions))
    result = exercise.check(name, None)
    assert result.draft and "ຮ່າງຄຳແປ" in result._repr_html_()
    assert "draft translation" in result._repr_html_() and "dgt-draft" in result._repr_html_()
    assert LAO.search(result.message)
    hint = exercise.hint(name)
    assert hint.draft and "dgt-draft" in hint._repr_html_()
    messages._language = "en"
    english_result = exercise.check(name, None)
    assert not english_result.draft and "dgt-draft" not in english_result._repr_html_()


def test_app_pages_show_a_draft_notice_in_lao_only(lao):
    from course.serve import app_server, ui

    assert "dgt-draft" in ui.header("egdi-explorer")
    assert "ຮ່າງຄຳແປ · draft translation" in app_server.landing_html()
    assert 'lang="lo"' in app_server.landing_html()
    messages._language = "en"
    assert "dgt-draft" not in ui.header("egdi-explorer")
    assert "dgt-draft" not in app_server.landing_html()


def test_a_feedback_page_in_lao_is_marked_as_a_draft(lao):
    from autograder import feedback, results

    row = results.Row("t01", "Somchai", "Sekong", "A0-getting-started", 3, 9, "graded", [], True)
    entry = {"outcome": "not_yet", "label": "q1", "points": "0 / 1", "text": "x", "comment": ""}
    page, text = feedback.render(row, "A0", [entry])
    assert "lang='lo'" in page and "dgt-draft" in page and "draft translation" in page
    assert messages.t("grade.feedback.heading", title="A0") in page
    assert LAO.search(text)
    messages._language = "en"
    page, _ = feedback.render(row, "A0", [entry])
    assert "lang='en'" in page and "dgt-draft" not in page


def test_dgt_help_speaks_lao_with_dgt_lang_lo():
    """The whole command line reads DGT_LANG: `dgt --help` in Lao, with no error."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "DGT_LANG": "lo"}
    result = subprocess.run(
        [sys.executable, "-m", "course", "--help"], env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert messages.catalogue("lo")["cli.description"].split(":")[0] in result.stdout
    assert "i18n" in result.stdout and not result.stderr
