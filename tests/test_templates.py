"""Spreadsheet templates: the columns the apps accept, Excel's checks, and filled ones load as they are."""

from __future__ import annotations

import datetime
import io
import math

import openpyxl
import pandas as pd
import pytest

from course import cells, data, indicators, logframe, roadmap
from course.errors import UserError
from course.messages import t
from course.publish import templates
from course.serve.ui import me_dashboard, roadmap_builder

EXPECTED_COLUMNS = {
    "initiatives": {"initiatives": [*roadmap.REQUIRED, "urgency", "area"]},
    "logframe": {"logframe": list(logframe.LOGFRAME_COLUMNS)},
    "indicators": {
        "indicators": [*indicators.INDICATOR_COLUMNS, *indicators.OPTIONAL_COLUMNS],
        "actuals": list(indicators.ACTUAL_COLUMNS),
    },
    "risks": {"risks": [*roadmap.RISK_REQUIRED, "risk_id", "initiative", "mitigation", "owner"]},
}


def workbook(template_id: str) -> openpyxl.Workbook:
    return openpyxl.load_workbook(
        io.BytesIO(templates.workbook_bytes(templates.template(template_id)))
    )


def fill(book: openpyxl.Workbook, sheet: str, rows: pd.DataFrame) -> None:
    """Write `rows` under the header of `sheet`, each value in the column of its name."""
    target = book[sheet]
    header = [c.value for c in target[1]]
    for number, record in enumerate(rows.to_dict("records"), start=2):
        for column, name in enumerate(header, start=1):
            value = record.get(name)
            if isinstance(value, float) and math.isnan(value):
                value = None
            target.cell(row=number, column=column, value=value)


def saved(book: openpyxl.Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload_value(name: str, content: bytes) -> tuple[dict, ...]:
    """What an ipywidgets 8 FileUpload holds after a person chose one file."""
    return (
        {
            "name": name,
            "type": "",
            "size": len(content),
            "content": memoryview(content),
            "last_modified": datetime.datetime(2026, 1, 1),
        },
    )


# The workbooks read back -------------------------------------------------------------------


@pytest.mark.parametrize("template_id", sorted(EXPECTED_COLUMNS))
def test_template_has_the_columns_of_the_library_then_about_and_example(template_id):
    """Data sheets first with the library's columns in row 1; then 'about' and the SYNTHETIC example."""
    book = workbook(template_id)
    expected = EXPECTED_COLUMNS[template_id]
    assert book.sheetnames == [
        *expected,
        t("templates.about_sheet"),
        t("templates.example_sheet"),
    ]
    for sheet, columns in expected.items():
        header = [c.value for c in book[sheet][1]]
        assert set(header) == set(columns), sheet
        assert book[sheet].max_row == 1  # nothing to delete before filling in
        assert book[sheet].freeze_panes == "A2"
        assert all(book[sheet].cell(row=1, column=i).comment for i in range(1, len(header) + 1))
    example = book[t("templates.example_sheet")]
    assert "SYNTHETIC" in example["A1"].value


def validations(sheet) -> dict[str, object]:
    """{column name: its DataValidation} for a data sheet."""
    header = {c.column_letter: c.value for c in sheet[1]}
    found = {}
    for check in sheet.data_validations.dataValidation:
        for cell_range in check.sqref.ranges:
            assert cell_range.min_row == 2 and cell_range.max_row == templates.ROWS + 1
            found[header[cell_range.coord.split(":")[0].rstrip("0123456789")]] = check
    return found


def test_excel_checks_lists_scores_years_and_amounts():
    """Lists for fixed choices; whole/decimal ranges for scores, years, months and costs."""
    initiatives = validations(workbook("initiatives")["initiatives"])
    assert set(initiatives) == {"cost", "duration", "impact", "feasibility", "urgency"}
    for score in roadmap.SCORES:
        check = initiatives[score]
        assert (check.type, check.operator, check.formula1, check.formula2) == (
            "decimal",
            "between",
            "1",
            "5",
        )
    assert (initiatives["duration"].type, initiatives["duration"].formula1) == ("whole", "1")
    assert initiatives["cost"].operator == "greaterThanOrEqual"
    assert initiatives["impact"].showErrorMessage and initiatives["impact"].error

    level = validations(workbook("logframe")["logframe"])["level"]
    assert level.type == "list" and level.formula1 == '"' + ",".join(logframe.LEVELS) + '"'

    book = workbook("indicators")
    plan = validations(book["indicators"])
    assert plan["direction"].formula1 == '"increase,decrease"'
    assert plan["level"].formula1 == '"output,outcome,impact"'
    assert (plan["baseline_year"].type, plan["baseline_year"].formula1) == ("whole", "1990")
    assert (plan["target"].type, plan["target"].formula1) == ("custom", "ISNUMBER(G2)")
    assert set(validations(book["actuals"])) == {"year", "actual"}

    risks = validations(workbook("risks")["risks"])
    assert {c: (v.type, v.formula1, v.formula2) for c, v in risks.items()} == {
        "likelihood": ("whole", "1", "5"),
        "impact": ("whole", "1", "5"),
    }


def test_about_sheet_says_what_how_to_fill_and_how_to_load():
    """The 'about' sheet has the purpose, the filling and loading steps and every column's rule."""
    for item in templates.templates():
        book = workbook(item.id)
        text = "\n".join(
            str(c) for row in book[t("templates.about_sheet")].values for c in row if c
        )
        assert t(f"templates.{item.id}.for") in text
        assert t(f"templates.{item.id}.load") in text
        assert "SYNTHETIC" in text and "docs/schemas.md" in text
        for table in item.tables:
            for column in table.columns:
                assert t(f"templates.column.{column.note}") in text


def test_example_rows_are_the_synthetic_datasets():
    """The example sheet holds the shipped SYNTHETIC rows, labelled, with the same header."""
    sheet = workbook("risks")[t("templates.example_sheet")]
    rows = list(sheet.values)
    assert rows[0][0] == f"risks: {t('apps.synthetic')}"
    assert list(rows[1][:4]) == ["risk_id", "risk", "initiative", "likelihood"]
    shipped = data.synthetic("roadmap_risks")
    assert [r[1] for r in rows[2 : 2 + len(shipped)]] == list(shipped["risk"])


def test_write_all_writes_four_workbooks_atomically(tmp_path):
    """write_all leaves four .xlsx files and no temporary file."""
    paths = templates.write_all(tmp_path)
    assert sorted(p.name for p in paths) == sorted(i.filename for i in templates.templates())
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in paths)
    empty = cells.read_table(tmp_path / "logframe.xlsx")
    assert list(empty.columns) == list(logframe.LOGFRAME_COLUMNS) and empty.empty


