"""Building blocks shared by the app UIs: messages, HTML tables, charts as SVG, downloads, uploads, the drawing cache.

Everything returns plain HTML strings (escaped) or small values, so the UIs can be
tested without a browser. Charts are matplotlib figures made without pyplot and
written as inline SVG with real text, so a screen reader (and a test) can read them.
What the apps draw is cached per process (`drawn`), and the apps' first views are kept
on disk between starts of the apps server (`save_drawings`, `load_drawings`: JSON of
strings in the user's cache folder, keyed by a digest of the code, data and language).
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import json
import math
import numbers
import os
import stat
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
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


# The drawings are also kept on disk between starts of the apps server, so that the
# factory has the first views before it says ready (a cold start then draws nothing).
# One JSON file of strings per digest of what they depend on (drawings_key): the
# `course` package's files (its code, data and message catalogues), the libraries that
# draw, and the language. Never pickle: a file that is corrupt, foreign (another owner,
# writable by others) or made for another digest is ignored, and only strings come out.
DRAWINGS_FORMAT = 1
MAX_DRAWINGS_BYTES = 32 * 1024 * 1024  # a bigger file is not ours: ignored
_COURSE = Path(__file__).resolve().parents[2]  # the `course` package
_NOT_DRAWN_FROM = ("__pycache__", "voila")  # folders no drawing depends on (the page template)


def cache_folder() -> Path:
    """This user's cache folder for the course: $XDG_CACHE_HOME/dgt, else ~/.cache/dgt."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    root = Path(base) if os.path.isabs(base) else Path.home() / ".cache"
    return root / "dgt"


def drawings_key() -> str:
    """A digest of everything the apps' drawings depend on (the code, the data, the language).

    Every file of the `course` package (its content), the versions of Python, pandas,
    numpy and matplotlib, matplotlib's settings, the format of the file and the language.
    """
    import matplotlib
    import numpy

    digest = hashlib.blake2b(digest_size=16)
    settings = sorted((k, repr(v)) for k, v in matplotlib.rcParams.items())
    for part in (
        DRAWINGS_FORMAT,
        get_language(),
        sys.version,
        pd.__version__,
        numpy.__version__,
        matplotlib.__version__,
        settings,
    ):
        digest.update(repr(part).encode() + b"\0")
    for path in sorted(_COURSE.rglob("*")):
        relative = path.relative_to(_COURSE)
        if path.is_file() and not set(relative.parts) & set(_NOT_DRAWN_FROM):
            digest.update(str(relative).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def drawings_file(key: str, folder: Path | None = None) -> Path:
    """The file that keeps the drawings made for `key`."""
    return (folder or cache_folder()) / f"drawings-{key}.json"


def _from_json(item: Any) -> Any:
    """A JSON value back as it was drawn: lists as tuples; anything but plain values raises ValueError."""
    if isinstance(item, list):
        return tuple(_from_json(part) for part in item)
    if item is None or isinstance(item, str | int | float | bool):
        return item
    raise ValueError(f"not a drawing: {type(item).__name__}")


def drawings_text(key: str) -> str:
    """Every drawing of this process as the JSON text of a drawings file for `key`."""
    entries = [[list(k), list(v) if isinstance(v, tuple) else v] for k, v in _DRAWINGS.items()]
    return json.dumps({"format": DRAWINGS_FORMAT, "key": key, "drawings": entries})


def take_drawings(text: str | bytes, key: str) -> int:
    """Put the drawings of a drawings file's text for `key` into the drawing cache; return how many.

    All or nothing: 0 (and nothing taken) unless the text is JSON of the right format and
    digest, holding only keys of plain values and drawings that are strings or tuples of
    strings.
    """
    try:
        found = json.loads(text)
        if found.get("format") != DRAWINGS_FORMAT or found.get("key") != key:
            return 0
        drawings = {}
        for full, value in found["drawings"]:
            value = _from_json(value)
            if not isinstance(value, str) and not (
                isinstance(value, tuple) and all(isinstance(v, str) for v in value)
            ):
                raise ValueError("a drawing is a string or strings")
            full = _from_json(full)
            if not isinstance(full, tuple) or not full:
                raise ValueError("a key is a tuple")
            drawings[full] = value
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError):
        return 0
    for full, value in list(drawings.items())[:MAX_DRAWINGS]:
        _DRAWINGS[full] = value
    return min(len(drawings), MAX_DRAWINGS)


def save_drawings(path: Path, key: str) -> int:
    """Write every drawing of this process to `path` for `key` (atomically, only for this user); return how many.

    The other drawing files of the folder (made for other digests) are removed.
    """
    from autograder.workspace import write_atomically

    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    write_atomically(path, drawings_text(key), mode=0o600)
    for old in path.parent.glob("drawings-*.json"):
        if old != path:
            old.unlink(missing_ok=True)
    return len(_DRAWINGS)


def load_drawings(path: Path, key: str) -> int:
    """Put the drawings kept in `path` for `key` into the drawing cache; return how many (0: none usable).

    The file is ignored, as a whole, unless it is a regular file of this user that no
    one else may write, and its text is what `take_drawings` takes.
    """
    try:
        with open(path, "rb") as handle:
            info = os.fstat(handle.fileno())
            if (
                not stat.S_ISREG(info.st_mode)
                or info.st_uid != os.getuid()
                or info.st_mode & 0o022
                or info.st_size > MAX_DRAWINGS_BYTES
            ):
                return 0
            text = handle.read(MAX_DRAWINGS_BYTES + 1)
    except OSError:
        return 0
    return take_drawings(text, key)


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
