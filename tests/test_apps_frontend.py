"""The apps' page script (course/serve/voila/frontend): built from its sources, offline, its words from the catalogue.

The script is committed built (dgt-apps.js and dgt-apps.css in the dgt template), so that
neither `make lab` nor `make test` needs Node.js. These tests notice a source changed
without `make frontend`, a stylesheet that would fetch from outside, a bundled package
without its licence, and a word the script shows that is not in the message catalogue.
How the page behaves in a browser is in test_apps_browser.py.
"""

from __future__ import annotations

import hashlib
import json
import re

from course.messages import t
from course.serve import app_server

FRONTEND = app_server.JUPYTER_DATA.parent / "frontend"
STATIC = app_server.JUPYTER_DATA / "voila" / "templates" / "dgt" / "static"
BUILT = [STATIC / "dgt-apps.js", STATIC / "dgt-apps.css"]


def source_hash() -> str:
    """The hash build.mjs writes on the first line: every source file, by name and content."""
    names = ["build.mjs", "package.json", "package-lock.json"]
    names += [f"src/{path.name}" for path in (FRONTEND / "src").iterdir()]
    digest = hashlib.sha256()
    for name in sorted(names):
        digest.update(f"{name}\n".encode())
        digest.update((FRONTEND / name).read_bytes())
        digest.update(b"\n")
    return digest.hexdigest()


def test_the_built_script_and_stylesheet_come_from_the_committed_sources():
    """Each built file names the hash of the sources it was built from: run `make frontend` if not."""
    expected = f"dgt-apps {source_hash()}"
    for path in BUILT:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert expected in first, (
            f"{path.name} is older than course/serve/voila/frontend: run make frontend"
        )


def test_the_dependencies_are_pinned_exactly():
    """package.json names exact versions and package-lock.json agrees, so a rebuild is repeatable."""
    manifest = json.loads((FRONTEND / "package.json").read_text())
    lock = json.loads((FRONTEND / "package-lock.json").read_text())
    wanted = {**manifest["dependencies"], **manifest["devDependencies"]}
    for name, version in wanted.items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", version), f"{name} is not pinned: {version}"
        assert lock["packages"][f"node_modules/{name}"]["version"] == version


def test_the_widget_libraries_match_the_python_ipywidgets():
    """The bundled controls speak the widget protocol of the installed ipywidgets (8: controls 2.0.0)."""
    import ipywidgets
    from ipywidgets.widgets.widget import __protocol_version__
    from ipywidgets.widgets.widget_core import __jupyter_widgets_controls_version__

    manifest = json.loads((FRONTEND / "package.json").read_text())
    assert ipywidgets.__version__.startswith("8.")
    assert __protocol_version__.startswith("2.")
    assert __jupyter_widgets_controls_version__.startswith("2.")
    # @jupyter-widgets/controls 5.x serves model version 2.x; base 6.x serves 2.x.
    assert manifest["dependencies"]["@jupyter-widgets/controls"].startswith("5.")
    assert manifest["dependencies"]["@jupyter-widgets/base"].startswith("6.")


def test_the_stylesheet_fetches_nothing_from_outside():
    """No @import and no url() to another host (the widgets' default variables import a web font)."""
    css = (STATIC / "dgt-apps.css").read_text(encoding="utf-8")
    assert "@import" not in css
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", css)
    assert "googleapis" not in (STATIC / "dgt-apps.js").read_text(encoding="utf-8")


def test_every_bundled_package_has_its_licence_next_to_the_script():
    """dgt-apps.LICENSES.txt names each direct dependency with its licence text or source."""
    text = (STATIC / "dgt-apps.LICENSES.txt").read_text(encoding="utf-8")
    manifest = json.loads((FRONTEND / "package.json").read_text())
    for name, version in manifest["dependencies"].items():
        assert f"{name} {version} (" in text
    assert "Copyright" in text


def test_every_word_the_script_shows_is_in_the_catalogue():
    """The keys the script asks for are the ones the page gives it, and the catalogue has them."""
    source = (FRONTEND / "src" / "index.js").read_text(encoding="utf-8")
    used = set(re.findall(r"message\('([\w.]+)'", source))
    given = json.loads(app_server.frontend_messages())
    assert used, "the script shows no catalogue words?"
    assert used <= set(given)
    for key, text in given.items():
        assert text == t(key)
    assert app_server.frontend_messages(key="loading") == t("apps.frontend.loading")


def test_the_messages_cannot_end_the_script_element(monkeypatch):
    """The JSON put inside <script> escapes < and >, so a translation with '</script>' stays text."""
    hostile = "Reload </script><script>alert(1)</script>"
    monkeypatch.setattr(app_server, "t", lambda key: hostile)
    page_text = app_server.frontend_messages()
    assert "<" not in page_text and ">" not in page_text
    assert set(json.loads(page_text).values()) == {hostile}
    assert "<" not in app_server.frontend_messages(key="loading")
