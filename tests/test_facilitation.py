"""The facilitation kit: a session plan per module whose timing matches the manifest, the
course agendas scheduled from the manifest, and the map of the UN DESA / UNPOG toolkit."""

from __future__ import annotations

import json
import re

import pytest

from course.errors import UserError
from course.manifest import curriculum
from course.messages import t
from course.publish import agenda, book

PLANS = book.book_dir() / book.FACILITATION
MODULES = curriculum().modules
REQUIRED_HEADINGS = (
    "## Timing",
    "## Objectives",
    "## Materials",
    "## Group activity",
    "### Roles",
    "### Steps",
    "### Questions to ask",
    "### Expected outputs",
    "## Common difficulties",
    "## Without computers",
    "## Exercise and app",
)
# The parts of the toolkit as its description names them (shared seed 003, "About the
# Training Toolkit on Capacities for Digital Government Transformation"), in its order.
TOOLKIT_PARTS = (
    "holistic approach",
    "situation analysis to assess capacity gaps",
    "envisioning exercise by adhering to the SDGs and fostering design thinking",
    "strategy and road map",
    "institutional",
    "organisational",
    "individual",
    "societal",
    "changing mindsets",
    "Recruiting, retaining, and motivating the best digital talent",
    "people in vulnerable situations",
    "digital inclusion through bridging the digital divide",
    "objectives, methods, and indicators of monitoring and evaluation",
)
MAP_HEADING = "### The course and the UN DESA / UNPOG toolkit"


def plan_text(module) -> str:
    return (PLANS / f"{module.id}.md").read_text(encoding="utf-8")


def exercise_minutes_in_manifest(module) -> int | None:
    return getattr(module.exercise, "minutes", None)


# --- Session plans ------------------------------------------------------------------------


def test_every_module_has_a_session_plan_in_the_trainers_part():
    """Each manifest module has book/facilitation/<id>.md, listed under the Trainers part."""
    toc = book.toc(curriculum())
    trainers = next(p for p in toc["parts"] if p["caption"] == t("book.trainers.caption"))
    files = [c["file"] for c in trainers["chapters"]]
    files += [s["file"] for c in trainers["chapters"] for s in c.get("sections", [])]
    assert "facilitation/agenda" in files and "trainers-guide" in files
    for module in MODULES:
        assert (PLANS / f"{module.id}.md").is_file(), module.id
        assert f"facilitation/{module.id}" in files, module.id
    assert all(c["file"] != "trainers-guide" for p in toc["parts"][:-2] for c in p["chapters"])


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.id)
def test_plan_has_every_required_section(module):
    """A plan has the timing, objectives, materials, the activity (roles, steps, questions,
    outputs), difficulties, the paper version, and links to its lessons and exercise."""
    text = plan_text(module)
    lines = text.splitlines()
    assert lines[0].startswith("# ") and t(module.title_key) in lines[0]
    for heading in REQUIRED_HEADINGS:
        assert any(line.startswith(heading) for line in lines), (module.id, heading)
    stem = module.exercise.notebook.removesuffix(".ipynb")
    assert f"{{doc}}`../exercises/{module.id}/{stem}`" in text
    for lesson in module.lessons:
        assert f"../modules/{module.id}/{lesson.removesuffix('.ipynb')}`" in text, lesson
    for app in module.apps:
        assert t(curriculum().app(app).title_key).lower() in text.lower(), app


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.id)
def test_plan_timing_adds_up_to_the_manifest(module):
    """The plan's lesson rows add up to the manifest's minutes; its exercise time is the
    manifest's exercise minutes when the manifest has them, and is given in any case."""
    rows = agenda.plan_timing(plan_text(module))
    assert sum(r.minutes for r in rows if r.counts_as == "lesson") == module.minutes
    exercise = sum(r.minutes for r in rows if r.counts_as == "exercise")
    assert exercise > 0
    if exercise_minutes_in_manifest(module):
        assert exercise == exercise_minutes_in_manifest(module)
    assert all(r.minutes > 0 for r in rows)


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.id)
def test_lesson_headers_add_up_to_the_manifest(module):
    """Each lesson's header gives teaching + practice minutes, and they add up to the
    manifest's minutes (so the plans, built on the headers, agree with both)."""
    total = 0
    for path in module.lesson_paths:
        first = "".join(json.loads(path.read_text(encoding="utf-8"))["cells"][0]["source"])
        match = agenda.LESSON_HEADER.search(first)
        assert match, path.name
        total += int(match[1]) + int(match[2])
    assert total == module.minutes
    assert agenda.lesson_minutes(module) != [] and sum(agenda.lesson_minutes(module)) == total


