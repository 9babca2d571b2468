"""Sphinx extension for the offline book: Lao-aware search and glossary links.

- Search: Lao is written without spaces between words, so the index holds every Lao
  character cluster (a letter with its vowel and tone marks) and every pair of
  neighbouring clusters; the browser splits a Lao query the same way and finds pages
  that hold all its pairs. English words are indexed as usual (stemmed).
- Assets: vendored scripts load only on the pages that need them, and the live-code
  (thebe) scripts, which would reach a CDN, are left out.
- Glossary: the first time a page uses a term from glossary.md, the term links there
  (`dgt book build` puts the glossary's terms in the config value dgt_glossary_terms,
  so a changed glossary re-reads every page).
"""

from __future__ import annotations

import itertools
import re

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.search.en import SearchEnglish
from sphinx.transforms import SphinxTransform

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


def setup(app: Sphinx) -> dict[str, object]:
    app.add_search_language(SearchEnglishAndLao)
    app.connect("config-inited", drop_vendored_assets)
    app.connect("html-page-context", drop_thebe, priority=900)
    app.add_config_value("dgt_glossary_terms", [], "env")
    app.add_transform(LinkGlossaryTerms)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
