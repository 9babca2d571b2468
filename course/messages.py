"""The message catalogue: every user-facing string, looked up by key, in English or Lao.

English is the source: TOML files in `course/messages/en/*.toml`, one per domain (the
file's stem: core, apps, grade, A0-getting-started, ...). Sections become dotted keys,
so `[check] pass = "..."` is the key `check.pass`.

Translations are gettext PO files, one per language and domain:
`course/locale/<lang>/LC_MESSAGES/<domain>.po`, with msgctxt = the key and msgid = the
English text (`dgt i18n extract` / `update` keep them in step). A translation is used
only while its msgid still equals the current English text and its {placeholders}
match; otherwise (missing, obsolete, empty) the English text is shown, never a key. An
entry flagged `fuzzy` is a draft no Lao speaker has reviewed: `is_draft(key)` tells,
and `draft_label()` is the bilingual marker surfaces show next to a draft.
Choose the language with the environment variable `DGT_LANG` or `set_language()`.
"""

from __future__ import annotations

import os
import re
import string
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path

CATALOGUE_DIR = Path(__file__).parent / "messages"
LOCALE_DIR = Path(__file__).parent / "locale"
DEFAULT_LANGUAGE = "en"
DRAFT_KEY = "i18n.draft_marker"
_language: str | None = None


@dataclass(frozen=True)
class Translation:
    """One usable translated message: its text and whether it is still a draft (fuzzy)."""

    text: str
    draft: bool


def _flatten(table: dict, prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in table.items():
        full = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, full + "."))
        else:
            flat[full] = str(value)
    return flat


def po_path(language: str, domain: str, root: Path | None = None) -> Path:
    """The PO file of one language and domain."""
    return (root or LOCALE_DIR) / language / "LC_MESSAGES" / f"{domain}.po"


@cache
def english_domains() -> dict[str, dict[str, str]]:
    """Return the English catalogue per domain: {domain: {key: text}}."""
    domains: dict[str, dict[str, str]] = {}
    seen: dict[str, str] = {}
    for path in sorted((CATALOGUE_DIR / DEFAULT_LANGUAGE).glob("*.toml")):
        with path.open("rb") as handle:
            flat = _flatten(tomllib.load(handle))
        for key in flat:
            if key in seen:
                raise ValueError(f"message key {key!r} is defined twice ({path.name})")
            seen[key] = path.stem
        domains[path.stem] = flat
    return domains


@cache
def _domain_of() -> dict[str, str]:
    return {key: domain for domain, flat in english_domains().items() for key in flat}


@cache
def _translations(language: str, domain: str) -> dict[str, Translation]:
    """The usable translations of one PO file: current msgid, same placeholders, not empty."""
    path = po_path(language, domain)
    if not path.is_file():
        return {}
    import polib

    english = english_domains().get(domain, {})
    found: dict[str, Translation] = {}
    for entry in polib.pofile(str(path), wrapwidth=0):
        if entry.msgctxt and usable(entry, english.get(entry.msgctxt)):
            found[entry.msgctxt] = Translation(entry.msgstr, "fuzzy" in entry.flags)
    return found


def usable(entry, english: str | None) -> bool:
    """Whether a PO entry (polib) may be shown for the current English text `english`.

    Not when it is obsolete, empty, made for another English text (its msgid differs, or
    `update` marked it with the English it was made for, `#| msgid`), or when its
    {placeholders} differ from the English ones.
    """
    return bool(
        not entry.obsolete
        and entry.msgstr
        and english is not None
        and entry.msgid == english
        and not entry.previous_msgid
        and placeholders(entry.msgstr) == placeholders(entry.msgid)
    )


def translation(key: str, language: str | None = None) -> Translation | None:
    """The usable translation of `key` (None in English, or when it falls back to English)."""
    language = language or get_language()
    if language == DEFAULT_LANGUAGE:
        return None
    domain = _domain_of().get(key)
    if domain is None:
        return None
    return _translations(language, domain).get(key)


def catalogue(language: str) -> dict[str, str]:
    """Return every message of one language as a flat {key: text} dict (only real ones)."""
    if language == DEFAULT_LANGUAGE:
        return dict(_domain_of_texts())
    return {
        key: found.text
        for domain in english_domains()
        for key, found in _translations(language, domain).items()
    }


@cache
def _domain_of_texts() -> dict[str, str]:
    return {key: text for flat in english_domains().values() for key, text in flat.items()}


def languages() -> list[str]:
    """Return English and every language that has a folder of PO files."""
    found = {DEFAULT_LANGUAGE}
    if LOCALE_DIR.is_dir():
        found |= {p.name for p in LOCALE_DIR.iterdir() if (p / "LC_MESSAGES").is_dir()}
    return sorted(found)


def get_language() -> str:
    """Return the language in use: set_language(), then $DGT_LANG, then English."""
    return _language or os.environ.get("DGT_LANG") or DEFAULT_LANGUAGE


def set_language(language: str) -> None:
    """Use `language` (e.g. "lo") for every message from now on."""
    global _language
    if language not in languages():
        raise ValueError(f"no message catalogue for language {language!r}; have {languages()}")
    _language = language


@contextmanager
def language_in_use(language: str) -> Iterator[None]:
    """Use `language` inside a `with` block, then the language used before."""
    global _language
    previous = _language
    set_language(language)
    try:
        yield
    finally:
        _language = previous


def placeholders(text: str) -> set[str]:
    """Return the names of the {placeholders} in a message.

    Text that is no format string (a lesson paragraph with a formula such as
    \\frac{a}{b}) gives its brace groups as they are, so a translation must keep them.
    """
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}
    except ValueError:
        return set(re.findall(r"\{[^{}]*\}", text))


def has(key: str) -> bool:
    """Tell whether the English catalogue defines `key`."""
    return key in _domain_of()


def is_draft(key: str) -> bool:
    """Tell whether `key`, in the current language, shows a draft (fuzzy) translation."""
    found = translation(key)
    return found is not None and found.draft


def any_draft(prefix: str) -> bool:
    """Tell whether any key starting with `prefix` shows a draft translation now."""
    language = get_language()
    if language == DEFAULT_LANGUAGE:
        return False
    return any(
        found.draft
        for domain in english_domains()
        for key, found in _translations(language, domain).items()
        if key.startswith(prefix)
    )


def draft_label(language: str | None = None) -> str:
    """The marker shown next to a draft translation: in the current language and English."""
    english = _domain_of_texts()[DRAFT_KEY]
    found = translation(DRAFT_KEY, language)
    return f"{found.text} · {english}" if found else english


def reload() -> None:
    """Forget the catalogues read so far (after the files changed, or in tests)."""
    for cached in (english_domains, _domain_of, _domain_of_texts, _translations):
        cached.cache_clear()


def t(key: str, **values: object) -> str:
    """Return the message `key` in the current language, with {placeholders} filled in."""
    found = translation(key)
    text = found.text if found else _domain_of_texts().get(key)
    if text is None:
        raise KeyError(f"message key {key!r} is not in the catalogue")
    return text.format(**values) if values else text
