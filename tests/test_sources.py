"""Every factual claim in a lesson carries a source marker that docs/sources.md resolves to a file.

The rule (documented in docs/sources.md, "The rule the test holds"):

- A paragraph of a lesson's markdown cell (text between blank lines, headings left out)
  that names a source document, a Lao institution's action or a published figure (the
  TRIGGERS below) carries a marker ``[source: key]`` (several keys: ``[source: a; b]``).
- Every key is defined in the table of docs/sources.md and points to a file in the repo.
- Every lesson that carries a marker is listed in the claims table of docs/sources.md
  with that key.
- A quotation of four or more words in a paragraph marked with a seed document is found,
  word for word, in that seed (``...`` or ``…`` may stand for left-out words).
"""

from __future__ import annotations

import html
import re
import unicodedata
from pathlib import Path

import nbformat
import pytest

from course.manifest import curriculum, repo_root

ROOT = repo_root()
SOURCES_MD = ROOT / "docs" / "sources.md"

#: Words that make a paragraph a claim about Laos, its institutions, the toolkit or the index.
TRIGGERS = re.compile(
    r"(?i:GSWG|Governance Sector Working Group|SUFS|Service Users? Feedback Survey|"
    r"Ministry of Home Affairs|GPAR|Innovation Conference|Toolkit|a2i|"
    r"SDG Tracker|myGov|NSEDP|master ?plan|PACSA|USAID|established in 2015|"
    r"set up in 2015|E-Government Survey|Timor-Leste joined|four districts)|"
    r"\bSTEPS\b|\bMoHA\b"
)
#: A published index value stated in prose: EGDI, OSI, HCI, TII or a rank next to a number.
INDEX_FIGURE = re.compile(
    r"(EGDI|OSI|HCI|TII|Online Service Index|\brank\b|position \d+ of).{0,80}?\b0\.\d{2,}|"
    r"position \d+ of the \d+",
    re.IGNORECASE | re.DOTALL,
)
MARKER = re.compile(r"\[source: ([a-z0-9-]+(?:; ?[a-z0-9-]+)*)\]")
KEY_ROW = re.compile(r"^\| `([a-z0-9-]+)` \| (.+?) \| `([^`]+)` \|", re.MULTILINE)
CLAIM_ROW = re.compile(r"^\| ([A-B]\d\.\d+)[^|]*\| (.+?) \| ((?:`[a-z0-9-]+`(?:, )?)+) \|", re.M)
QUOTE = re.compile(r"[\"“]([^\"”]{12,}?)[\"”]")


def lessons() -> list[Path]:
    """Every lesson notebook of the manifest, in order."""
    return [path for module in curriculum().modules for path in module.lesson_paths]


def lesson_code(path: Path) -> str:
    """The short code of a lesson file: B7-3-citizen-feedback.ipynb -> B7.3."""
    first, second = path.name.split("-")[:2]
    return f"{first}.{second}"


def paragraphs(path: Path) -> list[tuple[int, str]]:
    """(cell index, paragraph) for every non-heading paragraph of the lesson's markdown cells."""
    notebook = nbformat.read(path, as_version=4)
    found = []
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "markdown":
            continue
        for block in re.split(r"\n\s*\n", cell.source):
            lines = [line for line in block.splitlines() if not line.lstrip().startswith("#")]
            text = "\n".join(lines).strip()
            if text:
                found.append((index, text))
    return found


def needs_source(text: str) -> bool:
    """Whether a paragraph makes a claim that the rule says must carry a source marker."""
    return bool(TRIGGERS.search(text) or INDEX_FIGURE.search(text))


def markers(text: str) -> list[str]:
    """The source keys named by the markers of a paragraph."""
    return [key.strip() for found in MARKER.findall(text) for key in found.split(";")]


def source_keys() -> dict[str, Path]:
    """The keys that docs/sources.md defines, with the file each points to."""
    return {key: ROOT / target for key, _, target in KEY_ROW.findall(SOURCES_MD.read_text())}


def listed_claims() -> set[tuple[str, str]]:
    """(lesson code, key) for every row of the claims table in docs/sources.md."""
    rows = set()
    for code, _, keys in CLAIM_ROW.findall(SOURCES_MD.read_text()):
        for key in re.findall(r"`([a-z0-9-]+)`", keys):
            rows.add((code, key))
    return rows


