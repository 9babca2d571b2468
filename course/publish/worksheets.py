"""Printable worksheets: one A4 PDF per group activity, built from the course's own data.

Each sheet is a plain spec (`Sheet`: its id, its module and a function that draws its
grid) turned into one self-contained HTML page (`sheet_html`) and printed by the same
route as the book's PDF (`course.printing.print_to_pdf`, Debian's chromium, outside
requests aborted). The grids come from the library, so they stay true when it changes:
the maturity form from the questionnaire of `course.maturity`, the initiative sheet
from the criteria of `course.roadmap`, the logframe from the levels of
`course.logframe`, the indicator sheet from the columns of `course.indicators`, the
risk register from the levels of `course.roadmap`. Every word comes from the message
catalogue (keys `worksheets.*`); a Lao translation of a key, when the Lao PO file
(`course/locale/lo/`) has one, is shown beside the English and marked as a draft while
it is fuzzy. The Lao font is embedded (`course.printing.lao_font_face`).
"""

from __future__ import annotations

import html
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from course.errors import UserError
from course.manifest import curriculum
from course.messages import t, translation
from course.printing import lao_font_face, print_to_pdf

LAO = "lo"
#: The lines at the top of every sheet: who filled it in, where and when.
FIELDS = ("group", "province", "district", "date")

CSS = """
@page { size: A4; margin: 14mm 14mm 18mm 14mm; }
* { box-sizing: border-box; }
body { font-family: "DGT Noto Sans Lao", "Noto Sans", "DejaVu Sans", sans-serif;
       font-size: 9.5pt; line-height: 1.3; color: #111; margin: 0; }
header { border-bottom: 2px solid #235; margin-bottom: 3mm; padding-bottom: 2mm; }
.ws-kind { font-size: 8pt; color: #444; display: flex; justify-content: space-between; }
h1 { font-size: 17pt; margin: 1mm 0; }
h2 { font-size: 11pt; margin: 3mm 0 1.5mm; break-after: avoid; }
h3 { font-size: 9pt; margin: 0 0 0.5mm; }
.ws-lao { font-size: 13pt; margin: 0.5mm 0; }
.ws-draft { font-size: 7.5pt; color: #8a4b00; border: 1px solid #8a4b00; padding: 0 1.5mm;
            margin-left: 2mm; vertical-align: middle; }
.ws-write { display: inline-block; border-bottom: 1px solid #555; min-width: 60mm; }
.ws-fields { display: grid; grid-template-columns: 1.3fr 1fr 1fr 0.8fr; gap: 3mm;
             margin: 2mm 0; font-size: 9pt; }
.ws-fields div { border-bottom: 1px solid #555; padding-top: 3mm; }
.ws-how { background: #f1f4f8; border-left: 3px solid #235; padding: 1.5mm 3mm; margin: 2mm 0 3mm; }
.ws-how h2 { margin: 0 0 1mm; font-size: 10pt; }
.ws-how p { margin: 0; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #777; padding: 1mm 1.5mm; vertical-align: top; text-align: left; }
th { background: #e4e9f0; font-size: 8.5pt; }
td.ws-blank { height: 9mm; }
td.ws-tall { height: 15mm; }
td.ws-grey { background: #d9d9d9; color: #777; text-align: center; }
tr, .ws-keep { break-inside: avoid; }
.ws-box { display: inline-block; width: 3.2mm; height: 3.2mm; border: 1px solid #333;
          vertical-align: -0.5mm; margin-right: 1mm; background: #fff; }
.ws-small { font-size: 7.5pt; line-height: 1.2; }
.ws-dim th { background: #235; color: #fff; font-size: 9pt; }
.ws-grid2 { display: grid; grid-template-columns: 1fr 1fr; gap: 3mm; }
.ws-panel { border: 1.5px solid #333; padding: 1.5mm 2mm; }
.ws-panel h2 { margin: 0 0 1mm; }
.ws-lines div { border-bottom: 1px solid #aaa; height: 7.5mm; display: flex;
                justify-content: flex-end; align-items: flex-end; font-size: 7pt; color: #777; }
.ws-quad { display: grid; grid-template-columns: 8mm 1fr 1fr; grid-template-rows: 1fr 1fr 6mm;
           height: 78mm; gap: 0; margin-top: 1mm; }
.ws-quad .ws-cell { border: 1.5px solid #333; padding: 1.5mm; font-weight: bold; color: #345; }
.ws-axis-y { grid-row: 1 / 3; writing-mode: vertical-rl; transform: rotate(180deg);
             text-align: center; font-size: 8.5pt; }
.ws-axis-x { grid-column: 2 / 4; text-align: center; font-size: 8.5pt; }
.ws-card { border: 1.5px solid #333; padding: 1.5mm 2mm; margin-bottom: 2.5mm; break-inside: avoid; }
.ws-card h2 { margin: 0 0 1mm; }
.ws-card .ws-row { display: grid; gap: 3mm; margin-bottom: 1mm; }
.ws-card .ws-row > div { border-bottom: 1px solid #555; height: 9mm; font-size: 8pt; }
.ws-card .ws-label { font-size: 7.5pt; color: #333; }
.ws-level-low { background: #e3f1df; } .ws-level-medium { background: #fdf0c8; }
.ws-level-high { background: #f6d2cc; }
.ws-matrix td, .ws-matrix th { text-align: center; width: 14mm; height: 7mm; font-size: 8pt; }
.ws-note { color: #8a4b00; }
footer { font-size: 7pt; color: #555; border-top: 1px solid #aaa; margin-top: 2mm; padding-top: 0.5mm; }
footer p { margin: 0; }
"""


