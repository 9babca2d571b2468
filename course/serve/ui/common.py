"""Building blocks shared by the app UIs: messages, HTML tables, charts as SVG, downloads, uploads.

Everything returns plain HTML strings (escaped) or small values, so the UIs can be
tested without a browser. Charts are matplotlib figures made without pyplot and
written as inline SVG with real text, so a screen reader (and a test) can read them.
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import math
import numbers
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import pandas as pd

from course.messages import get_language, t
from course.serve.app_server import PAGE_STATE_ENV

Formatter = Callable[[Any], str]

# The drawing cache: what the apps show for given inputs, made once per process. Every
# visitor's first view of an app is the same, so the warm kernel factory draws the
# default views before it forks (course/serve/app_zygote.py) and each kernel finds them
# here; only a visitor who changes a control pays for a new drawing. The values are
# immutable (strings, tuples of strings), and each kernel is a process of its own, so
# no visitor's drawing reaches another.
_DRAWINGS: dict[tuple, Any] = {}
MAX_DRAWINGS = 256  # kept per process at most (a visitor's own drawings included)
DRAWING_STATS = {"hits": 0, "drawn": 0}


def drawn(key: tuple, draw: Callable[[], Any]) -> Any:
    """What `draw()` returns for `key` in the current language: made the first time, reused after.

    `draw` must return an immutable value (a string, or a tuple of strings) that depends
    only on `key` and the language; `key` holds only hashable, immutable values (use
    `fingerprint` for a data frame).
    """
    full = (get_language(), *key)
    found = _DRAWINGS.get(full)
    if found is not None:
        DRAWING_STATS["hits"] += 1
        return found
    value = draw()
    DRAWING_STATS["drawn"] += 1
    if len(_DRAWINGS) >= MAX_DRAWINGS:
        _DRAWINGS.pop(next(iter(_DRAWINGS)))  # the oldest goes
    _DRAWINGS[full] = value
    return value


def forget_drawings() -> None:
    """Empty the drawing cache (and its counters)."""
    _DRAWINGS.clear()
    DRAWING_STATS.update(hits=0, drawn=0)


def fingerprint(*frames: pd.DataFrame) -> str:
    """A short digest of data frames' columns, index and values (equal frames, equal digest)."""
    digest = hashlib.blake2b(digest_size=16)
    for frame in frames:
        digest.update(repr((list(frame.columns), [str(d) for d in frame.dtypes])).encode())
        digest.update(pd.util.hash_pandas_object(frame, index=True).to_numpy().tobytes())
    return digest.hexdigest()


def esc(value: object) -> str:
    """HTML-escape any value shown on screen."""
    return html.escape(str(value))


def message(text: str, kind: str = "error") -> str:
    """One message line ("error", "ok" or "info"); errors are announced to screen readers."""
    role = ' role="alert"' if kind == "error" else ""
    return f'<p class="dgt-message dgt-{kind}"{role}>{esc(text)}</p>'


def field_error(text: str) -> str:
    """A short message shown right next to the field it is about (empty text: nothing)."""
    if not text:
        return ""
    return f'<span class="dgt-field-error" role="alert">{esc(text)}</span>'


def number(value: object, digits: int = 2) -> str:
    """A number for the screen: fixed digits, empty for a missing value."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    try:
        return f"{float(value):,.{digits}f}"  # numpy numbers
    except (TypeError, ValueError):
        return str(value)


def whole(value: object) -> str:
    """A whole number such as a year, without thousands commas; empty for a missing value."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(int(value))


def percent(value: object, digits: int = 0) -> str:
    """A share 0..1 as a percentage, empty for a missing value."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    return f"{float(value) * 100:.{digits}f}%"


def table(
    rows: pd.DataFrame,
    columns: Sequence[tuple[str, str]],
    *,
    formats: Mapping[str, Formatter] | None = None,
    raw: Iterable[str] = (),
    caption: str | None = None,
    css_class: str = "",
    row_class: Callable[[pd.Series], str] | None = None,
) -> str:
    """An HTML table of `rows`: `columns` are (column, header text) pairs.

    Cells are escaped, except the columns named in `raw` (already-safe HTML made by
    a formatter here). Numbers are right-aligned.
    """
    formats = dict(formats or {})
    raw = set(raw)
    head = "".join(f"<th scope='col'>{esc(label)}</th>" for _, label in columns)
    body = []
    for _, row in rows.iterrows():
        cells = []
        for column, _ in columns:
            value = row[column]
            text = formats[column](value) if column in formats else value
            numeric = isinstance(value, numbers.Number) and not isinstance(value, bool)
            text = "" if text is None or (isinstance(text, float) and math.isnan(text)) else text
            shown = str(text) if column in raw else esc(text)
            cls = ' class="dgt-num"' if numeric else ""
            cells.append(f"<td{cls} data-column='{esc(column)}'>{shown}</td>")
        name = row_class(row) if row_class else ""
        extra = f' class="{esc(name)}"' if name else ""
        body.append(f"<tr{extra}>{''.join(cells)}</tr>")
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    return (
        f'<table class="dgt-table {esc(css_class)}">{cap}<thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def headers(prefix: str, columns: str) -> list[tuple[str, str]]:
    """The (column, header text) pairs of `table`, the texts from the catalogue under `prefix`.

    `columns` names the columns in order, separated by spaces; each has the header
    `<prefix>.<column>`, or `<prefix>.<key>` when written `column:key`.
    """
    pairs = []
    for column in columns.split():
        name, _, key = column.partition(":")
        pairs.append((name, t(f"{prefix}.{key or name}")))
    return pairs


def name_widgets(owner: object, attributes: str) -> None:
    """Give each named widget of `owner` the CSS class `dgt-<name>` (pages and tests find it so).

    `attributes` lists attribute names separated by spaces; the class is the name with `-`
    for `_`, or the part after a colon: `summary:summary-out`.
    """
    for entry in attributes.split():
        attribute, _, name = entry.partition(":")
        getattr(owner, attribute).add_class(f"dgt-{name or attribute.replace('_', '-')}")


def figure(width: float = 7, height: float = 4, constrained: bool = True):
    """A new matplotlib Figure and Axes, made without pyplot (nothing global is kept).

    `constrained=False` leaves the layout to the chart function (e.g. one that calls
    tight_layout itself).
    """
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout="constrained" if constrained else None)
    if constrained:  # room for the source line at the foot
        fig.get_layout_engine().set(rect=(0, 0.05, 1, 0.95))
    return fig, fig.subplots()


def svg(fig, label: str = "") -> str:
    """The figure as inline SVG inside a div; text stays text (readable, searchable)."""
    import matplotlib

    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "dgt"}):
        fig.savefig(
            buffer,
            format="svg",
            metadata={"Date": None, "Creator": None, "Format": None, "Type": None},
        )
    text = buffer.getvalue()
    text = text[text.index("<svg") :]
    aria = f' role="img" aria-label="{esc(label)}"' if label else ""
    return f'<div class="dgt-chart"{aria}>{text}</div>'


def download_link(content: str | bytes, filename: str, mime: str) -> str:
    """A link that saves `content` as `filename` in the browser (a data: URL, nothing leaves)."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    encoded = base64.b64encode(data).decode("ascii")
    return (
        f'<p class="dgt-download"><a download="{esc(filename)}" '
        f'href="data:{esc(mime)};base64,{encoded}">{esc(t("apps.download", name=filename))}</a></p>'
    )


