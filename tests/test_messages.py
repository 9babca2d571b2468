"""The message catalogue: every key used exists, translations match English."""

import re

import pytest

from course import messages
from course.manifest import curriculum, repo_root

KEY_CALL = re.compile(r"""\bt\(\s*["']([A-Za-z0-9_.\-]+)["']""")


def used_keys() -> set[str]:
    keys = set()
    for folder in ("course", "autograder"):
        for path in (repo_root() / folder).rglob("*.py"):
            keys |= set(KEY_CALL.findall(path.read_text(encoding="utf-8")))
    return keys


def test_every_literal_key_in_code_is_in_the_english_catalogue():
    """t("some.key") in the code always finds its English text."""
    english = messages.catalogue("en")
    missing = sorted(k for k in used_keys() if k not in english)
    assert not missing, f"keys used in code but missing from course/messages/en: {missing}"


def test_question_hints_and_check_messages_are_in_the_catalogue():
    """Every hint and check message of every exercise comes from the catalogue."""
    import importlib

    english = messages.catalogue("en")
    for module in curriculum().modules:
        for question in importlib.import_module(module.checks_module).QUESTIONS:
            for key in question.hints:
                assert key in english, f"{module.id} {question.name}: hint {key}"
            for check in question.checks:
                assert check.message in english, f"{module.id} {question.name}: {check.message}"


def test_manifest_titles_are_in_the_catalogue():
    """Module and app titles, and track captions, come from the catalogue."""
    english = messages.catalogue("en")
    manifest = curriculum()
    for module in manifest.modules:
        assert module.title_key in english
    for app in manifest.apps:
        assert app.title_key in english
    for track in manifest.tracks:
        assert f"book.track.{track}" in english


@pytest.mark.parametrize("language", [lang for lang in messages.languages() if lang != "en"])
def test_translations_match_english_keys_and_placeholders(language):
    """A translation has no key English lacks, and the same {placeholders} for each key."""
    english, other = messages.catalogue("en"), messages.catalogue(language)
    assert set(other) <= set(english)
    for key, text in other.items():
        assert messages.placeholders(text) == messages.placeholders(english[key]), key


def test_language_fallback(monkeypatch):
    """A key a translation lacks falls back to English."""
    monkeypatch.setenv("DGT_LANG", "xx")
    assert messages.t("button.check") == messages.catalogue("en")["button.check"]
