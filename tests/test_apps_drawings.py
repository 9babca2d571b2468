"""The apps' drawing cache: a visitor's first view comes drawn from the warm factory, a change draws anew, visitors stay apart."""

import pandas as pd
import pytest

from course import data
from course.messages import language_in_use, languages
from course.serve import app_zygote
from course.serve.ui import common, egdi_explorer, me_dashboard, roadmap_builder

# The app classes and the output widgets that hold their drawings.
APPS = {
    "egdi": (egdi_explorer.Explorer, "trend peers download gaps"),
    "roadmap": (
        roadmap_builder.Builder,
        "initiatives export ranking gantt schedule budget_chart budget risk_table heatmap",
    ),
    "me": (
        me_dashboard.Dashboard,
        "summary progress progress_chart downloads trend breakdown breakdown_chart survey_downloads",
    ),
}


def outputs(app: object, names: str) -> dict[str, str]:
    return {name: getattr(app, name).value for name in names.split()}


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts and ends with an empty drawing cache and no widgets left open."""
    import ipywidgets

    common.forget_drawings()
    yield
    common.forget_drawings()
    ipywidgets.Widget.close_all()


@pytest.mark.parametrize("name", sorted(APPS))
def test_first_view_comes_from_the_cache_and_equals_a_fresh_drawing(name):
    """After the factory's draw_defaults, opening the app draws nothing, and shows what a fresh drawing shows."""
    cls, names = APPS[name]
    fresh = outputs(cls(), names)
    assert common.DRAWING_STATS["drawn"] > 0
    common.forget_drawings()
    app_zygote.draw_defaults()
    drawn_by_factory = common.DRAWING_STATS["drawn"]
    assert drawn_by_factory > 0
    cached = outputs(cls(), names)
    assert common.DRAWING_STATS["drawn"] == drawn_by_factory  # nothing drawn for the visitor
    assert common.DRAWING_STATS["hits"] > 0
    assert cached == fresh
    assert all(cached.values()), [k for k, v in cached.items() if not v]


def test_a_changed_control_draws_anew_and_the_other_visitor_keeps_theirs():
    """One visitor picks another year: their tables and charts change; the other visitor's stay as they were."""
    app_zygote.draw_defaults()
    mine, theirs = egdi_explorer.Explorer(), egdi_explorer.Explorer()
    before = outputs(theirs, "trend peers download gaps")
    drawn = common.DRAWING_STATS["drawn"]
    other_year = next(y for y in data.EGDI_YEARS if y != egdi_explorer.DEFAULT_YEAR)
    mine.year.value = other_year
    assert common.DRAWING_STATS["drawn"] == drawn + 1
    assert mine.peers.value != before["peers"] and mine.gaps.value != before["gaps"]
    assert str(other_year) in mine.download.value or f"-{other_year}" in mine.download.value
    assert outputs(theirs, "trend peers download gaps") == before
    # back to the default year: the first drawing again, from the cache
    mine.year.value = egdi_explorer.DEFAULT_YEAR
    assert common.DRAWING_STATS["drawn"] == drawn + 1
    assert outputs(mine, "trend peers download gaps") == before


def test_an_edited_roadmap_is_drawn_for_its_own_table():
    """A changed initiative table gets a drawing of its own (the key is the table's content)."""
    app_zygote.draw_defaults()
    app = roadmap_builder.Builder()
    before = app.initiatives.value
    drawn = common.DRAWING_STATS["drawn"]
    app.table = app.table.iloc[:-1].reset_index(drop=True)
    app.refresh()
    assert common.DRAWING_STATS["drawn"] == drawn + 1 and app.initiatives.value != before


