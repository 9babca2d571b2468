"""Course agendas for trainers: the manifest's modules scheduled into days, with breaks.

`courses()` schedules two courses from the manifest: the full course (every module, five
days) and the Track A course (the ICT literacy lab, two days). Each module's session is its
lessons (the manifest's minutes, split as the lesson headers split them) and then its
exercise (the manifest's `exercise.minutes` when it has one, otherwise the exercise time of
the module's session plan in book/facilitation/). The first day opens with the course
opening and the pre-test, the last day ends with the post-test and the closing (the
`[[assessment]]` entries). Modules stay whole within one day; `split_into_days()` picks
the contiguous split with the shortest longest day; a day that ends early (not the last)
ends with a review and catch-up time of up to an hour. Breaks: a short break whenever the
next part would make more than `BLOCK_LIMIT` minutes of work in a row, lunch at the first
such break from 11:30 (or before any part that would start after 12:15).

`agenda_page()` fills the marker of book/facilitation/agenda.md with both agendas; the
book build does this while it stages the pages, so the agendas follow the manifest.
Each day is one table, with a page break before it in print (class `dgt-day-break`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from pathlib import Path

from course.errors import UserError
from course.manifest import Curriculum, Module
from course.messages import has, t

AGENDA_MARK = "<!-- dgt:agendas -->"
DAY_START = 8 * 60 + 30
DAY_END_LIMIT = 17 * 60
TEACHING_LIMIT = 390  # the most minutes of sessions and tests in one day (6 h 30)
BLOCK_LIMIT = 120  # the most minutes of work between two breaks
REVIEW_UP_TO = 330  # a shorter day (not the last) ends with a review of up to REVIEW_MAX
REVIEW_MAX = 60
BREAK_MINUTES = 15
LUNCH_MINUTES = 60
LUNCH_FROM = 11 * 60 + 30
LUNCH_LATEST = 12 * 60 + 15
OPENING_MINUTES = 30
CLOSING_MINUTES = 20
ASSESSMENT_MINUTES = 25  # when the manifest gives a test no time of its own
TIMING_HEADING = "## Timing"
LESSON_HEADER = re.compile(r"\*\*Teaching:\*\*\s*(\d+)\s*minutes.*?\*\*Practice:\*\*\s*(\d+)")
PAGE_BREAK = '<div class="dgt-day-break"></div>'


@dataclass(frozen=True)
class TimingRow:
    """One row of a session plan's timing table."""

    part: str
    counts_as: str  # "lesson" or "exercise"
    minutes: int


@dataclass(frozen=True)
class Slot:
    """One line of a day's agenda: what happens, from when, for how long."""

    start: int  # minutes after midnight
    minutes: int
    kind: str  # opening, test, lesson, exercise, break, lunch, closing
    label: str
    module: str | None = None
    note: str = ""

    @property
    def end(self) -> int:
        return self.start + self.minutes


@dataclass(frozen=True)
class Day:
    """One day of a course."""

    number: int
    slots: tuple[Slot, ...]

    @property
    def teaching_minutes(self) -> int:
        """Minutes of sessions, exercises, tests, opening and closing (not breaks)."""
        return sum(s.minutes for s in self.slots if s.kind not in ("break", "lunch"))

    @property
    def end(self) -> int:
        return self.slots[-1].end if self.slots else DAY_START

    @property
    def modules(self) -> list[str]:
        return list(dict.fromkeys(s.module for s in self.slots if s.module))


@dataclass(frozen=True)
class Course:
    """A course: its key (message keys book.agenda.<key>.*) and its days."""

    key: str
    days: tuple[Day, ...]

    @property
    def modules(self) -> list[str]:
        return [m for day in self.days for m in day.modules]


def plan_path(module: Module, folder: Path) -> Path:
    return folder / f"{module.id}.md"


def plan_timing(text: str) -> list[TimingRow]:
    """The rows of the first table after the '## Timing' heading of a session plan.

    The table has the columns Part, Counts as, Minutes (and any others); "Counts as" is
    "lesson" or "exercise". Raises ValueError when the table is missing or malformed.
    """
    lines = text.splitlines()
    try:
        start = next(i for i, line in enumerate(lines) if line.strip() == TIMING_HEADING)
    except StopIteration:
        raise ValueError(f"no '{TIMING_HEADING}' heading") from None
    table = []
    for line in lines[start + 1 :]:
        if line.startswith("#"):
            break
        if line.strip().startswith("|"):
            table.append([cell.strip() for cell in line.strip().strip("|").split("|")])
        elif table:
            break
    if len(table) < 3:
        raise ValueError("the timing table has no rows")
    header = [cell.lower() for cell in table[0]]
    try:
        part, kind, minutes = (header.index(name) for name in ("part", "counts as", "minutes"))
    except ValueError:
        raise ValueError("the timing table needs the columns Part, Counts as, Minutes") from None
    rows = []
    for cells in table[2:]:
        if cells[kind] not in ("lesson", "exercise") or not cells[minutes].isdigit():
            raise ValueError(f"bad timing row: {' | '.join(cells)}")
        rows.append(TimingRow(cells[part], cells[kind], int(cells[minutes])))
    return rows


