"""Working together online (module A3): file names, shared folders and clear e-mails, checked by simple rules.

- File names: `YYYY-MM-DD_short-description_vNN.ext`, e.g.
  `2024-05-20_sekong-ppa-meeting-minutes_v02.docx`: the date first (ISO order, so
  names sort by date), no spaces, only Latin letters, digits, "-" and "_", a two-digit
  version, and no vague words such as "final", "copy" or "new".
- Shared folders: a small agreed tree (OFFICE_TREE is the course's example, not a rule
  for any real office); every path is checked against it.
- E-mails: a checklist (subject, greeting, one request, deadline, signature,
  attachments). The rules are rough on purpose; a person still reads the e-mail.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Sequence

import pandas as pd

from course.errors import UserError
from course.messages import t

# File names -----------------------------------------------------------------------------

#: The problems a file name can have, in the order they are reported.
FILE_NAME_PROBLEMS = (
    "spaces",
    "characters",
    "no_date",
    "bad_date",
    "vague_word",
    "no_version",
    "no_extension",
)
VAGUE_WORDS = ("final", "copy", "new", "latest", "old")
_DATE_FIRST = re.compile(r"^(\d{4})-(\d{2})-(\d{2})_")
_VERSION = re.compile(r"_v(\d{2,3})(\.[A-Za-z0-9]{1,5})$")
_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,5}$")


def _text(value: object, what: str) -> str:
    """Return `value` if it is non-empty text; `what` names it (a key under teamwork.what)."""
    if not isinstance(value, str) or not value.strip():
        raise UserError(t("teamwork.error.empty", what=t(f"teamwork.what.{what}"), value=value))
    return value


def check_file_name(name: str) -> list[str]:
    """Return the problems of one file name (empty list: the name follows the rules)."""
    name = _text(name, "file_name")
    found = []
    if " " in name:
        found.append("spaces")
    if re.search(r"[^A-Za-z0-9._\- ]", name):
        found.append("characters")
    date = _DATE_FIRST.match(name)
    if not date:
        found.append("no_date")
    else:
        try:
            dt.date(*(int(part) for part in date.groups()))
        except ValueError:
            found.append("bad_date")
    words = re.split(r"[^a-z]+", name.lower())
    if any(word in VAGUE_WORDS for word in words):
        found.append("vague_word")
    if not _VERSION.search(name):
        found.append("no_version")
    if not _EXTENSION.search(name):
        found.append("no_extension")
    return found


def explain_file_name(name: str) -> list[str]:
    """Return the problems of a file name in plain words (one sentence each)."""
    return [t(f"teamwork.file.{problem}") for problem in check_file_name(name)]


def check_file_names(names: Iterable[str]) -> pd.DataFrame:
    """Return a table: name, ok, problems (codes joined by ", ")."""
    rows = []
    for name in names:
        problems = check_file_name(name)
        rows.append({"name": name, "ok": not problems, "problems": ", ".join(problems)})
    return pd.DataFrame(rows, columns=["name", "ok", "problems"])


def slug(text: str) -> str:
    """Turn a short description into the middle of a file name: "Meeting minutes" -> "meeting-minutes"."""
    text = _text(text, "description")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    result = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if not result:
        raise UserError(t("teamwork.error.no_latin", text=text))
    return result


def make_file_name(
    day: str | dt.date, description: str, version: int = 1, extension: str = "docx"
) -> str:
    """Return a file name that follows the rules, e.g. 2024-05-20_meeting-minutes_v01.docx."""
    if isinstance(day, str):
        try:
            day = dt.date.fromisoformat(day)
        except ValueError:
            raise UserError(t("teamwork.error.bad_date", day=day)) from None
    if not isinstance(day, dt.date):
        raise UserError(t("teamwork.error.bad_date", day=day))
    if isinstance(version, bool) or not isinstance(version, int) or not 1 <= version <= 999:
        raise UserError(t("teamwork.error.bad_version", version=version))
    extension = _text(extension, "extension").lstrip(".").lower()
    if not re.fullmatch(r"[a-z0-9]{1,5}", extension):
        raise UserError(t("teamwork.error.bad_extension", extension=extension))
    return f"{day.isoformat()}_{slug(description)}_v{version:02d}.{extension}"


def version_of(name: str) -> int:
    """Return the version number of a file name that ends in _vNN.ext."""
    found = _VERSION.search(_text(name, "file_name"))
    if not found:
        raise UserError(t("teamwork.error.no_version", name=name))
    return int(found.group(1))


def next_version(name: str) -> str:
    """Return the name of the next version: ..._v02.docx -> ..._v03.docx (the rest unchanged)."""
    number = version_of(name)
    return _VERSION.sub(lambda m: f"_v{number + 1:02d}{m.group(2)}", name)


# Shared folders -------------------------------------------------------------------------

#: The course's example tree for a PPA office's shared folder: top folders and the
#: sub-folders each may hold (an empty tuple: files go straight into the top folder).
OFFICE_TREE: dict[str, tuple[str, ...]] = {
    "01_sessions": ("agendas", "minutes", "presentations"),
    "02_meetings": ("internal", "hybrid", "with-national-assembly"),
    "03_citizen-requests": (),
    "04_reports": ("monthly", "quarterly", "annual"),
    "05_admin": ("staff", "finance", "equipment"),
    "06_templates": (),
    "99_archive": (),
}

PATH_PROBLEMS = ("loose_file", "unknown_top", "unknown_sub", "too_deep")


def show_tree(tree: dict[str, Sequence[str]] = OFFICE_TREE) -> str:
    """Return the tree as indented text, one folder a line."""
    lines = []
    for top, subs in tree.items():
        lines.append(f"{top}/")
        lines.extend(f"    {sub}/" for sub in subs)
    return "\n".join(lines)


def _parts(path: str) -> list[str]:
    path = _text(path, "path").replace("\\", "/")
    parts = [part for part in path.split("/") if part not in ("", ".")]
    if not parts or ".." in parts:
        raise UserError(t("teamwork.error.bad_path", path=path))
    return parts


def check_path(path: str, tree: dict[str, Sequence[str]] = OFFICE_TREE) -> list[str]:
    """Return the problems of a file's path in the shared folder, then those of its file name.

    A file belongs in a top folder of the tree, or in one of its listed sub-folders; no
    deeper. Paths use "/" (a "\\" is read as "/").
    """
    parts = _parts(path)
    found = []
    folders, file_name = parts[:-1], parts[-1]
    if not folders:
        found.append("loose_file")
    elif folders[0] not in tree:
        found.append("unknown_top")
    elif len(folders) >= 2 and folders[1] not in tree[folders[0]]:
        found.append("unknown_sub")
    if len(folders) > 2:
        found.append("too_deep")
    return found + check_file_name(file_name)


def check_paths(paths: Iterable[str], tree: dict[str, Sequence[str]] = OFFICE_TREE) -> pd.DataFrame:
    """Return a table: path, ok, problems (codes joined by ", ")."""
    rows = []
    for path in paths:
        problems = check_path(path, tree)
        rows.append({"path": path, "ok": not problems, "problems": ", ".join(problems)})
    return pd.DataFrame(rows, columns=["path", "ok", "problems"])


def explain_path(path: str, tree: dict[str, Sequence[str]] = OFFICE_TREE) -> list[str]:
    """Return the problems of a path in plain words."""
    texts = []
    for problem in check_path(path, tree):
        key = "path" if problem in PATH_PROBLEMS else "file"
        texts.append(t(f"teamwork.{key}.{problem}"))
    return texts


# E-mail ---------------------------------------------------------------------------------

#: The checklist items, in order.
EMAIL_ITEMS = ("subject", "greeting", "one_request", "deadline", "signature", "attachments")
_VAGUE_SUBJECT = {
    "hello", "hi", "request", "urgent", "document", "documents", "info", "information",
    "fyi", "question", "update", "important", "re", "fw", "fwd", "please", "read", "the",
    "a", "for", "from", "to", "and", "of", "about", "this", "my", "your",
}  # fmt: skip
_GREETING = re.compile(
    r"^\s*(dear|hello|hi|good morning|good afternoon|sabaidee|ສະບາຍດີ)\b", re.IGNORECASE
)
_REQUEST = re.compile(r"\b(please|could you|can you|would you|kindly)\b", re.IGNORECASE)
_NOT_A_REQUEST = re.compile(r"\bplease (find|see)\b", re.IGNORECASE)
_MONTHS = "jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec"
_DAYS = "monday|tuesday|wednesday|thursday|friday|saturday|sunday"
_DEADLINE = re.compile(
    r"\b(by|before|until|no later than)\b[^.?!\n]{0,25}?"
    rf"(\d{{4}}-\d{{2}}-\d{{2}}|\b\d{{1,2}}\s+({_MONTHS})[a-z]*|\b({_MONTHS})[a-z]*\s+\d{{1,2}}\b|"
    rf"\b({_DAYS})\b|\b\d{{1,2}}[:.]\d{{2}}\b)",
    re.IGNORECASE,
)
_CLOSING = re.compile(
    r"^\s*(best regards|kind regards|regards|thank you|thanks|sincerely|with respect|yours)\b",
    re.IGNORECASE,
)
_ATTACH = re.compile(r"\battach(ed|ment|ments)?\b", re.IGNORECASE)


def _sentences(body: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.?!])\s+|\n+", body) if s.strip()]


def count_requests(body: str) -> int:
    """Return how many sentences ask the reader to do something ("please", "could you", "?")."""
    count = 0
    for sentence in _sentences(_NOT_A_REQUEST.sub("", body)):
        if _REQUEST.search(sentence) or sentence.endswith("?"):
            count += 1
    return count


def email_checklist(subject: str, body: str, attachments: Sequence[str] = ()) -> dict[str, bool]:
    """Return each checklist item with True (done) or False (missing), by simple rules.

    - subject: at least 3 words, at least 2 of them specific (not "request", "urgent", ...);
    - greeting: the first line starts with "Dear", "Hello", "Sabaidee", ...;
    - one_request: exactly one sentence asks for something;
    - deadline: "by", "before" or "until" followed by a date, a weekday or a time;
    - signature: a closing line ("Regards", "Thank you", ...) with a name line after it;
    - attachments: the text mentions an attachment exactly when a file is attached.
    """
    if not isinstance(subject, str):
        raise UserError(t("teamwork.error.not_text", what=t("teamwork.what.subject")))
    if not isinstance(body, str):
        raise UserError(t("teamwork.error.not_text", what=t("teamwork.what.body")))
    if isinstance(attachments, str):
        attachments = [attachments] if attachments else []
    words = re.findall(r"[A-Za-z0-9\u0E80-\u0EFF]+", subject)
    specific = [w for w in words if w.lower() not in _VAGUE_SUBJECT]
    lines = [line for line in body.splitlines() if line.strip()]
    closing = [i for i, line in enumerate(lines) if _CLOSING.match(line)]
    return {
        "subject": len(words) >= 3 and len(specific) >= 2,
        "greeting": bool(lines) and bool(_GREETING.match(lines[0])),
        "one_request": count_requests(body) == 1,
        "deadline": bool(_DEADLINE.search(body)),
        "signature": bool(closing)
        and closing[-1] < len(lines) - 1
        and closing[-1] >= len(lines) - 4,
        "attachments": bool(_ATTACH.search(subject + "\n" + body)) == bool(list(attachments)),
    }


def email_missing(subject: str, body: str, attachments: Sequence[str] = ()) -> list[str]:
    """Return the checklist items an e-mail misses, in checklist order."""
    checklist = email_checklist(subject, body, attachments)
    return [item for item in EMAIL_ITEMS if not checklist[item]]


def email_report(subject: str, body: str, attachments: Sequence[str] = ()) -> str:
    """Return the checklist in plain words, one line per item, with a word label for each."""
    checklist = email_checklist(subject, body, attachments)
    lines = []
    for item in EMAIL_ITEMS:
        label = t("teamwork.email.done") if checklist[item] else t("teamwork.email.missing")
        lines.append(f"{label}: {t(f'teamwork.email.{item}')}")
    return "\n".join(lines)