# Filled templates load into the apps and the library ---------------------------------------


def test_filled_initiative_template_loads_into_the_roadmap_builder():
    """The roadmap builder's import button takes the filled workbook as it is."""
    book = workbook("initiatives")
    shipped = data.synthetic("roadmap_initiatives")
    fill(book, "initiatives", shipped)
    app = roadmap_builder.Builder()
    app.upload.value = upload_value("our-plan.xlsx", saved(book))
    assert "dgt-ok" in app.upload_message.value, app.upload_message.value
    assert list(app.table["id"]) == list(shipped["id"])
    assert list(app.table["cost"]) == list(shipped["cost"])
    assert "our-plan.xlsx" in app.source.value
    assert app.upload.accept == ".csv,.xlsx"


def test_filled_indicator_template_loads_into_the_me_dashboard():
    """The same workbook goes to both buttons: 'indicators' sheet, then 'actuals' sheet."""
    book = workbook("indicators")
    plan = data.synthetic("me_indicators").head(3)
    actuals = data.synthetic("me_actuals")
    actuals = actuals[actuals["indicator_id"].isin(plan["indicator_id"])]
    fill(book, "indicators", plan)
    fill(book, "actuals", actuals)
    content = saved(book)
    app = me_dashboard.Dashboard()
    app.upload_indicators.value = upload_value("plan.xlsx", content)
    app.upload_actuals.value = upload_value("plan.xlsx", content)
    assert "dgt-ok" in app.actuals_message.value, app.actuals_message.value
    assert "dgt-field-error" not in app.indicators_message.value
    assert list(app.indicators["indicator_id"]) == list(plan["indicator_id"])
    assert len(app.actuals) == len(actuals) and not app.synthetic
    assert set(app.tracked()["indicator_id"]) == set(plan["indicator_id"])


