"""The app UIs without a browser: their helpers escape, label and export what the course functions give."""

import csv
import io
import json

import pandas as pd
import pytest

from course import data, indicators, maturity, roadmap
from course.errors import UserError
from course.messages import t
from course.serve.ui import (
    common,
    egdi_explorer,
    maturity_assessment,
    me_dashboard,
    roadmap_builder,
)


def test_table_escapes_cells_and_keeps_raw_columns():
    """Cell text is HTML-escaped unless the column is declared raw; numbers are right-aligned."""
    rows = pd.DataFrame({"name": ["<b>x</b>"], "badge": ["<i>ok</i>"], "n": [3]})
    html = common.table(rows, [("name", "Name"), ("badge", "B"), ("n", "N")], raw={"badge"})
    assert "&lt;b&gt;x&lt;/b&gt;" in html and "<i>ok</i>" in html and 'class="dgt-num"' in html


def test_download_link_is_a_data_url_with_the_content():
    """A download is a data: URL (nothing leaves the machine) holding exactly the content."""
    import base64

    link = common.download_link("a,b\n1,2\n", "x.csv", "text/csv")
    encoded = link.split("base64,")[1].split('"')[0]
    assert base64.b64decode(encoded) == b"a,b\n1,2\n" and 'download="x.csv"' in link


def test_svg_keeps_text_and_has_no_outside_links():
    """Charts are inline SVG with real text and no date or outside reference."""
    fig, ax = common.figure()
    ax.set_title("Sekong <PPA>")
    svg = common.svg(fig, "title")
    assert "Sekong &lt;PPA&gt;" in svg and "<dc:date>" not in svg and "purl.org" not in svg


def test_uploaded_reads_the_ipywidgets_8_value():
    """The (name, bytes) of a FileUpload value; nothing for an empty one."""
    value = ({"name": "a.csv", "content": memoryview(b"x"), "type": "text/csv", "size": 1},)
    assert common.uploaded(value) == ("a.csv", b"x") and common.uploaded(()) is None
    with pytest.raises(UserError, match=r"a\.csv"):
        common.decode("a.csv", b"\xff\xfe\xfa")


def test_show_adds_the_widget_state_only_on_the_apps_server(monkeypatch):
    """Under `dgt apps` the page gets every widget's state (for its page script); elsewhere not."""
    import IPython.display
    import ipywidgets

    from course.serve.app_server import PAGE_STATE_ENV

    shown: list[tuple[object, dict]] = []
    monkeypatch.setattr(IPython.display, "display", lambda obj, **kw: shown.append((obj, kw)))
    app = ipywidgets.VBox([ipywidgets.HTML("<b>x</b>"), ipywidgets.Dropdown(options=["a", "b"])])
    monkeypatch.delenv(PAGE_STATE_ENV, raising=False)
    common.show(app)
    assert shown == [(app, {})]

    shown.clear()
    monkeypatch.setenv(PAGE_STATE_ENV, "1")
    common.show(app)
    assert shown[0] == (app, {})
    bundle, options = shown[1]
    assert options == {"raw": True} and list(bundle) == [common.STATE_MIME]
    state = bundle[common.STATE_MIME]["state"]
    assert {app.model_id, *(child.model_id for child in app.children)} <= set(state)
    assert state[app.model_id]["state"]["children"] == [
        f"IPY_MODEL_{c.model_id}" for c in app.children
    ]
    json.dumps(bundle)  # it goes into the page as JSON
    for widget in (app, *app.children):
        widget.close()


def test_egdi_export_is_the_table_on_screen():
    """The EGDI CSV export holds the ASEAN rows of the chosen year, 3 decimals as shown."""
    shown = egdi_explorer.asean_table(2024, "egdi")
    rows = list(csv.DictReader(io.StringIO(shown.to_csv(index=False))))
    assert (
        len(rows) == len(data.asean(as_of=2024)) == 10
        and rows[0]["egdi"] == f"{shown['egdi'].iloc[0]:.3f}"
    )
    assert "Lao PDR" in egdi_explorer.peer_html(2024, "egdi")


def test_maturity_report_and_answers_file():
    """The report carries the scores table and escapes the organisation; the answers file loads back."""
    answers = {"SL1": 2, "SL2": 3}
    report = maturity_assessment.report_html(answers, 4, "<Sekong> PPA", "2025-03-14")
    assert "&lt;Sekong&gt; PPA" in report and "<Sekong>" not in report
    assert maturity_assessment.scores_html(maturity.score(answers)) in report
    saved = maturity_assessment.answers_file(answers, "Sekong PPA", "2025-03-14")
    loaded, meta = maturity_assessment.read_answers_file("a.json", saved)
    assert loaded == answers and meta["organisation"] == "Sekong PPA"
    with pytest.raises(UserError):
        maturity_assessment.read_answers_file("a.json", json.dumps({"x": 1}).encode())


def test_maturity_app_reacts_to_answers_and_a_bad_target():
    """Answering fills the scores; a target of 9 gives a message beside the target field."""
    app = maturity_assessment.Assessment()
    assert t("app.maturity-assessment.start") in app.message.value
    app.questions["SL1"].value = 2
    assert "dgt-score-table" in app.scores.value and app.target_error.value == ""
    app.target.value = 9
    assert "dgt-field-error" in app.target_error.value and app.gaps.value == ""
    app.target.value = 4
    assert app.target_error.value == "" and "dgt-gap-table" in app.gaps.value


def test_roadmap_errors_land_next_to_their_field():
    """A validation error is matched to its column in the edited row; a cycle to depends_on."""
    table = roadmap.validate(data.synthetic("roadmap_initiatives"))
    bad = roadmap_builder.with_row(table, {"cost": "lots"}, "I04")
    with pytest.raises(UserError) as caught:
        roadmap.validate(bad)
    assert roadmap_builder.field_of(caught.value, 4) == "cost"
    assert roadmap_builder.field_of(caught.value, 5) is None
    circle = roadmap_builder.with_row(table, {"depends_on": "I14"}, "I04")
    with pytest.raises(roadmap.CycleError) as caught:
        roadmap.validate(circle)
    assert roadmap_builder.field_of(caught.value, 4) == "depends_on"


def test_risk_levels_are_words_on_colours():
    """Each risk level on screen is its word inside a coloured label."""
    register = roadmap.risk_register(data.synthetic("roadmap_risks"))
    html = roadmap_builder.risks_html(register)
    for level in register["level"]:
        assert f'dgt-level-{level}">{t(f"roadmap.level.{level}")}</span>' in html


def test_me_progress_table_matches_track_and_labels_status():
    """The exported progress table has the tracked numbers and the status in words."""
    tracked = indicators.track(data.synthetic("me_indicators"), data.synthetic("me_actuals"))
    shown = me_dashboard.progress_table(tracked)
    assert list(shown["indicator_id"]) == list(tracked["indicator_id"])
    assert list(shown["status"]) == [indicators.status_label(s) for s in tracked["status"]]
    assert shown["progress_percent"].iloc[0] == round(tracked["progress"].iloc[0] * 100)
    html = me_dashboard.progress_html(tracked)
    for code in tracked["status"]:
        assert f"dgt-status-{code}" in html
    assert me_dashboard.value_label("civil_registration") == t(
        "app.me-dashboard.value.civil_registration"
    )
    assert me_dashboard.value_label("Sekong") == "Sekong"