def uploaded(value: object) -> tuple[str, bytes] | None:
    """The (name, content) of the file in an ipywidgets 8 FileUpload value, or None."""
    if not value:
        return None
    item = value[0] if isinstance(value, list | tuple) else next(iter(value.values()))
    content = item["content"]
    return str(item["name"]), bytes(content)


def decode(name: str, content: bytes) -> str:
    """An uploaded text file as a string (UTF-8, with or without a byte-order mark)."""
    from course.errors import UserError

    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UserError(t("apps.not_utf8", name=name)) from error


#: The files the import buttons accept: CSV, or the Excel templates of `dgt book worksheets`.
TABLE_FILES = ".csv,.xlsx"


def read_upload(name: str, content: bytes, sheet: str | None = None) -> pd.DataFrame:
    """An uploaded table as text cells: a CSV file, or an Excel workbook (.xlsx).

    From a workbook, the sheet named `sheet` if it has one, else the first sheet (as in
    the templates). A damaged or foreign file raises one readable UserError.
    """
    from course import cells

    if cells.is_xlsx(name, content) or content[:4] == cells.XLS_MAGIC:
        return cells.read_xlsx(content, sheet)
    return cells.read_csv(io.StringIO(decode(name, content)))


def synthetic_banner(name: str) -> str:
    """The SYNTHETIC label of a shipped dataset, shown above what comes from it."""
    from course import data

    return f'<p class="dgt-synthetic">{esc(data.synthetic_label(name))}</p>'


def home_link() -> str:
    """A link back to the landing page of the apps server."""
    base = os.environ.get("VOILA_BASE_URL", "/") or "/"
    return f'<p class="dgt-home"><a href="{esc(base)}">← {esc(t("apps.home"))}</a></p>'


STATE_MIME = "application/vnd.dgt.widget-state+json"


def show(app: Any) -> None:
    """Display an app's widget; on the apps server also the state of every widget.

    In JupyterLab this is a plain `display(app)`. Under `dgt apps` a second output carries
    `Widget.get_manager_state()` (the same state the page would otherwise ask the kernel
    for once connected, see course/serve/voila/frontend), as a type no other front end shows.
    """
    from IPython.display import display

    display(app)
    if os.environ.get(PAGE_STATE_ENV) == "1":
        import ipywidgets

        display({STATE_MIME: ipywidgets.Widget.get_manager_state(drop_defaults=False)}, raw=True)
    speak_comms()


# A kernel of the apps server builds its app before any page is connected (Voila runs it
# ahead, for the pool), and the page draws the widgets from the state that `show` writes
# into it. The comm messages of that build (one "comm_open" per widget, "update" after
# each change: hundreds for the self-assessment) would reach only the server, which
# decodes and drops them. The warm factory (course/serve/app_zygote.py) makes each kernel
# start with them held back; `show` lets them through again, so that everything after it
# (a visitor's clicks, widgets made later) goes to the page as usual.
_SILENT = {"on": False, "dropped": 0}


def silence_comms() -> None:
    """Drop the widget comms' messages until `speak_comms` (the comms themselves still open and register)."""
    from ipykernel.comm.comm import BaseComm
    from ipykernel.kernelbase import Kernel

    if not getattr(BaseComm.publish_msg, "dgt_silent", False):
        publish = BaseComm.publish_msg

        def publish_msg(self, *args: Any, **kwargs: Any) -> None:
            if _SILENT["on"]:
                _SILENT["dropped"] += 1
                # as the real one does: ipywidgets sends nothing on a comm without its kernel
                if self.kernel is None and Kernel.initialized():
                    self.kernel = Kernel.instance()
                return None
            return publish(self, *args, **kwargs)

        publish_msg.dgt_silent = True  # type: ignore[attr-defined]
        BaseComm.publish_msg = publish_msg
    _SILENT["on"] = True


def speak_comms() -> None:
    """Let the widget comms' messages through again (after `silence_comms`)."""
    _SILENT["on"] = False