def fold(text: str) -> str:
    """Text reduced for comparing a quotation with its seed: no markup, case or odd spaces."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    text = unicodedata.normalize("NFKC", text).replace("’", "'").replace("‘", "'")
    text = text.replace("–", "-").replace("—", "-").lower()
    return " ".join(re.sub(r"[*_>`]", " ", text).split())


def quotation_missing(quote: str, seeds: list[str]) -> bool:
    """Whether some part of a quotation (split at ... or …) is in none of the seeds."""
    parts = [fold(part).strip(" .,;:") for part in re.split(r"\.\.\.|…", quote)]
    return any(part and not any(part in seed for seed in seeds) for part in parts)


def unsourced(path: Path) -> list[str]:
    """The paragraphs of a lesson that make a claim without a source marker."""
    return [
        f"{path.name} cell {index}: {text[:90]!r}"
        for index, text in paragraphs(path)
        if needs_source(text) and not markers(text)
    ]


LESSONS = lessons()


@pytest.mark.parametrize("path", LESSONS, ids=[p.name for p in LESSONS])
def test_every_claim_carries_a_source_marker(path):
    """A paragraph naming a source document, an institution's action or an index figure has a marker."""
    assert unsourced(path) == []


@pytest.mark.parametrize("path", LESSONS, ids=[p.name for p in LESSONS])
def test_markers_resolve_and_are_listed(path):
    """Each marker's key is defined in docs/sources.md, its file exists, and the claim is listed."""
    keys = source_keys()
    listed = listed_claims()
    for index, text in paragraphs(path):
        for key in markers(text):
            assert key in keys, f"{path.name} cell {index}: unknown source key {key!r}"
            assert keys[key].exists(), f"{key}: {keys[key]} does not exist"
            assert (lesson_code(path), key) in listed, (
                f"{path.name} cell {index} cites {key!r}; add the claim to docs/sources.md"
            )


@pytest.mark.parametrize("path", LESSONS, ids=[p.name for p in LESSONS])
def test_quotations_are_word_for_word(path):
    """A quotation of four or more words, in a paragraph marked with seeds, is in those seeds."""
    keys = source_keys()
    for index, text in paragraphs(path):
        seeds = [
            fold(keys[key].read_text(encoding="utf-8"))
            for key in markers(text)
            if key in keys and keys[key].parent.name == "seeds"
        ]
        if not seeds:
            continue
        for quote in QUOTE.findall(text):
            if len(quote.split()) >= 4:
                assert not quotation_missing(quote, seeds), (
                    f"{path.name} cell {index}: {quote!r} is not in its source"
                )


def test_every_key_points_to_a_file_and_is_used():
    """Every key of docs/sources.md names an existing file, and each key is cited in a lesson."""
    keys = source_keys()
    assert {"gswg-2021", "steps-2024", "gpar-sekong", "toolkit", "a2i-drc", "egdi"} <= set(keys)
    used = {key for path in LESSONS for _, text in paragraphs(path) for key in markers(text)}
    for key, target in keys.items():
        assert target.exists(), f"{key}: {target}"
        assert key in used, f"{key} is defined in docs/sources.md but no lesson cites it"
    assert {code for code, _ in listed_claims()} <= {lesson_code(p) for p in LESSONS}


def test_the_rule_catches_an_unsourced_claim():
    """The checker flags a claim sentence without a marker, and passes it with one."""
    claim = "In March 2021 the Ministry of Home Affairs trained 44 districts online."
    assert needs_source(claim) and not markers(claim)
    assert markers(claim + " [source: gswg-2021]") == ["gswg-2021"]
    assert needs_source("In 2024 Lao PDR's EGDI was 0.440.")
    assert not needs_source("A results chain links five levels.")
    seed = [fold((ROOT / "docs/seeds/gswg-2021.txt").read_text(encoding="utf-8"))]
    assert not quotation_missing("over 1200 citizens were surveyed", seed)
    assert not quotation_missing("The SUFS is limited ... 1200 citizens surveyed", seed)
    assert quotation_missing("over 1200 citizens were surveyed by MoHA", seed)