def test_plan_timing_reads_a_table_and_rejects_bad_ones():
    """plan_timing reads Part / Counts as / Minutes; a missing heading or a bad row is an error."""
    good = (
        "# x\n\n## Timing\n\n| Part | Counts as | Minutes | What |\n| --- | --- | --- | --- |\n"
        "| a | lesson | 20 | x |\n| b | exercise | 15 | y |\n\n## Objectives\n"
    )
    rows = agenda.plan_timing(good)
    assert [(r.part, r.counts_as, r.minutes) for r in rows] == [
        ("a", "lesson", 20),
        ("b", "exercise", 15),
    ]
    with pytest.raises(ValueError, match="Timing"):
        agenda.plan_timing("# x\n\n## Objectives\n")
    with pytest.raises(ValueError, match="bad timing row"):
        agenda.plan_timing(good.replace("| lesson | 20 |", "| lesson | twenty |"))
    with pytest.raises(ValueError, match="bad timing row"):
        agenda.plan_timing(good.replace("| lesson |", "| break |"))
    with pytest.raises(ValueError, match="columns"):
        agenda.plan_timing(good.replace("Counts as", "Kind"))


# --- Agendas ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def courses():
    full, track_a = agenda.courses(curriculum(), PLANS)
    return full, track_a


def test_split_into_days_minimises_the_longest_day():
    """The contiguous split has the smallest possible largest group."""
    assert agenda.split_into_days([3, 1, 1, 3], 2) == [2, 2]
    assert agenda.split_into_days([5, 1, 1, 1, 1, 1], 2) == [1, 5]
    assert agenda.split_into_days([2, 2, 2], 3) == [1, 1, 1]
    with pytest.raises(ValueError):
        agenda.split_into_days([1, 2], 3)


def test_full_course_has_every_module_once_in_five_days(courses):
    """The five-day agenda holds every module exactly once, in the manifest's order."""
    full, _ = courses
    assert len(full.days) == 5
    assert full.modules == [m.id for m in MODULES]


def test_track_a_course_has_every_track_a_module_in_two_days(courses):
    """The two-day agenda holds exactly the Track A modules, each once, in order."""
    _, track_a = courses
    assert len(track_a.days) == 2
    assert track_a.modules == [m.id for m in MODULES if m.track == "A"]


def test_days_stay_within_their_limits(courses):
    """No day has more than the teaching limit, ends after 17:00, runs more than two hours
    without a break, or goes past 13:00 without lunch; modules are not split over days."""
    for course in courses:
        seen = []
        for day in course.days:
            assert day.teaching_minutes <= agenda.TEACHING_LIMIT
            assert day.end <= agenda.DAY_END_LIMIT
            run = 0
            for before, after in zip(day.slots, day.slots[1:], strict=False):
                assert after.start == before.end
            for slot in day.slots:
                run = 0 if slot.kind in ("break", "lunch") else run + slot.minutes
                assert run <= agenda.BLOCK_LIMIT, (course.key, day.number, slot)
            if day.end > 13 * 60:
                assert [s.kind for s in day.slots].count("lunch") == 1
            assert not set(day.modules) & set(seen)
            seen += day.modules


def test_tests_open_and_close_the_course(courses):
    """Day 1 starts with the opening and the pre-test; the last day ends with the post-test
    and the closing (the manifest's assessments)."""
    pre, post = curriculum().assessment("pre"), curriculum().assessment("post")
    for course in courses:
        first, last = course.days[0].slots, course.days[-1].slots
        assert [s.kind for s in first[:2]] == ["opening", "test"]
        assert first[1].label == t(pre.title_key)
        assert [s.kind for s in last[-2:]] == ["test", "closing"]
        assert last[-2].label == t(post.title_key)


