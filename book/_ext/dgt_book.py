"""Sphinx extension for the offline book: Lao-aware search and glossary links.

- Search: Lao is written without spaces between words, so the index holds every Lao
  character cluster (a letter with its vowel and tone marks) and every pair of
  neighbouring clusters; the browser splits a Lao query the same way and finds pages
  that hold all its pairs. English words are indexed as usual (stemmed).
- Assets: vendored scripts load only on the pages that need them, and the live-code
  (thebe) scripts, which would reach a CDN, are left out. After the build, the theme's
  icon bundle becomes a small inline-SVG script, stylesheet rules no page can use are
  dropped and the icon fonts are cut to the glyphs left (course.publish.trim).
- Glossary: the first time a page uses a term from glossary.md, the term links there
  (`dgt book build` puts the glossary's terms in the config value dgt_glossary_terms,
  so a changed glossary re-reads every page).
"""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.search.en import SearchEnglish
from sphinx.transforms import SphinxTransform

from course.publish import trim

LAO_RUN = re.compile(r"[\u0E80-\u0EFF]+")
LAO_CLUSTER = re.compile(r"[\u0E80-\u0EFF][\u0EB1\u0EB4-\u0EBC\u0EC8-\u0ECE]*")
OTHER_WORD = re.compile(r"[^\W\u0E80-\u0EFF]+")
TOKEN = re.compile(r"[\u0E80-\u0EFF]+|[^\W\u0E80-\u0EFF]+")


def lao_terms(run: str, query: bool = False) -> list[str]:
    """The index terms of one run of Lao text: clusters and pairs of clusters.

    A query uses only the pairs (or the one cluster of a one-cluster query), so a
    page must hold every pair of the query to match.
    """
    clusters = LAO_CLUSTER.findall(run)
    pairs = [a + b for a, b in itertools.pairwise(clusters)]
    if query:
        return pairs or clusters
    return clusters + pairs


def split_words(text: str) -> list[str]:
    """Split text into index terms: English (and other) words, and Lao clusters and pairs."""
    words: list[str] = []
    for token in TOKEN.findall(text):
        if LAO_RUN.fullmatch(token):
            words.extend(lao_terms(token))
        else:
            words.append(token)
    return words


# The same splitting in the browser (searchtools.js calls splitQuery on the query).
JS_SPLITTER = r"""
function splitQuery(query) {
  const cluster = /[\u0E80-\u0EFF][\u0EB1\u0EB4-\u0EBC\u0EC8-\u0ECE]*/gu;
  const terms = [];
  const tokens = query.match(/[\u0E80-\u0EFF]+|(?:(?![\u0E80-\u0EFF])[\p{L}\p{N}_])+/gu) || [];
  for (const token of tokens) {
    if (/^[\u0E80-\u0EFF]+$/u.test(token)) {
      const clusters = token.match(cluster) || [];
      if (clusters.length < 2) { terms.push(...clusters); continue; }
      for (let i = 0; i + 1 < clusters.length; i++) terms.push(clusters[i] + clusters[i + 1]);
    } else {
      terms.push(token);
    }
  }
  return terms;
}
"""


class SearchEnglishAndLao(SearchEnglish):
    """English search (stemmed) that also indexes Lao text by character clusters."""

    js_splitter_code = JS_SPLITTER

    def split(self, input: str) -> list[str]:
        return split_words(input)


SKIP = (
    nodes.title,
    nodes.subtitle,
    nodes.literal,
    nodes.literal_block,
    nodes.reference,
    nodes.raw,
    nodes.math,
    nodes.math_block,
    nodes.term,
    nodes.caption,
    nodes.rubric,
    addnodes.pending_xref,
    addnodes.glossary,
    addnodes.toctree,
)


def _pattern(term: str) -> re.Pattern[str]:
    flags = 0 if term.isupper() else re.IGNORECASE
    return re.compile(rf"(?<![\w-]){re.escape(term)}(?![\w-])", flags)


class LinkGlossaryTerms(SphinxTransform):
    """Link the first use of each glossary term on a page to its glossary entry."""

    default_priority = 800

    def apply(self, **kwargs: object) -> None:
        docname = self.env.docname
        if docname == "glossary":
            return
        terms = self.app.config.dgt_glossary_terms
        for term in terms:
            pattern = _pattern(term)
            for text in self.document.findall(nodes.Text):
                if _inside(text, SKIP) or _in_output(text):
                    continue
                match = pattern.search(text.astext())
                if match:
                    _link(text, match, term, docname)
                    break


