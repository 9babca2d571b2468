"""The capstone plan as a document (module B8): one self-contained HTML page, and a PDF.

`plan_html(plan)` holds every section with its tables and charts (PNG images inside the
page, no outside file or request), the author's notes (escaped, never read as HTML), a
word next to every colour, the SYNTHETIC label of every synthetic dataset used and the
sources of real figures. `export` writes the HTML and prints it to PDF through the
course's print route (`course.printing`: headless Debian chromium, every outside request
blocked), each file written to a temporary name and renamed.
"""

from __future__ import annotations

import base64
import html
import io
import math
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from course import capacity, data, inclusion, maturity
from course.capstone.plan import SECTIONS, Plan, check_plan, section_label
from course.errors import UserError
from course.manifest import PACKAGE_DIR
from course.messages import get_language, has, t
from course.printing import lao_font_face

OK_COLOUR, FIX_COLOUR = "#1b7837", "#b2182b"
LEVEL_COLOURS = {"low": "#1b7837", "medium": "#b35806", "high": "#b2182b"}
_CSS = """
body { font-family: "DGT Noto Sans Lao", "Noto Sans", "DejaVu Sans", Arial, sans-serif;
  font-size: 10pt; line-height: 1.4; color: #111; max-width: 190mm; margin: 0 auto; padding: 8px; }
h1 { font-size: 18pt; margin: 0 0 4px 0; }
h2 { font-size: 14pt; margin: 18px 0 6px 0; border-bottom: 2px solid #2166ac; break-after: avoid; }
h3 { font-size: 11pt; margin: 12px 0 4px 0; break-after: avoid; }
p { margin: 4px 0; }
.sub { color: #333; }
.synthetic { border: 2px solid #b2182b; color: #b2182b; font-weight: bold; padding: 4px 8px; }
.missing { border: 2px dashed #b2182b; padding: 4px 8px; }
.note { font-size: 8.5pt; color: #444; }
blockquote { border-left: 4px solid #2166ac; margin: 6px 0; padding: 4px 10px; background: #f4f8fc; }
table { border-collapse: collapse; width: 100%; margin: 6px 0; font-size: 8.5pt; }
th, td { border: 1px solid #999; padding: 2px 4px; text-align: left; vertical-align: top; }
th { background: #eee; }
tr { break-inside: avoid; }
td.num { text-align: right; white-space: nowrap; }
figure { margin: 8px 0; break-inside: avoid; }
figure img { max-width: 100%; }
ul.toc { list-style: none; padding-left: 0; }
.chip { display: inline-block; width: 0.8em; height: 0.8em; border-radius: 2px;
  margin-right: 4px; vertical-align: -1px; }
@page { size: A4; margin: 14mm; }
"""


# Pieces -------------------------------------------------------------------------------------


def _esc(value: Any) -> str:
    return html.escape(str(value))


def _number(value: Any, digits: int = 1) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return t("capstone.report.none")
    if isinstance(value, bool):
        return t("capstone.report.yes" if value else "capstone.report.no")
    if isinstance(value, int | float):
        number = float(value)
        return f"{int(number):,}" if number.is_integer() else f"{number:,.{digits}f}"
    return str(value)


def _percent(value: Any) -> str:
    return f"{float(value) * 100:.0f}%"


def _word(ok: bool, yes: str = "capstone.status.ok", no: str = "capstone.status.fix") -> str:
    """A coloured chip with its word: the colour is never the only cue."""
    colour = OK_COLOUR if ok else FIX_COLOUR
    word = _esc(t(yes if ok else no))
    return f'<span class="chip" style="background:{colour}"></span><strong style="color:{colour}">{word}</strong>'


def _heading(name: str) -> str:
    key = f"capstone.column.{name}"
    return t(key) if has(key) else name