@dataclass(frozen=True)
class Sheet:
    """One printable worksheet: its id (file name and key `worksheets.<id>.*`) and its module."""

    id: str
    module: str
    body: Callable[[], str]

    @property
    def title(self) -> str:
        return t(f"worksheets.{self.id}.title")


# Small pieces -------------------------------------------------------------------------------


def esc(value: object) -> str:
    return html.escape(str(value))


def lao(key: str) -> tuple[str, bool] | None:
    """The Lao text of a message key and whether it is a draft, or None if there is none."""
    found = translation(key, LAO)
    return (found.text, found.draft) if found else None


def label(key: str) -> str:
    """The English words of `key`, with the Lao after a slash when the Lao catalogue has them."""
    english = esc(t(key))
    found = lao(key)
    return f'{english} / <span lang="lo">{esc(found[0])}</span>' if found else english


def box() -> str:
    """An empty tick box."""
    return '<span class="ws-box"></span>'


def table(
    headers: Iterable[str],
    rows: int,
    css: str = "ws-blank",
    widths: Iterable = (),
    numbered: bool = False,
) -> str:
    """A table with the given header cells (already HTML) and `rows` empty rows to write in.

    With `numbered`, the first cell of each row holds its number (1, 2, ...).
    """
    heads = list(headers)
    sizes = list(widths) or [""] * len(heads)
    cols = "".join(f'<col style="width:{w}">' if w else "<col>" for w in sizes)
    head = "".join(f"<th>{h}</th>" for h in heads)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="{css}">{n if numbered and i == 0 else ""}</td>' for i in range(len(heads))
        )
        + "</tr>"
        for n in range(1, rows + 1)
    )
    return f"<table><colgroup>{cols}</colgroup><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def lines(count: int, right: str = "") -> str:
    """`count` ruled lines to write on (with a small note at the right end of each)."""
    return '<div class="ws-lines">' + f"<div>{right}</div>" * count + "</div>"


# The sheets ---------------------------------------------------------------------------------


