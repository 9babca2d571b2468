"""Lesson headers agree with the manifest, and the lessons keep the anatomy of STYLE.md."""

import re

import nbformat
import pytest

from conftest import MODULE_IDS
from course.manifest import curriculum

HEADER = re.compile(r"\*\*Teaching:\*\* (\d+) minutes · \*\*Practice:\*\* (\d+) minutes")


def header_minutes(path) -> int:
    """Teaching plus practice minutes from a lesson's title cell."""
    found = HEADER.search(nbformat.read(path, as_version=4).cells[0].source)
    assert found, f"{path.name}: the title cell has no 'Teaching: N minutes · Practice: N minutes'"
    return int(found[1]) + int(found[2])


@pytest.mark.parametrize("module_id", MODULE_IDS)
def test_lesson_minutes_add_up_to_the_manifest(module_id):
    """The minutes in the lesson headers add up to the module's minutes in the manifest."""
    module = curriculum().module(module_id)
    total = sum(header_minutes(path) for path in module.lesson_paths)
    assert total == module.minutes, f"{module_id}: lessons say {total}, manifest {module.minutes}"


@pytest.mark.parametrize("module_id", MODULE_IDS)
def test_lessons_open_with_questions_and_objectives_and_close_with_key_points(module_id):
    """Each lesson has Questions, Objectives, one Setup, Key points and a Next step."""
    for path in curriculum().module(module_id).lesson_paths:
        text = "\n".join(
            c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "markdown"
        )
        for heading in (
            "## Questions",
            "## Objectives",
            "## Setup",
            "## Key points",
            "## Next step",
        ):
            assert heading in text, f"{path.name} has no '{heading}'"


def test_the_glossary_defines_the_planning_and_survey_terms():
    """The glossary defines the terms the B modules use; the book links each at first use."""
    from course.publish.book import book_dir, glossary_terms

    terms = set(glossary_terms(book_dir() / "glossary.md"))
    needed = {"Logframe", "Baseline", "Milestone", "Slack", "Critical path", "SWOT"}
    assert needed | {"Confidence interval", "Results chain"} <= terms


@pytest.mark.parametrize("module_id", MODULE_IDS)
def test_no_idioms_or_unexplained_jargon(module_id):
    """Words a non-native reader trips on are gone from the lessons' prose."""
    banned = re.compile(
        r"dearest|no free lunch|on side|under the hood|rule of thumb|at a glance|Wilson",
        re.IGNORECASE,
    )
    for path in curriculum().module(module_id).lesson_paths:
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "markdown":
                found = banned.search(cell.source)
                assert not found, f"{path.name}: {found.group(0)!r}"
                if "topological order" in cell.source:
                    assert "safe order" in cell.source, f"{path.name}: explain 'topological order'"


def prose_sentences(path) -> list[str]:
    """The sentences of a lesson's prose: list items, quotes and markers count as text."""
    sentences = []
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type != "markdown":
            continue
        for block in re.split(r"\n\s*\n", cell.source):
            lines = [
                line
                for line in block.splitlines()
                if not line.lstrip().startswith(("#", "|", "```", "<"))
            ]
            for item in re.split(r"\n\s*[-*] |\n\s*\d+\. ", "\n" + "\n".join(lines)):
                text = re.sub(r"\[source: [^\]]+\]|[*`>]", "", item)
                sentences += re.split(r"(?<=[.!?])\s+", " ".join(text.split()))
    return [s for s in sentences if s]


def test_the_new_b4_lesson_keeps_sentences_short():
    """B4.4 keeps to short sentences (course.accessibility.long_sentences, at most 25 words)."""
    from course import accessibility

    path = curriculum().module("B4-strategy-roadmap").lesson_paths[-1]
    assert path.name.startswith("B4-4")
    long = [s for s in prose_sentences(path) if accessibility.long_sentences(s, 25)]
    assert long == []
