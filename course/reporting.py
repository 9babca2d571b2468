"""A one-page indicator report (module B7) that a PPA could send to the National Assembly.

`indicator_report_html(tracked, ...)` turns the table from `course.indicators.track`
into a self-contained HTML page: no outside files, every text escaped, a word label
next to every status colour, the data source and, for synthetic data, the SYNTHETIC
label. `indicator_report_text` gives the same report as plain text, and `save_report`
writes either atomically. Every fixed string comes from the message catalogue.
"""

from __future__ import annotations

import html
import math
from pathlib import Path
from typing import Any

import pandas as pd

from course.errors import UserError
from course.indicators import STATUSES, TRACK_COLUMNS, status_counts, status_label
from course.messages import get_language, t

STATUS_COLOURS = {
    "on_track": "#1b7837",
    "at_risk": "#b35806",
    "off_track": "#b2182b",
    "no_data": "#4d4d4d",
}

_CSS = """
.dgt-report { font-family: "Noto Sans", "Noto Sans Lao", Arial, sans-serif; font-size: 9pt;
  color: #111; max-width: 190mm; margin: 0 auto; }
.dgt-report h1 { font-size: 15pt; margin: 0 0 2px 0; }
.dgt-report .sub { color: #333; margin: 0 0 8px 0; }
.dgt-report .synthetic { border: 2px solid #b2182b; color: #b2182b; font-weight: bold;
  padding: 3px 6px; margin: 6px 0; }
.dgt-report table { border-collapse: collapse; width: 100%; margin: 6px 0; }
.dgt-report th, .dgt-report td { border: 1px solid #999; padding: 2px 4px; text-align: left;
  vertical-align: top; }
.dgt-report th { background: #eee; }
.dgt-report th.wide { width: 34%; }
.dgt-report td.num, .dgt-report td.nowrap { text-align: right; white-space: nowrap; }
.dgt-report td.nowrap { text-align: left; }
.dgt-report h2 { font-size: 11pt; margin: 8px 0 2px 0; }
.dgt-report p { margin: 3px 0; }
.dgt-report .chip { display: inline-block; width: 0.9em; height: 0.9em; border-radius: 2px;
  margin-right: 4px; vertical-align: -1px; }
.dgt-report .summary span.item { margin-right: 14px; white-space: nowrap; }
.dgt-report .foot { font-size: 8.5pt; color: #333; margin-top: 8px; }
@page { size: A4; margin: 12mm; }
"""


def _number(value: Any, digits: int = 1) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return t("indicators.report.missing_value")
    number = float(value)
    if number == int(number):
        return f"{int(number):,}"
    return f"{number:,.{digits}f}"


def _percent(value: Any) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return t("indicators.report.missing_value")
    return f"{float(value) * 100:.0f}%"


def _check(tracked: Any) -> pd.DataFrame:
    if not isinstance(tracked, pd.DataFrame):
        raise UserError(t("indicators.report.error.not_a_table", value=type(tracked).__name__))
    missing = [c for c in TRACK_COLUMNS if c not in tracked.columns]
    if missing:
        raise UserError(t("indicators.report.error.not_tracked", missing=", ".join(missing)))
    if tracked.empty:
        raise UserError(t("indicators.report.error.empty"))
    unknown = sorted(set(tracked["status"]) - set(STATUSES))
    if unknown:
        raise UserError(t("indicators.report.error.status", status=", ".join(map(str, unknown))))
    return tracked


def _status_html(code: str) -> str:
    colour = STATUS_COLOURS[code]
    label = html.escape(status_label(code))
    return f'<span class="chip" style="background:{colour}"></span><strong style="color:{colour}">{label}</strong>'


def _rows(tracked: pd.DataFrame) -> list[dict[str, str]]:
    rows = []
    for row in tracked.to_dict("records"):
        missing = int(row.get("missing_reports") or 0)
        latest = t("indicators.report.missing_value")
        if not pd.isna(row["year"]):
            latest = t(
                "indicators.report.value_in_year",
                value=_number(row["actual"]),
                year=int(row["year"]),
            )
        rows.append(
            {
                "id": str(row["indicator_id"]),
                "name": str(row["name"]),
                "unit": str(row["unit"]),
                "direction": t(f"indicators.report.direction.{row['direction']}"),
                "baseline": t(
                    "indicators.report.value_in_year",
                    value=_number(row["baseline"]),
                    year=int(row["baseline_year"]),
                ),
                "target": t(
                    "indicators.report.value_in_year",
                    value=_number(row["target"]),
                    year=int(row["target_year"]),
                ),
                "latest": latest,
                "milestone": _number(row["expected"]),
                "progress": _percent(row["progress"]),
                "status": row["status"],
                "missing": t("indicators.report.missing_reports", count=missing) if missing else "",
            }
        )
    return rows


