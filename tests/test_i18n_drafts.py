"""The Lao drafts: the interface in full, one Lao term per concept (course/locale/glossary.toml)."""

from __future__ import annotations

import re
import tomllib

import polib
import pytest

from course import messages
from course.manifest import curriculum, repo_root
from course.publish import i18n

GLOSSARY = messages.LOCALE_DIR / "glossary.toml"
LAO = re.compile(r"[\u0e80-\u0eff]")
# Text that names code, not a concept: `code`, "quoted" or 'quoted' values, paths, file names,
# --options, identifiers with _, <placeholders>, {placeholders}, dgt commands, and a
# parenthesised list of column names.
CODE_LIKE = [
    re.compile(r"`[^`]*`"),
    re.compile(r'"[^"]*"'),
    re.compile(r"(?<!\w)'[^']*'"),
    re.compile(r"\([^()]*\w_\w[^()]*\)"),
    re.compile(r"\{[^{}]*\}"),
    re.compile(r"<[^<>]*>"),
    re.compile(r"\bdgt(?:\s+[a-z][\w-]*)+"),
    re.compile(r"--[\w-]+"),
    re.compile(r"\S*[/_.]\w\S*"),
]


def glossary() -> list[dict]:
    return tomllib.loads(GLOSSARY.read_text(encoding="utf-8"))["term"]


def prose(text: str) -> str:
    for pattern in CODE_LIKE:
        text = pattern.sub(" ", text)
    return text


def term_pattern(term: dict) -> re.Pattern:
    flags = 0 if term.get("acronym") else re.IGNORECASE
    return re.compile(rf"(?<![\w-]){re.escape(term['en'])}(?:s|es)?(?![\w-])", flags)


def lao_drafts():
    """(domain, key or paragraph, English, Lao) of every current Lao translation."""
    for path in sorted((messages.LOCALE_DIR / "lo" / "LC_MESSAGES").glob("*.po")):
        for entry in polib.pofile(str(path), wrapwidth=0):
            if entry.msgstr and not entry.obsolete:
                yield path.stem, entry.msgctxt or entry.msgid[:50], entry.msgid, entry.msgstr


def test_the_glossary_is_complete_and_one_english_term_has_one_lao_term():
    terms = glossary()
    assert len(terms) >= 50
    seen: dict[str, str] = {}
    for term in terms:
        assert {"en", "lo", "explanation"} <= set(term), term
        assert LAO.search(term["explanation"]), term["en"]
        if not term.get("acronym"):
            assert LAO.search(term["lo"]), term["en"]
        else:
            assert term["lo"] == term["en"] or LAO.search(term["lo"])
        key = term["en"].lower()
        assert seen.setdefault(key, term["lo"]) == term["lo"], f"{term['en']}: two Lao terms"


def test_the_book_glossary_and_the_machine_glossary_agree():
    """A Lao term the book's glossary page gives is the one the translations use."""
    page = (repo_root() / "book" / "glossary.md").read_text(encoding="utf-8")
    book = dict(re.findall(r"^(\S[^\n]*)\n  Lao: ([^.—\n]+)\.", page, re.MULTILINE))
    ours = {t["en"].lower(): t["lo"] for t in glossary()}
    compared = 0
    for english, lao in book.items():
        if english.lower() in ours and LAO.search(lao):
            assert ours[english.lower()] == lao.strip(), english
            compared += 1
    assert compared >= 15


def without_other_senses(text: str, term: dict) -> str:
    """The text without the term's `unless` phrases: English in which the word means
    something else (a program's "output folder", "low vision"), not the glossary concept."""
    for phrase in term.get("unless", []):
        text = re.sub(re.escape(phrase), " ", text, flags=re.IGNORECASE)
    return text


def test_every_lao_draft_uses_the_glossary_term_for_each_english_term():
    patterns = [(term, term_pattern(term)) for term in glossary()]
    wrong = []
    checked = 0
    for domain, where, english, lao in lao_drafts():
        text = prose(english)
        for term, pattern in patterns:
            if pattern.search(without_other_senses(text, term)):
                checked += 1
                accepted = [term["lo"], *term.get("also", [])]
                if not any(form in lao for form in accepted):
                    wrong.append(f"{domain} {where}: {term['en']!r} needs {term['lo']!r}")
    assert checked > 300
    assert not wrong, "\n".join(wrong[:40])


def drafted_domains() -> list[str]:
    """The interface domains and Track A's modules: drafted in full."""
    track_a = [m.id for m in curriculum().modules if m.track == "A"]
    return [*i18n.INTERFACE, *track_a]


@pytest.mark.parametrize("domain", drafted_domains())
def test_every_entry_of_the_interface_and_track_a_has_a_lao_draft(domain):
    """Every entry that `dgt i18n update` brought into these PO files is drafted.

    Checked on the PO files, not on the current English: text someone adds or changes in
    the English later shows in English (and as missing in `dgt i18n status`) until the
    next `dgt i18n update` and draft, without failing this test in between.
    """
    path = messages.po_path("lo", domain)
    empty = [
        e.msgctxt or e.msgid[:40]
        for e in polib.pofile(str(path))
        if not e.obsolete and not e.msgstr
    ]
    assert not empty, f"{domain}: no Lao for {empty[:5]}"


def test_status_counts_the_interface_drafted_and_nothing_reviewed():
    groups = {row.domain: row for row in i18n.totals(i18n.status("lo"))}
    interface = groups["interface"]
    # Nearly all: English added since the last `dgt i18n update` counts as missing.
    assert interface.total > 500 and interface.translated >= 0.9 * interface.total
    assert groups["Track A"].translated > 0
    assert all(row.reviewed == 0 for row in groups.values())


@pytest.mark.parametrize("term", [t for t in glossary() if t.get("acronym")], ids=lambda t: t["en"])
def test_an_acronym_is_kept_as_it_is_in_lao(term):
    for _domain, where, english, lao in lao_drafts():
        if term_pattern(term).search(english) and term["lo"] == term["en"]:
            assert term["en"] in lao, where