def _table(
    frame: pd.DataFrame, columns: Sequence[str], formats: dict[str, Callable] | None = None
) -> str:
    """An escaped HTML table of `columns`; cells in `formats` are already safe HTML."""
    formats = formats or {}
    head = "".join(f"<th>{_esc(_heading(c))}</th>" for c in columns)
    body = []
    for record in frame.to_dict("records"):
        cells = []
        for column in columns:
            value = record.get(column)
            if column in formats:
                cells.append(f"<td>{formats[column](value)}</td>")
            elif isinstance(value, int | float) and not isinstance(value, bool):
                cells.append(f'<td class="num">{_esc(_number(value))}</td>')
            else:
                cells.append(f"<td>{_esc(_number(value))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _figure(
    draw: Callable[[Any], Any], size: tuple[float, float], alt: str, tight: bool = False
) -> str:
    """Draw a matplotlib chart on a fresh figure (not pyplot's) and return it as an inline PNG.

    `tight` crops the image to what is drawn (for charts whose legend sits outside the axes).
    """
    from matplotlib.figure import Figure

    figure = Figure(figsize=size)
    draw(figure.subplots())
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100, bbox_inches="tight" if tight else None)
    encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<figure><img src="data:image/png;base64,{encoded}" alt="{_esc(alt)}"></figure>'


def _paragraphs(text: str) -> str:
    return "".join(f"<p>{_esc(p.strip())}</p>" for p in str(text).split("\n\n") if p.strip())


# Sections -----------------------------------------------------------------------------------


def _situation(plan: Plan) -> str:
    part = plan.situation
    assert part is not None
    scores = part.maturity_gaps.assign(
        name=[maturity.dimension_label(d) for d in part.maturity_gaps["dimension"]]
    )
    chart = _figure(
        lambda ax: maturity.chart(part.maturity_gaps, ax=ax),
        (7, 3.8),
        t("capstone.report.alt.maturity"),
        tight=True,
    )
    top = part.top_gaps()
    actions = part.actions[part.actions["dimension"].isin(top)]
    actions = actions.assign(name=[maturity.dimension_label(d) for d in actions["dimension"]])
    gaps = part.capacity_gaps
    missing = part.equipment_gap[part.equipment_gap["missing"] > 0]
    return "".join(
        [
            f"<p>{_esc(t('capstone.report.maturity_intro', ppa=plan.ppa, overall=part.overall))}</p>",
            _table(scores, ["name", "score", "target", "gap"]),
            chart,
            f"<h3>{_esc(t('capstone.report.actions'))}</h3>",
            f"<p>{_esc(t('capstone.report.top_gaps', dimensions=', '.join(maturity.dimension_label(d) for d in top) or t('capstone.report.none')))}</p>",
            _table(actions, ["name", "level", "action"]),
            f"<h3>{_esc(t('capstone.report.capacity_gaps'))}</h3>",
            _table(
                gaps, ["rank", "level", "finding", "current", "target", "importance", "priority"]
            ),
            f"<h3>{_esc(t('capstone.report.equipment'))}</h3>",
            _table(part.equipment, ["province", "devices", "staff", "per_staff"]),
            _table(missing, ["device_type", "needed", "working", "missing", "unit_price", "cost"])
            if len(missing)
            else "",
            f"<p>{_esc(t('capstone.report.equipment_cost', cost=_number(part.equipment_cost, 0)))}</p>",
            _benchmark(part.benchmark, part.benchmark_year),
        ]
    )


def _benchmark(table: pd.DataFrame | None, year: int | None) -> str:
    """The national context: Lao PDR's EGDI components against ASEAN peers (real, with source)."""
    if table is None:
        return ""
    view = table.assign(name=[t(f"chart.measure.{c}") for c in table["component"]])
    digits = {c: lambda v: _esc(f"{float(v):.3f}") for c in ("value", "peers", "gap")}
    return (
        f"<h3>{_esc(t('capstone.report.benchmark', year=year))}</h3>"
        + _table(view, ["priority", "name", "value", "peers", "gap"], digits)
        + f'<p class="note">{_esc(t("chart.source_egdi"))}</p>'
    )


def _vision(plan: Plan) -> str:
    from course import design

    assert plan.vision is not None
    table = design.check_vision(plan.vision)
    covered = {"covered": lambda ok: _word(bool(ok), "capstone.report.yes", "capstone.report.no")}
    return f"<blockquote>{_esc(plan.vision)}</blockquote>" + _table(
        table, ["target", "focus", "covered", "words"], covered
    )


