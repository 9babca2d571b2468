"""`dgt grade report`: one self-contained HTML page about the cohort, for the trainer and the PPA secretariat.

It shows completion and scores per assignment, per PPA and per trainee, the learning
gain from the pre-test to the post-test (`autograder.gain`), and an item analysis: for every question, the share of graded trainees with full points and the
average share of points. Charts are inline SVG; the page has no script and no file or
address outside itself (the course's Lao font is embedded as data), so it opens from a USB
stick and makes no request.
"""

from __future__ import annotations

import html
import os
from collections import defaultdict
from datetime import datetime
from pathlib import Path
from statistics import mean

from autograder import gain, practice, results, statuses
from course.manifest import curriculum
from course.messages import any_draft, draft_label, get_language, t
from course.printing import lao_font_face

# Lao characters from the course's embedded font (its unicode-range leaves the rest to the others).
FONT_FAMILY = '"DGT Noto Sans Lao", "Noto Sans", "DejaVu Sans", Arial, sans-serif'
COLOURS = {"good": "#1b7837", "middle": "#b35806", "low": "#b2182b", "none": "#8c8c8c"}
esc = html.escape


def band(percent: float | None) -> str:
    """A colour band with a word, so colour is never the only signal."""
    if percent is None:
        return "none"
    return "good" if percent >= 80 else "middle" if percent >= 50 else "low"