def test_filled_logframe_and_risk_templates_load_into_the_library(tmp_path):
    """cells.read_table reads them the way the apps do; the B7 and B4 checks accept them."""
    book = workbook("logframe")
    fill(book, "logframe", templates._logframe_example())
    path = tmp_path / "logframe.xlsx"
    path.write_bytes(saved(book))
    assert logframe.logframe_problems(cells.read_table(path)) == []

    book = workbook("risks")
    shipped = data.synthetic("roadmap_risks")
    fill(book, "risks", shipped)
    path = tmp_path / "risks.xlsx"
    path.write_bytes(saved(book))
    register = roadmap.risk_register(cells.read_table(path))
    expected = roadmap.risk_register(shipped)
    assert list(register["risk_id"]) == list(expected["risk_id"])
    assert list(register["score"]) == list(expected["score"])


# Bad values and bad files ------------------------------------------------------------------


def test_a_bad_value_in_a_template_is_named_by_row_and_column():
    """A score of 7 (typed past Excel's check) is refused next to the button; nothing changes."""
    book = workbook("initiatives")
    rows = data.synthetic("roadmap_initiatives").head(4).copy()
    rows.loc[1, "impact"] = 7
    fill(book, "initiatives", rows)
    app = roadmap_builder.Builder()
    before = app.table.copy()
    app.upload.value = upload_value("bad.xlsx", saved(book))
    message = app.upload_message.value
    assert "dgt-field-error" in message and "bad.xlsx" in message
    assert "Row 2, column &#x27;impact&#x27;" in message and "7" in message
    pd.testing.assert_frame_equal(app.table, before)

    book = workbook("risks")
    risks = data.synthetic("roadmap_risks").head(2).copy()
    risks["likelihood"] = risks["likelihood"].astype(object)
    risks.loc[1, "likelihood"] = 2.5
    fill(book, "risks", risks)
    with pytest.raises(UserError, match=r"^Row 2, column 'likelihood': '2.5' is not a whole"):
        roadmap.risk_register(cells.read_table(saved(book), "risks.xlsx"))


def test_a_bad_indicator_value_shows_beside_the_button():
    """A direction outside the list is reported with its row and column in the M&E dashboard."""
    book = workbook("indicators")
    plan = data.synthetic("me_indicators").head(2).copy()
    plan.loc[0, "direction"] = "up"
    fill(book, "indicators", plan)
    app = me_dashboard.Dashboard()
    app.upload_indicators.value = upload_value("plan.xlsx", saved(book))
    assert "dgt-field-error" in app.indicators_message.value
    assert "Row 1, column &#x27;direction&#x27;" in app.indicators_message.value
    assert app.synthetic


@pytest.mark.parametrize(
    ("name", "content", "key"),
    [
        ("broken.xlsx", b"PK\x03\x04 this is not a workbook", "cells.error.bad_xlsx"),
        ("broken.xlsx", b"plain text, not a zip", "cells.error.bad_xlsx"),
        ("old.xls", b"\xd0\xcf\x11\xe0" + bytes(60), "cells.error.old_xls"),
    ],
)
def test_a_damaged_or_foreign_file_is_one_readable_line(name, content, key):
    """A damaged workbook or an old .xls gives one line from the catalogue, in the app too."""
    with pytest.raises(UserError) as caught:
        cells.read_table(content, name)
    message = str(caught.value)
    assert "\n" not in message and "Traceback" not in message
    assert message.startswith(t(key, detail="@").split("@")[0])
    app = roadmap_builder.Builder()
    app.upload.value = upload_value(name, content)
    assert "dgt-field-error" in app.upload_message.value and name in app.upload_message.value


def test_an_empty_sheet_and_a_missing_file_are_one_line(tmp_path):
    """A workbook with nothing in it, and a path that is not there, name what is wrong."""
    book = openpyxl.Workbook()
    with pytest.raises(UserError, match="is empty"):
        cells.read_table(saved(book), "empty.xlsx")
    with pytest.raises(UserError, match="There is no file"):
        cells.read_xlsx(tmp_path / "none.xlsx")


def test_csv_uploads_still_load_and_xlsx_cells_read_like_csv():
    """A CSV upload is read as before; whole numbers from Excel come back without '.0'."""
    shipped = data.synthetic("roadmap_initiatives")
    app = roadmap_builder.Builder()
    app.upload.value = upload_value("mine.csv", shipped.to_csv(index=False).encode())
    assert "dgt-ok" in app.upload_message.value
    book = workbook("initiatives")
    fill(book, "initiatives", shipped.assign(cost=shipped["cost"].astype(float)))
    frame = cells.read_table(saved(book), "x.xlsx", sheet="initiatives")
    assert frame.loc[0, "cost"] == str(int(shipped.loc[0, "cost"]))
    assert frame.loc[0, "depends_on"] == ""