def _roadmap(plan: Plan) -> str:
    road = plan.roadmap
    assert road is not None
    name = "roadmap_initiatives"
    label = data.synthetic_label(name) if name in plan.synthetic else ""
    weights = ", ".join(f"{k} {v:g}" for k, v in road.weights.items())
    rows = len(road.schedule)
    years = {"year": lambda y: _esc(str(int(y)))}
    budget = road.budget.assign(
        ceiling=road.ceiling, within=road.budget["cost"] <= road.ceiling + 1e-9
    )
    within = {
        **years,
        "within": lambda ok: _word(bool(ok), "capstone.report.within", "capstone.report.over"),
    }
    critical = {"critical": lambda c: _esc(t("capstone.report.yes" if c else "capstone.report.no"))}
    parts = [
        f"<p>{_esc(t('capstone.report.period', start=road.start_year, end=road.end_year, ceiling=_number(road.ceiling, 0), total=_number(road.total_cost, 0)))}</p>",
        f"<h3>{_esc(t('capstone.report.ranking'))}</h3>",
        f"<p>{_esc(t('capstone.report.weights', weights=weights))}</p>",
        _table(road.initiatives, ["rank", "id", "name", "cost", "duration", "depends_on", "score"]),
        f"<h3>{_esc(t('capstone.report.timetable'))}</h3>",
        _figure(
            lambda ax: _gantt(ax, road.schedule, road.start_year, label),
            (10, 0.35 * rows + 1.8),
            t("capstone.report.alt.gantt"),
        ),
        _table(road.schedule, ["id", "name", "start", "finish", "slack", "critical"], critical),
        f"<h3>{_esc(t('capstone.report.budget'))}</h3>",
        _figure(
            lambda ax: _budget(ax, road.budget, road.ceiling, label),
            (6, 3.5),
            t("capstone.report.alt.budget"),
        ),
        _table(budget, ["year", "cost", "ceiling", "within"], within),
    ]
    if road.risks is not None and len(road.risks):
        level = {"level": lambda v: _level(str(v))}
        columns = [
            c
            for c in ("risk", "initiative", "likelihood", "impact", "score", "level", "mitigation")
            if c in road.risks
        ]
        parts += [
            f"<h3>{_esc(t('capstone.report.risks'))}</h3>",
            _table(road.risks, columns, level),
        ]
    if road.quick_wins is not None and len(road.quick_wins):
        parts += [
            f"<h3>{_esc(t('capstone.report.quick_wins'))}</h3>",
            _table(road.quick_wins, ["id", "name", "cost", "duration"]),
        ]
    return "".join(parts)


def _gantt(ax, schedule: pd.DataFrame, start_year: int, note: str) -> None:
    from course import roadmap_charts

    roadmap_charts.gantt(schedule, start_year=start_year, ax=ax, note=note or None)


def _budget(ax, budget: pd.DataFrame, ceiling: float, note: str) -> None:
    from course import roadmap_charts

    roadmap_charts.budget(budget, ceiling=ceiling, ax=ax, note=note or None)


def _level(level: str) -> str:
    colour = LEVEL_COLOURS.get(level, "#4d4d4d")
    word = _esc(t(f"roadmap.level.{level}") if has(f"roadmap.level.{level}") else level)
    return f'<span class="chip" style="background:{colour}"></span><strong style="color:{colour}">{word}</strong>'