def indicator_report_html(
    tracked: pd.DataFrame,
    *,
    title: str,
    organisation: str,
    as_of: int,
    source: str,
    synthetic_label: str | None = None,
    notes: str = "",
    prepared_by: str = "",
) -> str:
    """Return a one-page HTML report of tracked indicators (from `indicators.track`).

    `title`, `organisation`, `source`, `notes` and `prepared_by` are the author's own
    words: they are escaped, never read as HTML. Give `synthetic_label` (e.g.
    `data.synthetic_label("me_actuals")`) whenever the numbers are synthetic: it is
    shown in a box at the top and again at the foot.
    """
    tracked = _check(tracked)
    if not str(source).strip():
        raise UserError(t("indicators.report.error.no_source"))
    esc = html.escape
    counts = status_counts(tracked)
    summary = " ".join(
        f'<span class="item">{_status_html(code)}: {counts[code]}</span>' for code in STATUSES
    )
    headings = [
        "id",
        "name",
        "unit",
        "baseline",
        "target",
        "latest",
        "milestone",
        "progress",
        "status",
    ]
    head = "".join(
        ('<th class="wide">' if h == "name" else "<th>")
        + esc(t(f"indicators.report.column.{h}"))
        + "</th>"
        for h in headings
    )
    body = []
    for row in _rows(tracked):
        small = " · ".join(esc(x) for x in (row["direction"], row["missing"]) if x)
        name = esc(row["name"]) + f"<br><small>{small}</small>"
        cells = [
            f'<td class="nowrap">{esc(row["id"])}</td>',
            f"<td>{name}</td>",
            f"<td>{esc(row['unit'])}</td>",
            f'<td class="num">{esc(row["baseline"])}</td>',
            f'<td class="num">{esc(row["target"])}</td>',
            f'<td class="num">{esc(row["latest"])}</td>',
            f'<td class="num">{esc(row["milestone"])}</td>',
            f'<td class="num">{esc(row["progress"])}</td>',
            f'<td class="nowrap">{_status_html(row["status"])}</td>',
        ]
        body.append("<tr>" + "".join(cells) + "</tr>")
    synthetic = f'<p class="synthetic">{esc(synthetic_label)}</p>' if synthetic_label else ""
    paragraphs = "".join(f"<p>{esc(p.strip())}</p>" for p in str(notes).split("\n\n") if p.strip())
    notes_html = f"<h2>{esc(t('indicators.report.notes'))}</h2>{paragraphs}" if paragraphs else ""
    prepared = (
        f"<p>{esc(t('indicators.report.prepared_by', name=prepared_by))}</p>" if prepared_by else ""
    )
    foot = [
        esc(t("indicators.report.method")),
        esc(t("indicators.report.source", source=source)),
    ] + ([esc(synthetic_label)] if synthetic_label else [])
    return (
        f'<!DOCTYPE html>\n<html lang="{esc(get_language())}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{esc(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        f'<div class="dgt-report">\n<h1>{esc(title)}</h1>\n'
        f'<p class="sub">{esc(t("indicators.report.subtitle", organisation=organisation, year=as_of))}</p>\n'
        f"{synthetic}\n"
        f'<p class="summary"><strong>{esc(t("indicators.report.summary"))}</strong> {summary}</p>\n'
        f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n"
        + "\n".join(body)
        + "\n</tbody>\n</table>\n"
        f"{notes_html}\n{prepared}\n"
        '<div class="foot">' + "<br>".join(foot) + "</div>\n</div>\n</body>\n</html>\n"
    )


def indicator_report_text(
    tracked: pd.DataFrame,
    *,
    title: str,
    organisation: str,
    as_of: int,
    source: str,
    synthetic_label: str | None = None,
    notes: str = "",
    prepared_by: str = "",
) -> str:
    """Return the same report as plain text (for e-mail, or where HTML cannot be shown)."""
    tracked = _check(tracked)
    if not str(source).strip():
        raise UserError(t("indicators.report.error.no_source"))
    counts = status_counts(tracked)
    lines = [title, t("indicators.report.subtitle", organisation=organisation, year=as_of), ""]
    if synthetic_label:
        lines += [synthetic_label, ""]
    lines.append(
        t("indicators.report.summary")
        + " "
        + "; ".join(f"{status_label(c)}: {counts[c]}" for c in STATUSES)
    )
    lines.append("")
    for row in _rows(tracked):
        lines.append(f"[{status_label(row['status'])}] {row['id']} {row['name']} ({row['unit']})")
        lines.append(
            "    "
            + t(
                "indicators.report.text_line",
                baseline=row["baseline"],
                target=row["target"],
                latest=row["latest"],
                milestone=row["milestone"],
                progress=row["progress"],
            )
        )
        if row["missing"]:
            lines.append("    " + row["missing"])
    if notes.strip():
        lines += ["", t("indicators.report.notes"), notes.strip()]
    if prepared_by:
        lines += ["", t("indicators.report.prepared_by", name=prepared_by)]
    lines += ["", t("indicators.report.method"), t("indicators.report.source", source=source)]
    if synthetic_label:
        lines.append(synthetic_label)
    return "\n".join(lines) + "\n"


def save_report(text: str, path: str | Path) -> Path:
    """Write a report (HTML or text) to `path` atomically: a temporary file, then a rename."""
    path = Path(path)
    if not path.parent.is_dir():
        raise UserError(t("indicators.report.error.no_folder", folder=path.parent))
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return path
