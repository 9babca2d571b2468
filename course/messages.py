"""The message catalogue: every user-facing string, looked up by key, per language.

Catalogues are TOML files in `course/messages/<lang>/*.toml`. Sections become dotted
keys, so `[check] pass = "..."` is the key `check.pass`. A Lao translation is a folder
`course/messages/lo/` holding the same keys; any key it lacks falls back to English.
Choose the language with the environment variable `DGT_LANG` or `set_language()`.
"""

from __future__ import annotations

import os
import string
import tomllib
from functools import cache
from pathlib import Path

CATALOGUE_DIR = Path(__file__).parent / "messages"
DEFAULT_LANGUAGE = "en"
_language: str | None = None


def _flatten(table: dict, prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in table.items():
        full = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, full + "."))
        else:
            flat[full] = str(value)
    return flat


@cache
def catalogue(language: str) -> dict[str, str]:
    """Return every message of one language as a flat {key: text} dict."""
    folder = CATALOGUE_DIR / language
    messages: dict[str, str] = {}
    if not folder.is_dir():
        return messages
    for path in sorted(folder.glob("*.toml")):
        with path.open("rb") as handle:
            for key, text in _flatten(tomllib.load(handle)).items():
                if key in messages:
                    raise ValueError(f"message key {key!r} is defined twice ({path.name})")
                messages[key] = text
    return messages


def languages() -> list[str]:
    """Return the languages that have a catalogue folder."""
    return sorted(p.name for p in CATALOGUE_DIR.iterdir() if p.is_dir())


def get_language() -> str:
    """Return the language in use: set_language(), then $DGT_LANG, then English."""
    return _language or os.environ.get("DGT_LANG") or DEFAULT_LANGUAGE


def set_language(language: str) -> None:
    """Use `language` (e.g. "lo") for every message from now on."""
    global _language
    if language not in languages():
        raise ValueError(f"no message catalogue for language {language!r}; have {languages()}")
    _language = language


def placeholders(text: str) -> set[str]:
    """Return the names of the {placeholders} in a message."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def has(key: str) -> bool:
    """Tell whether the English catalogue defines `key`."""
    return key in catalogue(DEFAULT_LANGUAGE)


def t(key: str, **values: object) -> str:
    """Return the message `key` in the current language, with {placeholders} filled in."""
    text = catalogue(get_language()).get(key)
    if text is None:
        text = catalogue(DEFAULT_LANGUAGE).get(key)
    if text is None:
        raise KeyError(f"message key {key!r} is not in the catalogue")
    return text.format(**values) if values else text