def _capacity(plan: Plan) -> str:
    from course import capacity_charts

    part = plan.capacity
    assert part is not None
    skills = part.skills.assign(
        name=[capacity.competence_label(c) for c in part.skills["competence"]]
    )
    training = part.training.assign(
        name=[capacity.competence_label(c) for c in part.training["competence"]]
    )
    percent = {"share_below": _percent}
    reach = part.channels.table()
    met = {
        "met": lambda ok: _word(bool(ok), "capstone.report.yes", "capstone.report.no"),
        "reach": _percent,
        "target": _percent,
    }
    channels = ", ".join(part.channels.channels)
    parts = [
        f"<h3>{_esc(t('capstone.report.skills'))}</h3>",
        _table(skills, ["name", "staff", "below", "share_below", "mean_gap"], percent),
        _figure(
            lambda ax: capacity_charts.below_target(part.skills, ax=ax),
            (7, 3.5),
            t("capstone.report.alt.skills"),
        ),
        f"<h3>{_esc(t('capstone.report.training'))}</h3>",
        _table(training, ["name", "learners", "cohorts", "days", "delivery", "cost"])
        if len(training)
        else "",
        f"<p>{_esc(t('capstone.report.training_cost', cost=_number(part.training_cost)))}</p>",
        f'<p class="note">{_esc(capacity.cost_note())}</p>',
    ]
    if part.divides is not None:
        gap = {c: _percent for c in ("highest_share", "lowest_share", "gap", "gap_low", "gap_high")}
        parts += [
            f"<h3>{_esc(t('capstone.report.divides'))}</h3>",
            _table(
                part.divides,
                [
                    "dimension",
                    "highest",
                    "highest_share",
                    "lowest",
                    "lowest_share",
                    "gap",
                    "gap_low",
                    "gap_high",
                ],
                gap,
            ),
        ]
    parts += [
        f"<h3>{_esc(t('capstone.report.channels'))}</h3>",
        f"<p>{_esc(t('capstone.report.channel_mix', channels=channels or t('capstone.report.none'), cost=_number(part.channels.cost), budget=_number(part.channel_budget)))}</p>",
        _table(reach, ["group", "reach", "target", "met"], met),
    ]
    if part.channel_table.equals(inclusion.validate_channels(inclusion.illustrative_channels())):
        parts.append(f'<p class="note">{_esc(inclusion.channels_label())}</p>')
    return "".join(parts)


def _me(plan: Plan) -> str:
    from course import indicators

    table = plan.me
    assert table is not None
    try:
        path = indicators.milestones(table)
        wide = path.pivot(index="indicator_id", columns="year", values="milestone").reset_index()
        wide.columns = [str(c) for c in wide.columns]
        milestones = _table(wide, list(wide.columns))
    except UserError as error:
        milestones = f'<p class="missing">{_esc(error)}</p>'
    view = table.assign(
        baseline_text=[
            f"{_number(v)} ({y})"
            for v, y in zip(table["baseline"], table["baseline_year"], strict=True)
        ],
        target_text=[
            f"{_number(v)} ({y})"
            for v, y in zip(table["target"], table["target_year"], strict=True)
        ],
    )
    columns = ["indicator_id", "initiative_id", "name", "unit", "baseline_text", "target_text"]
    columns += [c for c in ("level", "source", "frequency") if c in view.columns]
    return "".join(
        [
            _table(view, columns),
            f"<h3>{_esc(t('capstone.report.milestones'))}</h3>",
            milestones,
        ]
    )


def _checks(plan: Plan) -> str:
    table = check_plan(plan)
    failed = int((~table["ok"]).sum())
    summary = t(
        "capstone.report.check_summary",
        passed=int(table["ok"].sum()),
        total=len(table),
        failed=failed,
    )
    return f"<p>{_esc(summary)}</p>" + _table(
        table, ["section", "check", "ok", "detail"], {"ok": lambda ok: _word(bool(ok))}
    )


def _sources(plan: Plan) -> str:
    items = [
        f'<li class="synthetic-label">{_esc(data.synthetic_label(n))}</li>' for n in plan.synthetic
    ]
    items += [f"<li>{_esc(s)}</li>" for s in plan.sources]
    if not items:
        return f'<p class="missing">{_esc(t("capstone.finding.sources"))}</p>'
    return f"<ul>{''.join(items)}</ul>"


_BUILDERS: dict[str, Callable[[Plan], str]] = {
    "situation": _situation,
    "vision": _vision,
    "roadmap": _roadmap,
    "capacity": _capacity,
    "me": _me,
}