def bar_chart(title: str, bars: list[tuple[str, float | None, str]]) -> str:
    """A horizontal bar chart as inline SVG: (label, percent or None, text shown at the bar end)."""
    height, top, label_width, width = 22, 28, 230, 640
    total = top + height * len(bars) + 10
    parts = [
        f"<svg role='img' width='{width}' height='{total}' "
        f"viewBox='0 0 {width} {total}' aria-label='{esc(title)}'>",
        f"<text x='0' y='16' font-size='14' font-weight='bold'>{esc(title)}</text>",
    ]
    scale = (width - label_width - 120) / 100
    for index, (label, percent, text) in enumerate(bars):
        y = top + index * height
        colour = COLOURS[band(percent)]
        length = max(0.0, (percent or 0.0) * scale)
        parts.append(
            f"<text x='{label_width - 6}' y='{y + 15}' font-size='12' text-anchor='end'>{esc(label[:34])}</text>"
            f"<rect x='{label_width}' y='{y + 3}' width='{length:.1f}' height='{height - 7}' fill='{colour}'/>"
            f"<text x='{label_width + length + 6:.1f}' y='{y + 15}' font-size='12'>{esc(text)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _percent(part: float, whole: float) -> float | None:
    return 100.0 * part / whole if whole else None


def _fmt(percent: float | None) -> str:
    return "–" if percent is None else f"{percent:.0f}%"


def _table(header: list[str], body: list[list[str]], raw: bool = False) -> str:
    head = "".join(f"<th>{esc(h)}</th>" for h in header)
    rows = "".join(
        "<tr>" + "".join(f"<td>{cell if raw else esc(cell)}</td>" for cell in row) + "</tr>"
        for row in body
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def complete(row: results.Row) -> bool:
    """Fully graded: autograded and, when it has written answers, marked by the trainer too."""
    return row.submitted and "needs_manual" not in row.flags and row.status != "not_graded"


def _status_cell(row: results.Row) -> str:
    """The status word, in the colour of the score band the legend explains (no score: no data)."""
    word = statuses.label(row.status)
    colour = band(row.percent) if row.submitted else "none"
    return f"<span class='tag' style='border-color:{COLOURS[colour]}'>{esc(word)}</span>"


def _practice_cells(question, assignment: str, records: dict) -> list[str]:
    """Mean practice checks run, mean hints seen, and the share who saw the last hint.

    Only notebooks whose record verifies count; written answers have no checks or hints.
    """
    if question.manual:
        return ["", "", ""]
    name = practice.question_name(question.grade_id)
    total = practice.hint_counts(assignment).get(name, 0)
    kept = [r for r in records.values() if r.state == "recorded"]
    if not kept:
        return [_fmt(None)] * 3
    checks = mean(r.checks.get(name, 0) for r in kept)
    hints = mean(r.hints.get(name, 0) for r in kept)
    last = _percent(sum(1 for r in kept if total and r.hints.get(name, 0) >= total), len(kept))
    return [f"{checks:.1f}", f"{hints:.1f} / {total}", _fmt(last)]


def _records_line(records: dict) -> str:
    """How many notebooks hold a record that verifies, none, or one that does not (by trainee)."""
    edited = sorted(trainee for trainee, r in records.items() if r.state == "edited")
    return t(
        "grade.report.practice_records",
        recorded=sum(1 for r in records.values() if r.state == "recorded"),
        none=sum(1 for r in records.values() if r.state == "none"),
        edited=len(edited),
        who=", ".join(edited) or "-",
    )


def render(workspace, rows: list[results.Row]) -> str:
    """The whole report page."""
    titles = {m.id: t(m.title_key) for m in (*curriculum().modules, *curriculum().assessments)}
    assignments = list(dict.fromkeys(r.assignment for r in rows))
    trainees = sorted({r.trainee for r in rows})
    sections: list[str] = []

    # Per assignment: completion and scores.
    summary_rows, summary_bars = [], []
    for assignment in assignments:
        group = [r for r in rows if r.assignment == assignment]
        graded = [r for r in group if r.submitted]
        average = mean(r.percent for r in graded) if graded else None
        completion = _percent(sum(complete(r) for r in group), len(group))
        summary_rows.append(
            [
                titles.get(assignment, assignment),
                str(len(group)),
                str(len(graded)),
                _fmt(completion),
                _fmt(average),
            ]
        )
        summary_bars.append((titles.get(assignment, assignment), average, _fmt(average)))
    sections.append(f"<h2>{esc(t('grade.report.assignments'))}</h2>")
    sections.append(f"<p>{esc(t('grade.report.completion_help'))}</p>")
    sections.append(
        _table(
            [
                t(f"grade.report.col.{k}")
                for k in ("assignment", "trainees", "graded", "completion", "average")
            ],
            summary_rows,
        )
    )
    sections.append(bar_chart(t("grade.report.chart_assignments"), summary_bars))

    # Per PPA.
    by_ppa: dict[str, list[results.Row]] = defaultdict(list)
    for row in rows:
        by_ppa[row.ppa or t("grade.report.no_ppa")].append(row)
    ppa_rows, ppa_bars = [], []
    for ppa in sorted(by_ppa):
        group = by_ppa[ppa]
        graded = [r for r in group if r.submitted]
        average = mean(r.percent for r in graded) if graded else None
        people = len({r.trainee for r in group})
        completion = _percent(sum(complete(r) for r in group), len(group))
        ppa_rows.append([ppa, str(people), _fmt(completion), _fmt(average)])
        ppa_bars.append((ppa, average, _fmt(average)))
    sections.append(f"<h2>{esc(t('grade.report.ppas'))}</h2>")
    sections.append(
        _table(
            [t(f"grade.report.col.{k}") for k in ("ppa", "trainees", "completion", "average")],
            ppa_rows,
        )
    )
    sections.append(bar_chart(t("grade.report.chart_ppas"), ppa_bars))

    # Per trainee.
    cells: dict[tuple[str, str], results.Row] = {(r.trainee, r.assignment): r for r in rows}
    trainee_rows = []
    for trainee in trainees:
        first = next(r for r in rows if r.trainee == trainee)
        line = [esc(trainee), esc(first.name), esc(first.ppa)]
        for assignment in assignments:
            row = cells.get((trainee, assignment))
            if row is None:
                line.append("")
                continue
            line.append(f"{row.score:g}/{row.max_score:g} {_status_cell(row)}")
        trainee_rows.append(line)
    sections.append(f"<h2>{esc(t('grade.report.trainees'))}</h2>")
    header = [t("grade.report.col.trainee"), t("grade.report.col.name"), t("grade.report.col.ppa")]
    sections.append(
        _table(header + [titles.get(a, a) for a in assignments], trainee_rows, raw=True)
    )

    # Learning gain: the pre-test and the post-test (autograder/gain.py).
    sections.append(gain.section(rows))

    # Item analysis.
    sections.append(f"<h2>{esc(t('grade.report.items'))}</h2>")
    sections.append(f"<p>{esc(t('grade.report.items_help'))}</p>")
    sections.append(f"<p>{esc(t('grade.report.practice_help'))}</p>")
    for assignment in assignments:
        graded = [r for r in rows if r.assignment == assignment and r.submitted]
        item_rows, item_bars = [], []
        graded_questions = results.questions(workspace.root, workspace.db_url(), assignment)
        records = (
            {r.trainee: practice.summary(workspace.root, r.trainee, assignment) for r in graded}
            if graded_questions
            else {}
        )
        for question in graded_questions:
            scores = [r.questions.get(question.grade_id) for r in graded]
            known = [s for s in scores if s is not None]
            full = _percent(sum(1 for s in known if s >= question.max_score), len(known))
            points = _percent(sum(known), question.max_score * len(known)) if known else None
            waiting = len(scores) - len(known)
            item_rows.append(
                [
                    question.label,
                    f"{question.max_score:g}",
                    str(len(known)),
                    _fmt(full),
                    _fmt(points),
                    str(waiting),
                    *_practice_cells(question, assignment, records),
                ]
            )
            item_bars.append((question.label, full, _fmt(full)))
        sections.append(f"<h3>{esc(titles.get(assignment, assignment))}</h3>")
        sections.append(
            _table(
                [
                    t(f"grade.report.col.{k}")
                    for k in (
                        *("question", "points", "graded", "full", "share", "waiting"),
                        *("checks_run", "hints_seen", "last_hint"),
                    )
                ],
                item_rows,
            )
        )
        sections.append(f"<p>{esc(_records_line(records))}</p>")
        sections.append(bar_chart(t("grade.report.chart_items"), item_bars))

    # Legend of the statuses that occur.
    present = statuses.ordered({code for r in rows for code in r.flags} | {r.status for r in rows})
    legend = [[statuses.label(c), statuses.explain(c)] for c in present]
    sections.append(f"<h2>{esc(t('grade.report.legend'))}</h2>")
    sections.append(_table([t("grade.report.col.status"), t("grade.report.col.meaning")], legend))

    bands = " ".join(
        f"<span class='tag' style='border-color:{COLOURS[b]}'>{esc(t(f'grade.report.band.{b}'))}</span>"
        for b in ("good", "middle", "low", "none")
    )
    generated = datetime.now().strftime("%Y-%m-%d %H:%M")
    return (
        f"<!DOCTYPE html><html lang='{esc(get_language())}'><head><meta charset='utf-8'>"
        f"<title>{esc(t('grade.report.title'))}</title><style>{lao_font_face()}\n"
        f"body{{font-family:{FONT_FAMILY};margin:1em auto;max-width:70em;padding:0 1em;line-height:1.4}}"
        ":lang(lo){line-height:1.7}"
        "table{border-collapse:collapse;margin:.5em 0 1em}th,td{border:1px solid #bbb;padding:3px 7px;"
        "text-align:left;vertical-align:top}th{background:#eee}.tag{border-left:6px solid;padding:0 5px;"
        "margin-left:4px;font-size:.9em}svg{display:block;margin:.5em 0 1.5em}</style></head><body>"
        f"<h1>{esc(t('grade.report.title'))}</h1>"
        + (f"<p class='dgt-draft'>[{esc(draft_label())}]</p>" if any_draft("grade.") else "")
        + f"<p>{esc(t('grade.report.intro', trainees=len(trainees), assignments=len(assignments), date=generated))}</p>"
        f"<p>{esc(t('grade.report.bands'))} {bands}</p>" + "\n".join(sections) + "</body></html>\n"
    )


def report(workspace, target: Path | None = None) -> Path:
    """Write the cohort report (default: <workspace>/export/report.html); return its path."""
    target = target or workspace.root / "export" / "report.html"
    page = render(workspace, results.rows(workspace))
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    tmp.write_text(page, encoding="utf-8")
    tmp.replace(target)
    return target