def maturity_body() -> str:
    """The self-assessment form: every question of the questionnaire with its five levels."""
    from course import maturity

    questions = maturity.load_questionnaire()
    levels = "".join(
        f"<th>{level} {esc(maturity.level_label(level))}</th>" for level in maturity.LEVELS
    )
    parts = [
        '<table class="ws-maturity"><colgroup><col style="width:22%">'
        + '<col style="width:15.6%">' * len(maturity.LEVELS)
        + "</colgroup>"
    ]
    for dimension in maturity.DIMENSIONS:
        rows = questions[questions["dimension"] == dimension]
        parts.append(
            f'<tbody class="ws-dim"><tr><th>{esc(maturity.dimension_label(dimension))}</th>'
            f"{levels}</tr></tbody><tbody>"
        )
        for record in rows.to_dict("records"):
            cells = "".join(
                f'<td class="ws-small">{box()}{esc(record[f"level_{level}"])}</td>'
                for level in maturity.LEVELS
            )
            parts.append(
                f"<tr><td><b>{esc(record['question_id'])}</b> {esc(record['question'])}</td>"
                f"{cells}</tr>"
            )
        parts.append("</tbody>")
    parts.append("</table>")
    summary = "".join(
        f'<tr><td class="ws-blank">{esc(maturity.dimension_label(d))}</td><td></td><td></td><td></td></tr>'
        for d in maturity.DIMENSIONS
    )
    parts.append(
        f'<div class="ws-keep"><h2>{esc(t("worksheets.maturity.summary"))}</h2>'
        '<table class="ws-summary"><thead><tr>'
        + "".join(
            f"<th>{esc(t(f'worksheets.maturity.{k}'))}</th>"
            for k in ("dimension", "average", "target", "gap")
        )
        + f"</tr></thead><tbody>{summary}</tbody></table></div>"
    )
    return "".join(parts)


def stakeholders_body() -> str:
    """A list of stakeholders with power and interest scores, and the 2×2 grid to place them."""
    from course import situation

    key = "worksheets.stakeholders."
    headers = [esc(t(key + k)) for k in ("number", "stakeholder", "role", "power", "interest")]
    headers.append(esc(t(key + "quadrant")))
    numbered = table(headers, 10, widths=["7%", "26%", "29%", "11%", "11%", "16%"], numbered=True)
    # Top row: high power; right column: high interest (as in situation.stakeholder_chart).
    place = {
        "keep_satisfied": (1, 2),
        "manage_closely": (1, 3),
        "monitor": (2, 2),
        "keep_informed": (2, 3),
    }
    quads = "".join(
        f'<div class="ws-cell" style="grid-row:{place[q][0]};grid-column:{place[q][1]}">'
        f"{esc(t(f'situation.quadrant.{q}'))}</div>"
        for q in situation.QUADRANTS
    )
    grid = (
        f'<h2>{esc(t(key + "grid"))}</h2><div class="ws-quad">'
        f'<div class="ws-axis-y">{esc(t(key + "power_axis"))}</div>{quads}'
        f'<div class="ws-axis-x" style="grid-row:3">{esc(t(key + "interest_axis"))}</div></div>'
    )
    return numbered + grid


def swot_body() -> str:
    """The four SWOT boxes with weights, and the pairs that turn them into actions."""
    from course import situation

    weight = esc(t("worksheets.swot.weight"))
    panels = "".join(
        f'<div class="ws-panel"><h2>{esc(t(f"worksheets.swot.kind.{kind}"))}</h2>'
        f"{lines(5, weight)}</div>"
        for kind in situation.SWOT_KINDS
    )
    rows = "".join(
        f'<tr><td class="ws-tall"><b>{esc(s)}</b><br><span class="ws-small">'
        f"{esc(t(f'worksheets.swot.{s}'))}</span></td><td></td></tr>"
        for s in situation.STRATEGIES
    )
    return (
        f'<div class="ws-grid2">{panels}</div>'
        f'<h2>{esc(t("worksheets.swot.strategies"))}</h2><table><colgroup><col style="width:38%">'
        f"<col></colgroup><thead><tr><th>{esc(t('worksheets.swot.strategy'))}</th>"
        f"<th>{esc(t('worksheets.swot.action'))}</th></tr></thead><tbody>{rows}</tbody></table>"
    )


def persona_body() -> str:
    """The facts of one persona, each with room to write, and where they come from."""
    sizes = {
        "name": 2,
        "who": 3,
        "access": 3,
        "distance": 3,
        "services": 3,
        "goals": 3,
        "pains": 4,
        "channels": 4,
        "quote": 2,
        "source": 2,
    }
    panels = "".join(
        f'<div class="ws-panel"><h3>{esc(t(f"worksheets.persona.{k}"))}</h3>{lines(n)}</div>'
        for k, n in sizes.items()
    )
    return f'<div class="ws-grid2">{panels}</div>'