def plan_html(plan: Plan) -> str:
    """Return the whole plan as one self-contained HTML document (no outside file or request)."""
    if not isinstance(plan, Plan):
        raise UserError(t("capstone.error.not_a_plan", value=type(plan).__name__))
    title = plan.title.strip() or t("capstone.report.title", ppa=plan.ppa)
    road = plan.roadmap
    period = (
        t("capstone.report.subtitle_period", start=road.start_year, end=road.end_year)
        if road
        else ""
    )
    subtitle = " · ".join(
        x
        for x in (t("capstone.report.subtitle", ppa=plan.ppa), period, plan.prepared_by.strip())
        if x
    )
    banner = (
        f'<p class="synthetic">{_esc(t("capstone.report.synthetic_banner"))}</p>'
        if plan.synthetic
        else ""
    )
    headings = [(s, f"{n}. {section_label(s)}") for n, s in enumerate(SECTIONS, start=1)]
    headings += [("check", f"{len(SECTIONS) + 1}. {t('capstone.report.check_heading')}")]
    headings += [("sources", f"{len(SECTIONS) + 2}. {t('capstone.report.sources_heading')}")]
    toc = "".join(f'<li><a href="#{s}">{_esc(h)}</a></li>' for s, h in headings)
    body = []
    for section, heading in headings:
        if section in _BUILDERS:
            present = getattr(plan, section) is not None and not (
                section == "vision" and not str(plan.vision).strip()
            )
            content = (
                _BUILDERS[section](plan)
                if present
                else f'<p class="missing">{_esc(t(f"capstone.finding.missing.{section}"))}</p>'
            )
            notes = _paragraphs(plan.notes.get(section, ""))
        else:
            content = _checks(plan) if section == "check" else _sources(plan)
            notes = ""
        body.append(f'<section id="{section}"><h2>{_esc(heading)}</h2>{notes}{content}</section>')
    return (
        f'<!DOCTYPE html>\n<html lang="{_esc(get_language())}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{_esc(title)}</title>\n<style>{lao_font_face()}\n{_CSS}</style>\n</head>\n<body>\n"
        f'<header><h1>{_esc(title)}</h1><p class="sub">{_esc(subtitle)}</p>{banner}</header>\n'
        f"<nav><h2>{_esc(t('capstone.report.contents'))}</h2><ul class='toc'>{toc}</ul></nav>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


# Export -------------------------------------------------------------------------------------


def _slug(name: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-").lower()
    return f"{slug or 'ppa'}-digital-plan"


def _folder(folder: str | Path | None) -> Path:
    from course import tabular

    target = tabular.output_folder() if folder is None else Path(folder).expanduser()
    if not target.is_dir():
        raise UserError(t("capstone.error.no_folder", path=target))
    package = PACKAGE_DIR.resolve()
    if target.resolve() == package or package in target.resolve().parents:
        raise UserError(t("capstone.error.package_folder", path=target))
    return target


def html_to_pdf(html_path: Path, pdf_path: Path) -> Path:
    """Print an HTML file to PDF with the course's print route (`course.printing`), atomically.

    It works inside Jupyter too: the print runs in a worker thread.
    """
    from course.printing import print_to_pdf

    tmp = pdf_path.with_name(f".{pdf_path.name}.tmp")
    try:
        print_to_pdf(html_path.resolve(), tmp.resolve())
        tmp.replace(pdf_path)
    finally:
        tmp.unlink(missing_ok=True)
    return pdf_path


def export(plan: Plan, folder: str | Path | None = None, *, pdf: bool = True) -> dict[str, Path]:
    """Write the plan as `<ppa>-digital-plan.html` (and `.pdf`) into `folder`; return the paths.

    The default folder is the trainee's output folder ($DGT_OUTPUT, else ~/dgt-output);
    the course's own package folder is refused. Each file is written to a temporary
    name and renamed, so a failure never leaves half a file.
    """
    target = _folder(folder)
    document = plan_html(plan)
    stem = _slug(plan.ppa)
    html_path = target / f"{stem}.html"
    tmp = target / f".{stem}.html.tmp"
    tmp.write_text(document, encoding="utf-8")
    tmp.replace(html_path)
    written = {"html": html_path}
    if pdf:
        written["pdf"] = html_to_pdf(html_path, target / f"{stem}.pdf")
    return written