def _inside(node: nodes.Node, kinds: tuple[type, ...]) -> bool:
    parent = node.parent
    while parent is not None:
        if isinstance(parent, kinds):
            return True
        parent = parent.parent
    return False


def _in_output(node: nodes.Node) -> bool:
    parent = node.parent
    while parent is not None:
        if isinstance(parent, nodes.Element) and "cell_output" in parent.get("classes", []):
            return True
        parent = parent.parent
    return False


def _link(text: nodes.Text, match: re.Match[str], term: str, docname: str) -> None:
    value = text.astext()
    xref = addnodes.pending_xref(
        "",
        nodes.inline(match.group(0), match.group(0), classes=["xref", "std", "std-term"]),
        refdomain="std",
        reftype="term",
        reftarget=term,
        refexplicit=True,
        refwarn=True,
        refdoc=docname,
    )
    parts: list[nodes.Node] = []
    if match.start():
        parts.append(nodes.Text(value[: match.start()]))
    parts.append(xref)
    if match.end() < len(value):
        parts.append(nodes.Text(value[match.end() :]))
    text.parent.replace(text, parts)


def drop_vendored_assets(app: Sphinx, config: Config) -> None:
    """Keep vendored scripts and styles off pages that do not ask for them.

    Jupyter Book adds every .js and .css file under _static to every page; the vendored
    MathJax and widget manager load only where Sphinx or MyST-NB ask for them.
    """
    for name in ("html_js_files", "html_css_files"):
        kept, seen = [], set()
        for entry in getattr(config, name):
            path = entry if isinstance(entry, str) else entry[0]
            if path.startswith(("vendor/", "fonts/")) or path in seen:
                continue
            seen.add(path)
            kept.append(entry)
        setattr(config, name, kept)