def journey_body() -> str:
    """The steps of one service as columns; as rows, the facts `course.design` records per step."""
    from course import design

    key = "worksheets.journey."
    head = (
        f'<p>{esc(t(key + "service"))}: <span class="ws-write"></span> '
        f'&nbsp; {esc(t(key + "persona"))}: <span class="ws-write"></span></p>'
    )
    steps = 6
    # The per-step columns of a journey table (design.JOURNEY_COLUMNS), its cost
    # (design.COST_COLUMNS, added up), then what a group adds on paper.
    measured = [c for c in design.JOURNEY_COLUMNS if c in ("step", "day", "visits", "minutes")]
    aspects = (*measured, "cost", "problem", "feeling", "idea")
    tall = {"step", "problem", "idea"}
    header = f"<th>{esc(t(key + 'aspect'))}</th>" + "".join(
        f"<th>{n}</th>" for n in range(1, steps + 1)
    )
    rows = "".join(
        f"<tr><th>{esc(t(key + a))}</th>"
        + f'<td class="{"ws-tall" if a in tall else "ws-blank"}"></td>' * steps
        + "</tr>"
        for a in aspects
    )
    widths = '<col style="width:19%">' + '<col style="width:13.5%">' * steps
    return f"{head}<table><colgroup>{widths}</colgroup><thead><tr>{header}</tr></thead><tbody>{rows}</tbody></table>"


def initiatives_body() -> str:
    """The weights, then one row per initiative with the columns and criteria of `course.roadmap`."""
    from course import roadmap

    key = "worksheets.initiatives."
    criteria = [c for c in roadmap.SCORES]
    weights = " &nbsp; ".join(
        f"{esc(t(f'app.roadmap-builder.column.{c}'))}: <span class='ws-write' style='min-width:18mm'></span>"
        for c in criteria
    )
    headers = [esc(t(key + c)) for c in ("id", "name", "cost", "duration", "depends_on")]
    headers += [
        f"{esc(t(f'app.roadmap-builder.column.{c}'))}<br><span class='ws-small'>1–5</span>"
        for c in criteria
    ]
    headers += [esc(t(key + "score")), esc(t(key + "rank"))]
    widths = ["6%", "27%", "9%", "7%", "10%", "8%", "10%", "8%", "8%", "7%"]
    return (
        f"<h2>{esc(t(key + 'weights'))}</h2><p>{weights}</p>"
        f'<p class="ws-small">{esc(t(key + "formula"))}</p>' + table(headers, 14, widths=widths)
    )