def lesson_minutes(module: Module) -> list[int]:
    """Minutes of each lesson: the lesson headers' teaching + practice when they add up to
    the manifest's minutes, otherwise the manifest's minutes split evenly."""
    found = []
    for path in module.lesson_paths:
        try:
            cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
            match = LESSON_HEADER.search("".join(cells[0]["source"]))
        except (OSError, ValueError, KeyError, IndexError):
            match = None
        found.append(int(match[1]) + int(match[2]) if match else None)
    if None not in found and sum(found) == module.minutes:
        return found
    share, rest = divmod(module.minutes, len(module.lessons))
    return [share + (1 if i < rest else 0) for i in range(len(module.lessons))]


def exercise_minutes(module: Module, plans: Path) -> int:
    """The exercise's time: the manifest's, else the session plan's exercise rows."""
    minutes = getattr(module.exercise, "minutes", None)
    if minutes:
        return int(minutes)
    path = plan_path(module, plans)
    try:
        rows = plan_timing(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise UserError(t("book.agenda.no_exercise_time", path=path, reason=error)) from None
    total = sum(row.minutes for row in rows if row.counts_as == "exercise")
    if total <= 0:
        raise UserError(t("book.agenda.no_exercise_time", path=path, reason="no exercise row"))
    return total


def _lesson_label(module: Module, index: int) -> str:
    return t("book.agenda.lesson", code=module.code, number=index + 1)


def plan_activity(text: str) -> str:
    """The name of a session plan's group activity ("" when it has none)."""
    match = re.search(r"^## Group activity: (.+)$", text, re.M)
    return match[1].strip() if match else ""


def module_parts(module: Module, plans: Path) -> list[Slot]:
    """A module's session as unscheduled parts: each lesson, then the exercise. The first
    lesson's note names the group activity of the module's session plan."""
    path = plan_path(module, plans)
    activity = plan_activity(path.read_text(encoding="utf-8")) if path.is_file() else ""
    note = t("book.agenda.activity", name=activity) if activity else ""
    parts = [
        Slot(0, minutes, "lesson", _lesson_label(module, i), module.id, note if i == 0 else "")
        for i, minutes in enumerate(lesson_minutes(module))
    ]
    parts.append(
        Slot(0, exercise_minutes(module, plans), "exercise", t("book.agenda.exercise"), module.id)
    )
    return parts


def split_into_days(weights: list[int], days: int) -> list[int]:
    """How many items go on each day: a contiguous split of `weights` into `days` non-empty
    groups whose largest sum is as small as it can be (the first such split)."""
    if not 1 <= days <= len(weights):
        raise ValueError(f"cannot split {len(weights)} items into {days} days")
    count = len(weights)
    prefix = [0]
    for weight in weights:
        prefix.append(prefix[-1] + weight)
    inf = float("inf")
    # best[d][i]: the smallest largest day for the first i items on d days.
    best = [[inf] * (count + 1) for _ in range(days + 1)]
    cut = [[0] * (count + 1) for _ in range(days + 1)]
    best[0][0] = 0
    for d in range(1, days + 1):
        for i in range(d, count + 1):
            for j in range(d - 1, i):
                value = max(best[d - 1][j], prefix[i] - prefix[j])
                if value < best[d][i]:
                    best[d][i], cut[d][i] = value, j
    sizes, i = [], count
    for d in range(days, 0, -1):
        sizes.append(i - cut[d][i])
        i = cut[d][i]
    return sizes[::-1]


def lay_out_day(number: int, parts: list[Slot]) -> Day:
    """Give each part its start time, with breaks and lunch between parts."""
    clock, since_break, lunch_done, slots = DAY_START, 0, False, []

    def pause(kind: str, minutes: int) -> None:
        nonlocal clock, since_break
        slots.append(Slot(clock, minutes, kind, t(f"book.agenda.{kind}")))
        clock += minutes
        since_break = 0

    for part in parts:
        if (
            since_break
            and not lunch_done
            and (
                clock > LUNCH_LATEST
                or (clock >= LUNCH_FROM and since_break + part.minutes > BLOCK_LIMIT)
            )
        ):
            pause("lunch", LUNCH_MINUTES)
            lunch_done = True
        elif since_break and since_break + part.minutes > BLOCK_LIMIT:
            pause("break", BREAK_MINUTES)
        slots.append(replace(part, start=clock))
        clock += part.minutes
        since_break += part.minutes
    return Day(number, tuple(slots))


def _test_part(course: Curriculum, role: str) -> list[Slot]:
    assessment = course.assessment(role)
    if assessment is None:
        return []
    minutes = getattr(assessment.exercise, "minutes", None) or ASSESSMENT_MINUTES
    return [Slot(0, int(minutes), "test", t(assessment.title_key))]


def schedule(course: Curriculum, modules: list[Module], days: int, key: str, plans: Path) -> Course:
    """Schedule `modules` (whole, in order) into `days` days, with opening, tests and closing."""
    sessions = [module_parts(module, plans) for module in modules]
    opening = [Slot(0, OPENING_MINUTES, "opening", t("book.agenda.opening"))]
    opening += _test_part(course, "pre")
    closing = _test_part(course, "post")
    closing.append(Slot(0, CLOSING_MINUTES, "closing", t("book.agenda.closing")))
    weights = [sum(p.minutes for p in parts) for parts in sessions]
    weights[0] += sum(p.minutes for p in opening)
    weights[-1] += sum(p.minutes for p in closing)
    sizes = split_into_days(weights, days)
    result, index = [], 0
    for number, size in enumerate(sizes, start=1):
        parts = [p for parts in sessions[index : index + size] for p in parts]
        if number == 1:
            parts = opening + parts
        if number == len(sizes):
            parts = parts + closing
        else:
            review = min(REVIEW_MAX, (REVIEW_UP_TO - sum(p.minutes for p in parts)) // 15 * 15)
            if review >= 15:
                parts.append(Slot(0, review, "review", t("book.agenda.review")))
        index += size
        day = lay_out_day(number, parts)
        if day.teaching_minutes > TEACHING_LIMIT or day.end > DAY_END_LIMIT:
            raise UserError(
                t("book.agenda.too_long", course=t(f"book.agenda.{key}.title"), day=number)
            )
        result.append(day)
    return Course(key, tuple(result))


def courses(course: Curriculum, plans: Path) -> list[Course]:
    """The full course (every module, 5 days) and the Track A course (2 days)."""
    track_a = [m for m in course.modules if m.track == "A"]
    return [
        schedule(course, list(course.modules), 5, "full", plans),
        schedule(course, track_a, 2, "track_a", plans),
    ]


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def course_markdown(course: Course, titles: dict[str, str], first: bool) -> str:
    """One course as Markdown: a heading, one line, and a table per day."""
    total = sum(day.teaching_minutes for day in course.days)
    lines = [] if first else [PAGE_BREAK, ""]
    lines += [
        f"## {t(f'book.agenda.{course.key}.title')}",
        "",
        t(f"book.agenda.{course.key}.intro", days=len(course.days), hours=f"{total / 60:.1f}"),
        "",
    ]
    header = [t(f"book.agenda.column.{c}") for c in ("time", "minutes", "session", "notes")]
    for i, day in enumerate(course.days):
        if i:
            lines += [PAGE_BREAK, ""]
        modules = ", ".join(titles[m] for m in day.modules)
        lines += [
            f"### {t('book.agenda.day', number=day.number, modules=modules)}",
            "",
            t(
                "book.agenda.day_summary",
                start=_clock(day.slots[0].start),
                end=_clock(day.end),
                hours=f"{day.teaching_minutes / 60:.1f}",
            ),
            "",
            "| " + " | ".join(header) + " |",
            "| " + " | ".join("---" for _ in header) + " |",
        ]
        for slot in day.slots:
            session = f"{titles[slot.module]}: {slot.label}" if slot.module else slot.label
            if slot.module:
                note = f"[{t('book.agenda.plan_link')}]({slot.module}.md)"
                note += f"; {slot.note}" if slot.note else ""
            else:
                key = f"book.agenda.note.{slot.kind}"  # breaks and lunch have no note
                note = t(key) if has(key) else ""
            row = [f"{_clock(slot.start)}–{_clock(slot.end)}", str(slot.minutes), session, note]
            lines.append("| " + " | ".join(_cell(c) for c in row) + " |")
        lines.append("")
    return "\n".join(lines)


def agenda_markdown(course: Curriculum, plans: Path) -> str:
    """Both agendas as Markdown, for the marker of book/facilitation/agenda.md."""
    titles = {m.id: t(m.title_key) for m in course.modules}
    parts = [
        course_markdown(item, titles, first=(i == 0))
        for i, item in enumerate(courses(course, plans))
    ]
    return "\n".join(parts).rstrip() + "\n"


def agenda_page(template: str, course: Curriculum, plans: Path) -> str:
    """Fill the agenda page's marker with both agendas."""
    return template.replace(AGENDA_MARK, agenda_markdown(course, plans))