def drop_thebe(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Leave out the live-code (thebe) scripts: the book has no kernel and no network.

    sphinx-thebe adds them to every page (its configuration twice, which the browser
    reports as an error), and they would fetch thebe itself from a CDN.
    """
    scripts = context.get("script_files")
    if not scripts:
        return
    context["script_files"] = [
        script
        for script in scripts
        if "sphinx-thebe" not in str(getattr(script, "filename", script) or "")
        and "THEBE_JS_URL" not in str(getattr(script, "attributes", {}).get("body", ""))
    ]


# --- Lighter pages: the icons the book uses, and no search index on every page ----------

FA_CLASS = re.compile(r"\bfa-([a-z0-9]+(?:-[a-z0-9]+)*)")
FA_ICON = re.compile(r'"([a-z0-9-]+)":\[(\d+),(\d+),\[([^\]]*)\],"[0-9a-f]+","([^"]+)"\]')
SEARCH_SCRIPTS = re.compile(
    r'\s*<script src="[^"]*(?:_static/searchtools\.js|_static/language_data\.js|searchindex\.js)">'
    r"</script>"
)
ICON_SCRIPT = """/* Font Awesome Free 6 icons used by this book (icons CC BY 4.0, code MIT,
   https://fontawesome.com/license/free), cut from pydata-sphinx-theme's fontawesome.js
   by book/_ext/dgt_book.py: each <i class="fa-..."> becomes an inline SVG. */
(() => {
  const icons = %(icons)s;
  const style = document.createElement("style");
  style.textContent = %(css)s;
  document.head.appendChild(style);
  const swap = (element) => {
    const names = [...element.classList].filter((c) => c.startsWith("fa-")).map((c) => c.slice(3));
    const name = names.find((n) => icons[n]);
    if (!name) return;
    const [width, height, path] = icons[name];
    const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    svg.setAttribute("class", "svg-inline--fa " + element.getAttribute("class"));
    svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("data-icon", name);
    for (const attribute of element.attributes)
      if (!["class", "aria-hidden"].includes(attribute.name)) svg.setAttribute(attribute.name, attribute.value);
    const shape = document.createElementNS("http://www.w3.org/2000/svg", "path");
    shape.setAttribute("fill", "currentColor");
    shape.setAttribute("d", path);
    svg.appendChild(shape);
    element.replaceWith(svg);
  };
  const run = (root) => root.querySelectorAll("i[class*='fa-'], span[class*='fa-']").forEach(swap);
  const start = () => {
    run(document);
    new MutationObserver((changes) => changes.forEach((change) => change.addedNodes.forEach(
      (node) => node.nodeType === 1 && (node.matches("[class*='fa-']") ? swap(node) : run(node))
    ))).observe(document.body, { childList: true, subtree: true });
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
"""


def _theme_static() -> Path:
    import pydata_sphinx_theme

    return Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme" / "static"


def used_icons(outdir: Path) -> set[str]:
    """Every fa-* class name in the built pages and the themes' scripts."""
    names: set[str] = set()
    for path in [*outdir.rglob("*.html"), *(outdir / "_static" / "scripts").glob("*.js")]:
        if path.name != "fontawesome.js" and "_sources" not in path.parts:
            names |= set(FA_CLASS.findall(path.read_text(encoding="utf-8", errors="ignore")))
    return names


def icon_script(source: str, names: set[str]) -> str:
    """A small script that draws the solid icons in `names` as inline SVG."""
    start = source.index('d("far",')  # the solid icons follow the regular ones
    end = source.index('d("fas",', start)
    icons: dict[str, list] = {}
    for match in FA_ICON.finditer(source, start, end):
        name, width, height, aliases, path = match.groups()
        for alias in [name, *re.findall(r'"([a-z0-9-]+)"', aliases)]:
            if alias in names:
                icons[alias] = [int(width), int(height), path]
    css_start = source.index("':host,:root{--fa-font-solid") + 1
    css = source[css_start : source.index("'", css_start)]
    return ICON_SCRIPT % {"icons": json.dumps(icons, sort_keys=True), "css": json.dumps(css)}


def lighten_pages(app: Sphinx, exception: Exception | None) -> None:
    """Replace the 1.5 MB icon bundle; keep the search index on the search page only (the
    theme loads it on every page for a search-as-you-type box that this book switches
    off); then drop the stylesheet rules no page uses and cut the icon fonts to the
    glyphs left (course.publish.trim)."""
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    for page in outdir.rglob("*.html"):
        if page.name == "search.html" or "_static" in page.parts:
            continue
        text = page.read_text(encoding="utf-8")
        lighter = SEARCH_SCRIPTS.sub("", text)
        if lighter != text:
            page.write_text(lighter, encoding="utf-8")
    names = used_icons(outdir)
    static = _theme_static()
    scripts = outdir / "_static" / "scripts"
    source = (static / "scripts" / "fontawesome.js").read_text(encoding="utf-8")
    _write(scripts / "fontawesome.js", icon_script(source, names))
    for suffix in (".LICENSE.txt", ".map"):
        (scripts / f"fontawesome.js{suffix}").unlink(missing_ok=True)
    (outdir / "_static" / "styles" / "pydata-sphinx-theme.css.map").unlink(missing_ok=True)
    font_sources = static / "vendor" / "fontawesome" / "webfonts"
    trim.trim_book(outdir, font_sources, outdir.parent / f".{outdir.name}-trim")


def _write(path: Path, text: str) -> None:
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def link_other_edition(
    app: Sphinx, pagename: str, templatename: str, context: dict, doctree
) -> None:
    """Put a link to the same page in the book's other edition (English or Lao) on top.

    `dgt_other_edition` is {"root": the other edition's html folder relative to this one's,
    "label": the link's text}; empty (the default) adds nothing.
    """
    other = app.config.dgt_other_edition or {}
    if not other.get("root") or "body" not in context:
        return
    up = "../" * pagename.count("/")
    href = f"{up}{other['root'].rstrip('/')}/{pagename}.html"
    label = other.get("label", "")
    link = f'<p class="dgt-edition"><a href="{_escape(href)}" hreflang="{_escape(other.get("lang", ""))}">{_escape(label)}</a></p>'
    context["body"] = link + context["body"]


def _escape(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")
    )


def setup(app: Sphinx) -> dict[str, object]:
    app.add_search_language(SearchEnglishAndLao)
    app.connect("config-inited", drop_vendored_assets)
    app.connect("html-page-context", drop_thebe, priority=900)
    # after MyST-NB and the theme have copied their stylesheets at build-finished
    app.connect("build-finished", lighten_pages, priority=900)
    app.add_config_value("dgt_glossary_terms", [], "env")
    app.add_config_value("dgt_other_edition", {}, "html")
    app.connect("html-page-context", link_other_edition)
    app.add_transform(LinkGlossaryTerms)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