def test_fingerprint_follows_the_content():
    """Equal frames have equal fingerprints; a changed cell, column or type changes it."""
    frame = pd.DataFrame({"a": [1, 2], "b": ["x", "y"]})
    assert common.fingerprint(frame) == common.fingerprint(frame.copy())
    changed = frame.copy()
    changed.loc[1, "b"] = "z"
    assert common.fingerprint(changed) != common.fingerprint(frame)
    assert common.fingerprint(frame.rename(columns={"a": "c"})) != common.fingerprint(frame)
    assert common.fingerprint(frame.astype({"a": float})) != common.fingerprint(frame)


def test_the_cache_is_per_language_and_bounded(monkeypatch):
    """A drawing is kept per language; the oldest goes when the cache is full."""
    calls = []

    def draw() -> str:
        calls.append(1)
        return f"drawing {len(calls)}"

    assert common.drawn(("k",), draw) == common.drawn(("k",), draw) == "drawing 1"
    other = next((lang for lang in languages() if lang != "en"), None)
    if other is not None:
        with language_in_use(other):
            assert common.drawn(("k",), draw) == "drawing 2"
    monkeypatch.setattr(common, "MAX_DRAWINGS", 2)
    common.drawn(("m",), draw)
    common.drawn(("n",), draw)
    assert len(common._DRAWINGS) <= 2


def test_factory_reads_requests_line_by_line_and_sees_what_waits():
    """The factory's request reader: nothing waiting, then two requests in one write, then the end."""
    import json
    import os

    read_end, write_end = os.pipe()
    try:
        requests = app_zygote.Requests(read_end)
        assert not requests.waiting()
        os.write(
            write_end,
            (json.dumps({"argv": ["a"]}) + "\n" + json.dumps({"argv": ["b"]}) + "\n").encode(),
        )
        assert requests.waiting()
        assert requests.next() == {"argv": ["a"]}
        assert requests.waiting()  # the second one is in the reader's buffer, not the pipe
        assert requests.next() == {"argv": ["b"]}
        os.close(write_end)
        write_end = -1
        assert requests.next() is None
    finally:
        os.close(read_end)
        if write_end >= 0:
            os.close(write_end)


def test_page_templates_are_compiled_once_per_server():
    """Two Jinja environments (two page renders) share compiled templates; a changed template compiles again."""
    import jinja2

    from course.serve import app_server

    cache = app_server._template_bytecode_cache()
    templates = {"page.html": "<p>{{ name }}</p>"}
    compiled = []

    class Counting(jinja2.Environment):
        def _compile(self, source, filename):
            compiled.append(filename)
            return super()._compile(source, filename)

    def render(name: str) -> str:
        env = Counting(loader=jinja2.DictLoader(templates), bytecode_cache=cache)
        return env.get_template("page.html").render(name=name)

    assert render("a") == "<p>a</p>" and render("b") == "<p>b</p>"
    assert len(compiled) == 1
    templates["page.html"] = "<h1>{{ name }}</h1>"
    assert render("c") == "<h1>c</h1>" and len(compiled) == 2


def test_the_server_skips_the_slow_optional_imports():
    """In the apps server the IRI checker's grammar library is never loaded (jsonschema does without it)."""
    import subprocess
    import sys

    code = (
        "import sys; from course.serve import app_server; app_server._skip_slow_imports();"
        "import jsonschema._format, voila.app; "
        "print(sys.modules.get('rfc3987_syntax') is None)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "True"


def test_comms_are_silent_until_show_and_still_register():
    """A pre-run app's widget messages are held back (the comms still open); `show` lets them through again."""
    import comm
    import ipykernel.ipkernel  # noqa: F401 (makes comm.create_comm give a kernel's comms, as in an app kernel)
    import ipywidgets

    common.silence_comms()
    try:
        before = common._SILENT["dropped"]
        slider = ipywidgets.IntSlider()
        assert common._SILENT["dropped"] > before  # its comm_open went nowhere
        assert comm.get_comm_manager().get_comm(slider.comm.comm_id) is slider.comm
        common.show(slider)
        dropped = common._SILENT["dropped"]
        slider.value = 3
        assert common._SILENT["dropped"] == dropped  # after show: sent the usual way
    finally:
        common.speak_comms()