def logframe_body() -> str:
    """The results chain from the impact down, with grey boxes where `course.logframe` needs nothing."""
    from course import logframe

    key = "worksheets.logframe."
    rows_per_level = {"impact": 1, "outcome": 2, "output": 3, "activity": 3, "input": 2}
    headers = [esc(t(key + c)) for c in ("level", "id", "statement", "indicator", "assumption")]
    headers.append(esc(t(key + "contributes_to")))
    body = []
    for level in reversed(logframe.LEVELS):
        for _ in range(rows_per_level[level]):
            cells = [f"<th>{esc(t(key + 'levels.' + level))}</th>", '<td class="ws-tall"></td>']
            cells.append('<td class="ws-tall"></td>')
            for needed in (logframe.NEEDS_INDICATOR, logframe.NEEDS_ASSUMPTION):
                grey = '<td class="ws-grey">' + esc(t(key + "not_needed")) + "</td>"
                cells.append('<td class="ws-tall"></td>' if level in needed else grey)
            cells.append(
                '<td class="ws-tall"></td>'
                if level != "impact"
                else f'<td class="ws-grey">{esc(t(key + "not_needed"))}</td>'
            )
            body.append("<tr>" + "".join(cells) + "</tr>")
    widths = "".join(f'<col style="width:{w}">' for w in ("11%", "7%", "27%", "22%", "22%", "11%"))
    head = "".join(f"<th>{h}</th>" for h in headers)
    return f"<table><colgroup>{widths}</colgroup><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def indicators_body() -> str:
    """Three indicator boxes with the columns of `course.indicators` and the SMART checks."""
    from course import indicators, logframe

    key = "worksheets.indicators."

    def field(column: str) -> str:
        return f'<div><span class="ws-label">{esc(t(key + column))}</span></div>'

    def choices(column: str, options: Iterable[str], words: Callable[[str], str]) -> str:
        ticks = " &nbsp; ".join(f"{box()}{esc(words(o))}" for o in options)
        return f'<div><span class="ws-label">{esc(t(key + column))}:</span> {ticks}</div>'

    cards = []
    for number in range(1, 4):
        smart = " &nbsp; ".join(
            f"{box()}{esc(t(key + 'smart_element.' + e))}" for e in logframe.SMART_ELEMENTS
        )
        cards.append(
            f'<div class="ws-card"><h2>{esc(t(key + "card", number=number))}</h2>'
            f'<div class="ws-row" style="grid-template-columns:1fr 4fr 1fr">'
            f"{field('indicator_id')}{field('name')}{field('unit')}</div>"
            f'<div class="ws-row" style="grid-template-columns:1fr 1fr 1fr 1fr">'
            f"{field('baseline')}{field('baseline_year')}{field('target')}{field('target_year')}</div>"
            f'<div class="ws-row" style="grid-template-columns:1fr 1fr">'
            + choices(
                "direction",
                indicators.DIRECTIONS,
                lambda d: t(key + "direction_choice." + d),
            )
            + choices(
                "level",
                logframe.NEEDS_INDICATOR,
                lambda lv: t(f"worksheets.logframe.levels.{lv}"),
            )
            + "</div>"
            f'<div class="ws-row" style="grid-template-columns:3fr 1fr">'
            f"{field('source')}{field('frequency')}</div>"
            f'<p class="ws-small"><b>{esc(t(key + "smart"))}:</b> {smart}</p></div>'
        )
    return "".join(cards)


def risks_body() -> str:
    """The register's columns (`course.roadmap` risk table) and the level of every score."""
    from course import roadmap

    key = "worksheets.risks."
    columns = ("risk_id", "risk", "initiative", "likelihood", "impact", "score", "level")
    headers = [esc(t(key + c)) for c in (*columns, "mitigation", "owner")]
    widths = ["5%", "24%", "8%", "8%", "8%", "7%", "7%", "22%", "11%"]
    scores = range(roadmap.SCORE_MIN, roadmap.SCORE_MAX + 1)
    matrix = [
        f"<tr><th>{esc(t(key + 'likelihood_axis'))}</th>"
        f"<th colspan='{len(scores)}'>{esc(t(key + 'impact_axis'))} →</th></tr>"
    ]
    for likelihood in reversed(scores):
        levels = [(likelihood * i, roadmap.risk_level(likelihood * i)) for i in scores]
        cells = "".join(
            f'<td class="ws-level-{level}">{score} {esc(t(f"roadmap.level.{level}"))}</td>'
            for score, level in levels
        )
        matrix.append(f"<tr><th>{likelihood}</th>{cells}</tr>")
    matrix.append("<tr><th></th>" + "".join(f"<th>{i}</th>" for i in scores) + "</tr>")
    return (
        table(headers, 11, widths=widths)
        + f'<h2>{esc(t(key + "matrix"))}</h2><table class="ws-matrix" style="width:auto">'
        + "".join(matrix)
        + "</table>"
    )


SHEETS: tuple[Sheet, ...] = (
    Sheet("maturity", "B2-situation-analysis", maturity_body),
    Sheet("stakeholders", "B2-situation-analysis", stakeholders_body),
    Sheet("swot", "B2-situation-analysis", swot_body),
    Sheet("persona", "B3-envisioning-design", persona_body),
    Sheet("journey", "B3-envisioning-design", journey_body),
    Sheet("initiatives", "B4-strategy-roadmap", initiatives_body),
    Sheet("logframe", "B7-monitoring-evaluation", logframe_body),
    Sheet("indicators", "B7-monitoring-evaluation", indicators_body),
    Sheet("risks", "B4-strategy-roadmap", risks_body),
)


