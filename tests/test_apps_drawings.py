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


# --- the first views kept on disk between starts (common.save_drawings / load_drawings) ---


def test_kept_drawings_round_trip_and_the_app_then_draws_nothing(tmp_path):
    """Saved, forgotten, loaded: the same drawings (tuples stay tuples), and opening the app draws nothing."""
    app_zygote.draw_defaults()
    before = dict(common._DRAWINGS)
    path = common.drawings_file("k1", tmp_path / "dgt")
    assert common.save_drawings(path, "k1") == len(before) > 0
    assert path.stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "dgt").stat().st_mode & 0o777 == 0o700
    common.forget_drawings()
    assert common.load_drawings(path, "k1") == len(before)
    assert before == common._DRAWINGS
    assert all(type(common._DRAWINGS[k]) is type(v) for k, v in before.items())
    cls, names = APPS["egdi"]
    assert all(outputs(cls(), names).values())
    assert common.DRAWING_STATS["drawn"] == 0 and common.DRAWING_STATS["hits"] > 0


def test_a_drawings_file_for_another_digest_is_not_used_and_is_replaced(tmp_path):
    """A file made for another digest gives nothing; saving for the new digest removes it."""
    common.drawn(("k",), lambda: "old drawing")
    old = common.drawings_file("old", tmp_path)
    common.save_drawings(old, "old")
    common.forget_drawings()
    new = common.drawings_file("new", tmp_path)
    old.rename(new)  # the right name, but made for another digest
    assert common.load_drawings(new, "new") == 0 and not common._DRAWINGS
    common.save_drawings(common.drawings_file("old", tmp_path), "old")
    common.drawn(("k",), lambda: "new drawing")
    common.save_drawings(new, "new")
    assert [p.name for p in tmp_path.iterdir()] == [new.name]


@pytest.mark.parametrize(
    "content",
    [
        b"\x80\x81 not json",
        b'{"format": 1, "key": "k", "drawings": [[["en", "a"], "x"]]',  # cut short
        b'{"format": 99, "key": "k", "drawings": []}',
        b'["format", 1]',
        b'{"format": 1, "key": "k", "drawings": [[["en", "a"], {"code": "x"}]]}',
        b'{"format": 1, "key": "k", "drawings": [[["en", "a"], ["x", 1]]]}',
        b'{"format": 1, "key": "k", "drawings": [[["en", {"a": 1}], "x"]]}',
        b'{"format": 1, "key": "k", "drawings": [["en", "x"]]}',
        b'{"format": 1, "key": "k", "drawings": [[["en", "a"], "x", "y"]]}',
    ],
)
def test_a_corrupt_drawings_file_is_ignored_as_a_whole(tmp_path, content):
    """Anything but a well-formed file of string drawings for this digest is ignored (nothing loaded)."""
    path = tmp_path / "drawings-k.json"
    path.write_bytes(content)
    path.chmod(0o600)
    assert common.load_drawings(path, "k") == 0
    assert not common._DRAWINGS


def test_a_foreign_drawings_file_is_ignored(tmp_path):
    """A file that others may write, or that another user owns, is not trusted; a missing file gives nothing."""
    import os

    path = tmp_path / "drawings-k.json"
    path.write_text('{"format": 1, "key": "k", "drawings": [[["en", "a"], "x"]]}')
    path.chmod(0o600)
    assert common.load_drawings(path, "k") == 1
    common.forget_drawings()
    path.chmod(0o666)
    assert common.load_drawings(path, "k") == 0
    path.chmod(0o600)
    if os.getuid() == 0:  # as root the file can be given to another user
        os.chown(path, 65534, 65534)
        assert common.load_drawings(path, "k") == 0
    assert common.load_drawings(tmp_path / "missing.json", "k") == 0
    assert not common._DRAWINGS


def test_the_digest_follows_the_code_data_and_language(tmp_path, monkeypatch):
    """A changed file of the package or another language gives another digest; compiled files do not count."""
    package = tmp_path / "course"
    (package / "data").mkdir(parents=True)
    (package / "__pycache__").mkdir()
    (package / "app.py").write_text("x = 1\n")
    (package / "data" / "table.csv").write_text("a\n1\n")
    monkeypatch.setattr(common, "_COURSE", package)
    first = common.drawings_key()
    assert common.drawings_key() == first
    (package / "__pycache__" / "app.pyc").write_bytes(b"compiled")
    assert common.drawings_key() == first
    (package / "data" / "table.csv").write_text("a\n2\n")
    second = common.drawings_key()
    assert second != first
    (package / "app.py").write_text("x = 2\n")
    assert common.drawings_key() != second
    other = next(lang for lang in languages() if lang != "en")
    english = common.drawings_key()
    with language_in_use(other):
        assert common.drawings_key() != english


def test_the_cache_folder_is_per_user(monkeypatch, tmp_path):
    """$XDG_CACHE_HOME/dgt when it is an absolute path, else ~/.cache/dgt."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert common.cache_folder() == tmp_path / "dgt"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert common.cache_folder() == tmp_path / "home" / ".cache" / "dgt"


def test_the_factory_draws_what_the_kept_file_lacks_and_keeps_it(tmp_path):
    """Kept drawings from an earlier start are taken; a first view they lack is drawn and the file updated."""
    app_zygote.draw_defaults()
    everything = dict(common._DRAWINGS)
    missing = next(k for k in everything if "egdi-explorer" in k)
    del common._DRAWINGS[missing]
    kept = (common.drawings_file("k", tmp_path), "k")
    common.save_drawings(*kept)
    common.forget_drawings()
    assert app_zygote.load_drawings(kept)
    assert common.DRAWING_STATS["drawn"] == 1 and everything == common._DRAWINGS
    common.forget_drawings()
    assert common.load_drawings(*kept) == len(everything)
    common.forget_drawings()
    assert not app_zygote.load_drawings((common.drawings_file("other", tmp_path), "other"))
    assert not app_zygote.load_drawings(None)


@pytest.mark.slow
def test_a_cold_factory_forks_a_visitor_first_draws_aside_and_keeps_the_drawings(
    tmp_path, monkeypatch
):
    """No drawings kept: the factory is ready at once, forks a visitor's kernel while a pool kernel waits for
    the drawer, keeps the drawings on disk; the next factory has them before it says ready."""
    from course.serve.app_factory import KernelFactory

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("DGT_LANG", "en")

    def ask(factory: KernelFactory, name: str, ahead: bool):
        argv = ["-f", str(tmp_path / f"kernel-{name}.json")]
        request = factory._request(argv, {"DGT_LANG": "en"}, str(tmp_path), ahead)
        return factory.start().ask(request)

    cold = KernelFactory()
    try:
        assert cold.ready["drawn"] is False
        pool = ask(cold, "pool", ahead=True)
        visitor = ask(cold, "visitor", ahead=False)
        assert visitor.result(60)["pid"] > 0
        assert not pool.done()  # still waiting for the drawer
        assert pool.result(60)["pid"] > 0
        kept = list((tmp_path / "cache" / "dgt").glob("drawings-*.json"))
        assert len(kept) == 1 and kept[0].stat().st_mode & 0o777 == 0o600
    finally:
        cold.close()
    warm = KernelFactory()
    try:
        assert warm.ready["drawn"] is True
        assert ask(warm, "pool", ahead=True).result(10)["pid"] > 0  # no waiting now
    finally:
        warm.close()