def test_module_time_is_lessons_plus_exercise(courses):
    """Each module's slots add up to its manifest minutes plus its plan's exercise time."""
    full, _ = courses
    slots = [s for day in full.days for s in day.slots if s.module]
    for module in MODULES:
        mine = [s for s in slots if s.module == module.id]
        lessons = sum(s.minutes for s in mine if s.kind == "lesson")
        assert lessons == module.minutes
        assert sum(s.minutes for s in mine if s.kind == "exercise") == agenda.exercise_minutes(
            module, PLANS
        )


def test_too_few_days_is_one_clear_error():
    """Squeezing the full course into two days fails with a UserError naming the course."""
    with pytest.raises(UserError, match="does not fit"):
        agenda.schedule(curriculum(), list(MODULES), 2, "full", PLANS)


def test_book_build_writes_the_agenda_page_from_the_manifest(tmp_path, courses):
    """Staging writes agenda.md with both agendas generated now (the same text as a fresh
    run), a print page break before every day but the first, and copies every plan."""
    book._stage_facilitation(tmp_path, curriculum())
    staged = (tmp_path / "facilitation" / "agenda.md").read_text(encoding="utf-8")
    template = (PLANS / "agenda.md").read_text(encoding="utf-8")
    assert agenda.AGENDA_MARK in template and agenda.AGENDA_MARK not in staged
    assert staged == agenda.agenda_page(template, curriculum(), PLANS)
    days = sum(len(c.days) for c in courses)
    assert staged.count(agenda.PAGE_BREAK) == days - 1
    for course in courses:
        assert t(f"book.agenda.{course.key}.title") in staged
    for module in MODULES:
        assert f"]({module.id}.md)" in staged
        activity = agenda.plan_activity(plan_text(module))
        assert activity and t("book.agenda.activity", name=activity) in staged
        assert (tmp_path / "facilitation" / f"{module.id}.md").read_bytes() == (
            PLANS / f"{module.id}.md"
        ).read_bytes()
    css = (book.book_dir() / "_static" / "dgt-book.css").read_text(encoding="utf-8")
    assert re.search(r"@media print\s*{\s*\.dgt-day-break\s*{\s*break-before:\s*page", css)


# --- Toolkit map --------------------------------------------------------------------------


def map_rows() -> list[list[str]]:
    lines = (book.book_dir() / "intro.md").read_text(encoding="utf-8").splitlines()
    start = lines.index(MAP_HEADING)
    table = []
    for line in lines[start + 1 :]:
        if line.startswith("#"):
            break
        if line.startswith("|"):
            table.append([cell.strip() for cell in line.strip().strip("|").split(" | ")])
    return table[2:]


def test_toolkit_map_names_every_part_of_the_toolkit():
    """Every part the toolkit's description names has a row in the intro's map."""
    parts = " ".join(row[0] for row in map_rows()).replace("**", "").lower()
    for part in TOOLKIT_PARTS:
        assert part.lower() in parts, part


def test_toolkit_map_refers_only_to_real_modules_and_lessons():
    """Each row links existing module chapters and names existing lessons and exercises,
    and says how far it is covered; every Track B module appears in the map."""
    ids = {m.id for m in MODULES}
    codes = {m.code: m for m in MODULES}
    named = set()
    for row in map_rows():
        assert len(row) == 5, row
        linked = re.findall(r"<chapters/([^>]+)>", row[1])
        assert linked and set(linked) <= ids, row[1]
        named |= set(linked)
        for code, number in re.findall(r"\b([AB]\d)\.(\d)\b", row[2]):
            assert code in codes and int(number) <= len(codes[code].lessons), (code, number)
        for code in re.findall(r"\b([AB]\d)\b", row[3]):
            assert code in codes, code
        assert re.match(r"(Covered|Partly|Not covered)\b", row[4]), row[4]
    assert {m.id for m in MODULES if m.track == "B"} <= named


def test_every_worksheet_a_plan_names_is_one_dgt_book_worksheets_writes():
    """A plan that tells the trainer to print worksheets/<name>.pdf names a real sheet."""
    from course.publish import worksheets

    written = {worksheets.file_name(item) for item in worksheets.SHEETS}
    named = {
        name
        for plan in PLANS.glob("*.md")
        for name in re.findall(r"worksheets/([\w.-]+\.pdf)", plan.read_text(encoding="utf-8"))
    }
    assert named, "no plan names a worksheet"
    assert named <= written, f"plans name worksheets that are not printed: {named - written}"