def sheet(sheet_id: str) -> Sheet:
    """The sheet with this id."""
    for candidate in SHEETS:
        if candidate.id == sheet_id:
            return candidate
    raise KeyError(sheet_id)


def file_name(item: Sheet) -> str:
    """The PDF's file name: its place in the set and its id, e.g. 01-maturity.pdf."""
    return f"{SHEETS.index(item) + 1:02d}-{item.id}.pdf"


# The page -----------------------------------------------------------------------------------


def sheet_html(item: Sheet) -> str:
    """The whole worksheet as one self-contained HTML page (no file or address outside it)."""
    module = t(curriculum().module(item.module).title_key)
    found = lao(f"worksheets.{item.id}.title")
    if found:
        draft = (
            f'<span class="ws-draft">{esc(t("worksheets.lao_draft"))}</span>' if found[1] else ""
        )
        lao_line = f'<p class="ws-lao" lang="lo">{esc(found[0])}{draft}</p>'
    else:
        lao_line = f'<p class="ws-small">{esc(t("worksheets.lao_title"))} <span class="ws-write"></span></p>'
    field_keys = [f"worksheets.field.{name}" for name in FIELDS]
    fields = "".join(f"<div>{label(key)}:</div>" for key in field_keys)
    shown = [lao(key) for key in (f"worksheets.{item.id}.title", *field_keys)]
    note = (
        f' <span class="ws-note">{esc(t("worksheets.lao_note"))}</span>'
        if any(found and found[1] for found in shown)
        else ""
    )
    course = t("worksheets.course")
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en"><head><meta charset="utf-8">',
            f"<title>{esc(item.title)}</title>",
            f"<style>{lao_font_face()}\n{CSS}</style>",
            "</head><body>",
            f'<header><div class="ws-kind"><span>{esc(course)} · {esc(t("worksheets.kind"))}</span>'
            f"<span>{esc(t('worksheets.module', module=module))}</span></div>",
            f"<h1>{esc(item.title)}</h1>{lao_line}",
            f'<div class="ws-fields">{fields}</div></header>',
            f'<section class="ws-how"><h2>{esc(t("worksheets.how"))}</h2>'
            f"<p>{esc(t(f'worksheets.{item.id}.instructions'))}</p></section>",
            f"<main>{item.body()}</main>",
            f"<footer><p>{esc(t('worksheets.footer', title=item.title, course=course, module=module))}"
            f"{note}</p></footer>",
            "</body></html>",
        ]
    )


def write_pdf(item: Sheet, folder: Path) -> Path:
    """Print one worksheet to `folder`/<nn>-<id>.pdf (atomically); return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / file_name(item)
    tmp = target.with_name(target.name + ".tmp")
    with tempfile.TemporaryDirectory(prefix="dgt-worksheet-") as work:
        source = Path(work) / f"{item.id}.html"
        source.write_text(sheet_html(item), encoding="utf-8")
        try:
            print_to_pdf(source, tmp)
            tmp.replace(target)
        finally:
            tmp.unlink(missing_ok=True)
    return target


def write_all(folder: Path, only: Iterable[str] | None = None) -> list[Path]:
    """Print every worksheet (or the ids in `only`) into `folder`; return the PDFs' paths."""
    chosen = [sheet(i) for i in only] if only is not None else list(SHEETS)
    return [write_pdf(item, Path(folder)) for item in chosen]


def default_folder() -> Path:
    """Where `dgt book worksheets` writes by default: book/_build/worksheets."""
    from course.publish import book

    return book.book_dir() / "_build" / "worksheets"


def make_kit(folder: Path | None = None) -> list[Path]:
    """Write every worksheet (PDF) and every spreadsheet template (.xlsx) into `folder`.

    Returns their paths, the worksheets first. Used by `dgt book worksheets` and the USB
    bundle.
    """
    from course.publish import templates

    folder = Path(folder) if folder is not None else default_folder()
    if folder.exists() and not folder.is_dir():
        raise UserError(t("worksheets.not_a_folder", path=folder))
    return [*write_all(folder), *templates.write_all(folder)]
