"""Spreadsheet templates (.xlsx) for the tables the apps and the course library accept.

One workbook per table: the initiative catalogue (module B4, roadmap builder), the
logframe (B7), the indicator plan (B7, M&E dashboard: sheets `indicators` and
`actuals`) and the risk register (B4). Each workbook has

- the data sheet(s) first, with exactly the columns of docs/schemas.md in row 1 (the
  header), a note on each header cell, and Excel's data validation where Excel can
  check a value: a list for a column of fixed choices, a whole-number or decimal range
  for a score, a year or an amount;
- an "about" sheet: what the table is for, how to fill it in, how to load it, and
  every column with its rule;
- an "example (SYNTHETIC)" sheet with made-up rows in the same columns.

The apps read the sheet named like the table, else the first sheet
(`course.cells.read_xlsx`), so a filled template loads as it is. The column lists come
from the library (`roadmap.REQUIRED`, `logframe.LOGFRAME_COLUMNS`,
`indicators.INDICATOR_COLUMNS`, ...), so template and checks cannot drift apart.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from course.messages import t

#: Rows below the header that carry the data validation (Excel checks these rows).
ROWS = 500


@dataclass(frozen=True)
class Column:
    """One column: its name (the header), whether it is required, and what Excel checks.

    `kind` is "text" (no check), "list" (one of `choices`), "decimal" or "whole" (a
    number from `low` to `high`; `high` None = no upper limit). `note` is the catalogue
    key under `templates.column.` of its one-line rule.
    """

    name: str
    required: bool
    kind: str = "text"
    choices: tuple[str, ...] = ()
    low: float | None = None
    high: float | None = None
    note: str = ""
    width: int = 16


@dataclass(frozen=True)
class Table:
    """One data sheet: its name, its columns and the example rows (SYNTHETIC) to show."""

    sheet: str
    columns: tuple[Column, ...]
    example: Callable[[], pd.DataFrame] = field(compare=False)


@dataclass(frozen=True)
class Template:
    """One workbook: its id (key `templates.<id>.*`), its file name, its module, its sheets."""

    id: str
    filename: str
    module: str
    tables: tuple[Table, ...]

    @property
    def title(self) -> str:
        return t(f"templates.{self.id}.title")


# The tables --------------------------------------------------------------------------------


def _initiatives() -> Table:
    from course import data, roadmap

    score = {"kind": "decimal", "low": roadmap.SCORE_MIN, "high": roadmap.SCORE_MAX, "width": 12}
    columns = (
        Column("id", True, note="id", width=8),
        Column("name", True, note="name", width=44),
        Column("area", False, note="area", width=14),
        Column("cost", True, "decimal", low=0, note="cost", width=10),
        Column("duration", True, "whole", low=1, note="duration", width=10),
        Column("depends_on", True, note="depends_on", width=14),
        *(Column(name, name in roadmap.REQUIRED, note=name, **score) for name in roadmap.SCORES),
    )
    assert {c.name for c in columns} >= set(roadmap.REQUIRED)
    return Table("initiatives", columns, lambda: data.synthetic("roadmap_initiatives"))


def _logframe_example() -> pd.DataFrame:
    """The hybrid-meetings logframe of lesson B7-1 (illustrative, made up for practice)."""
    from course import logframe

    rows = [
        ("I1", "input", "Budget, 20 laptops and a trainer", "", "", "A1"),
        (
            "A1",
            "activity",
            "Train 40 staff to run hybrid meetings",
            "",
            "Staff are released for 3 days of training",
            "OP1",
        ),
        (
            "OP1",
            "output",
            "40 staff trained in hybrid meetings",
            "Number of staff trained",
            "Trained staff stay in their posts",
            "OC1",
        ),
        (
            "OC1",
            "outcome",
            "More PPA meetings are held hybrid",
            "Share of meetings held hybrid or online",
            "The internet works on meeting days",
            "IM1",
        ),
        (
            "IM1",
            "impact",
            "Citizens in remote districts are better represented",
            "Share of service users satisfied",
            "",
            "",
        ),
    ]
    return pd.DataFrame(rows, columns=list(logframe.LOGFRAME_COLUMNS))


def _logframe() -> Table:
    from course import logframe

    widths = {"id": 8, "level": 11, "statement": 40, "indicator": 34, "assumption": 34}
    columns = tuple(
        Column(
            name,
            True,
            "list" if name == "level" else "text",
            choices=logframe.LEVELS if name == "level" else (),
            note=name,
            width=widths.get(name, 14),
        )
        for name in logframe.LOGFRAME_COLUMNS
    )
    return Table("logframe", columns, _logframe_example)


def _indicators() -> tuple[Table, Table]:
    from course import data, indicators, logframe

    year = {"kind": "whole", "low": indicators._FIRST_YEAR, "high": indicators._LAST_YEAR}
    notes = {"name": "indicator_name", "level": "indicator_level"}
    special: dict[str, dict] = {
        "direction": {"kind": "list", "choices": indicators.DIRECTIONS},
        "baseline": {"kind": "decimal"},
        "target": {"kind": "decimal"},
        "baseline_year": year,
        "target_year": year,
        "level": {"kind": "list", "choices": logframe.NEEDS_INDICATOR},
    }
    widths = {"indicator_id": 10, "name": 48, "unit": 9, "source": 30, "frequency": 14}
    plan = tuple(
        Column(
            name,
            name in indicators.INDICATOR_COLUMNS,
            note=notes.get(name, name),
            width=widths.get(name, 13),
            **special.get(name, {}),
        )
        for name in (*indicators.INDICATOR_COLUMNS, *indicators.OPTIONAL_COLUMNS)
    )
    actuals = (
        Column("indicator_id", True, note="actual_id", width=12),
        Column("year", True, note="year", width=10, **year),
        Column("actual", True, "decimal", note="actual", width=12),
    )
    assert tuple(c.name for c in actuals) == indicators.ACTUAL_COLUMNS
    return (
        Table("indicators", plan, lambda: data.synthetic("me_indicators")),
        Table("actuals", actuals, lambda: data.synthetic("me_actuals")),
    )


def _risks() -> Table:
    from course import data, roadmap

    score = {"kind": "whole", "low": roadmap.SCORE_MIN, "high": roadmap.SCORE_MAX, "width": 12}
    columns = (
        Column("risk_id", False, note="risk_id", width=9),
        Column("risk", True, note="risk", width=44),
        Column("initiative", False, note="initiative", width=11),
        Column("likelihood", True, note="likelihood", **score),
        Column("impact", True, note="risk_impact", **score),
        Column("mitigation", False, note="mitigation", width=44),
        Column("owner", False, note="owner", width=18),
    )
    assert {c.name for c in columns} >= set(roadmap.RISK_REQUIRED)
    return Table("risks", columns, lambda: data.synthetic("roadmap_risks"))


def templates() -> tuple[Template, ...]:
    """Every template, in the order of the course."""
    return (
        Template(
            "initiatives", "initiative-catalogue.xlsx", "B4-strategy-roadmap", (_initiatives(),)
        ),
        Template("logframe", "logframe.xlsx", "B7-monitoring-evaluation", (_logframe(),)),
        Template("indicators", "indicator-plan.xlsx", "B7-monitoring-evaluation", _indicators()),
        Template("risks", "risk-register.xlsx", "B4-strategy-roadmap", (_risks(),)),
    )


def template(template_id: str) -> Template:
    """The template with this id."""
    for candidate in templates():
        if candidate.id == template_id:
            return candidate
    raise KeyError(template_id)


# The workbook ------------------------------------------------------------------------------


def _number(value: float) -> str:
    return f"{value:g}"


def rule(column: Column) -> str:
    """The rule Excel checks for a column, in words ("" for free text)."""
    if column.kind == "list":
        return t("templates.list_prompt", choices=", ".join(column.choices))
    if column.kind == "decimal" and column.low is None:
        return t("templates.decimal_any")
    if column.kind in ("decimal", "whole") and column.low is not None:
        if column.high is None:
            return t(f"templates.{column.kind}_min", low=_number(column.low))
        return t(
            f"templates.{column.kind}_range", low=_number(column.low), high=_number(column.high)
        )
    return ""


def validation(column: Column, letter: str = "A"):
    """Excel's data validation for a column (openpyxl DataValidation), or None for free text.

    `letter` is the column's letter in the sheet, for the one rule that names its cell.
    """
    from openpyxl.worksheet.datavalidation import DataValidation

    text = rule(column)
    common = {
        "allow_blank": True,
        "showErrorMessage": True,
        "showInputMessage": True,
        "errorTitle": t("templates.bad_value"),
        "error": text,
        "promptTitle": column.name,
        "prompt": text,
    }
    if column.kind == "list":
        return DataValidation(type="list", formula1=f'"{",".join(column.choices)}"', **common)
    if column.kind in ("decimal", "whole"):
        if column.low is None:
            # Any number: a formula, relative to the first cell of the range (row 2).
            return DataValidation(type="custom", formula1=f"ISNUMBER({letter}2)", **common)
        if column.high is None:
            return DataValidation(
                type=column.kind,
                operator="greaterThanOrEqual",
                formula1=_number(column.low),
                **common,
            )
        return DataValidation(
            type=column.kind,
            operator="between",
            formula1=_number(column.low),
            formula2=_number(column.high),
            **common,
        )
    return None


def _data_sheet(sheet, table: Table) -> None:
    """Write the header row, the notes on it, the column widths and the validation."""
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDE6F0")
    for index, column in enumerate(table.columns, start=1):
        cell = sheet.cell(row=1, column=index, value=column.name)
        cell.font, cell.fill = bold, fill
        note = t(f"templates.column.{column.note}")
        words = rule(column)
        cell.comment = Comment(f"{note} {words}".strip(), "dgt")
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = column.width
        check = validation(column, letter)
        if check is not None:
            sheet.add_data_validation(check)
            check.add(f"{letter}2:{letter}{ROWS + 1}")
    sheet.freeze_panes = "A2"


def _example_sheet(sheet, tables: tuple[Table, ...]) -> None:
    """The SYNTHETIC example rows of every table, one block under the other, each with its header."""
    from openpyxl.styles import Font

    row = 1
    for table in tables:
        names = [c.name for c in table.columns]
        frame = table.example()
        sheet.cell(row=row, column=1, value=f"{table.sheet}: {t('apps.synthetic')}").font = Font(
            bold=True, color="9C2A00"
        )
        row += 1
        for index, name in enumerate(names, start=1):
            sheet.cell(row=row, column=index, value=name).font = Font(bold=True)
        for record in frame.to_dict("records"):
            row += 1
            for index, name in enumerate(names, start=1):
                value = record.get(name, "")
                sheet.cell(row=row, column=index, value=None if pd.isna(value) else value)
        row += 2
    for index, column in enumerate(tables[0].columns, start=1):
        from openpyxl.utils import get_column_letter

        sheet.column_dimensions[get_column_letter(index)].width = column.width


def _about_sheet(sheet, item: Template) -> None:
    """What the template is for, how to fill and load it, and the rule of every column."""
    from openpyxl.styles import Alignment, Font

    from course.manifest import curriculum

    module = t(curriculum().module(item.module).title_key)
    wrap = Alignment(wrap_text=True, vertical="top")
    title = t("templates.about_title", title=item.title, module=module)
    rows: list[tuple[str, ...]] = [(title,), ()]
    headings = {0}

    def section(heading: str, *lines: str) -> None:
        headings.add(len(rows))
        rows.extend([(heading,), *((line,) for line in lines), ()])

    section(t("templates.for"), t(f"templates.{item.id}.for"))
    section(
        t("templates.fill"),
        *(
            t("templates.fill_text", row=t(f"templates.row.{table.sheet}"), sheet=table.sheet)
            for table in item.tables
        ),
        t("templates.fill_keep"),
    )
    section(t("templates.load"), t(f"templates.{item.id}.load"))
    section(
        t("templates.example"),
        t("templates.example_text", sheet=t("templates.example_sheet")),
        t("templates.schema"),
    )
    for table in item.tables:
        section(f"{t('templates.columns')}: {table.sheet}")
        rows.pop()  # the column table follows its heading directly
        headings.add(len(rows))
        rows.append((t("templates.column_head"), t("templates.required"), t("templates.meaning")))
        for column in table.columns:
            words = f"{t(f'templates.column.{column.note}')} {rule(column)}".strip()
            required = t("templates.yes") if column.required else t("templates.no")
            rows.append((column.name, required, words))
        rows.append(())
    for number, values in enumerate(rows, start=1):
        for index, value in enumerate(values, start=1):
            cell = sheet.cell(row=number, column=index, value=value)
            cell.alignment = wrap
            if number - 1 in headings:
                cell.font = Font(bold=True, size=14 if number == 1 else 11)
    sheet.column_dimensions["A"].width = 90
    sheet.column_dimensions["B"].width = 10
    sheet.column_dimensions["C"].width = 70


def workbook_bytes(item: Template) -> bytes:
    """The template as the bytes of an .xlsx file."""
    from openpyxl import Workbook

    book = Workbook()
    first = book.active
    for index, table in enumerate(item.tables):
        sheet = first if index == 0 else book.create_sheet()
        sheet.title = table.sheet
        _data_sheet(sheet, table)
    _about_sheet(book.create_sheet(t("templates.about_sheet")), item)
    _example_sheet(book.create_sheet(t("templates.example_sheet")), item.tables)
    book.active = 0
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def write_template(item: Template, folder: Path) -> Path:
    """Write one template into `folder` (atomically); return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / item.filename
    tmp = target.with_name(f".{target.name}.tmp")
    try:
        tmp.write_bytes(workbook_bytes(item))
        tmp.replace(target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


def write_all(folder: Path) -> list[Path]:
    """Write every template into `folder`; return their paths."""
    return [write_template(item, Path(folder)) for item in templates()]
