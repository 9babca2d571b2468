"""`dgt grade collect`: bring submissions into the workspace, from nbgrader's exchange or from a USB stick.

A folder given with `--from PATH` may hold, in any mix:

- `<trainee>/<assignment>/*.ipynb` (or `<trainee>/*.ipynb`), as trainees' folders;
- `<trainee>.zip` (also `<trainee>-anything.zip`), one zip per trainee, as they arrive.

Nothing from outside is trusted: zip entries are read into memory with size limits and
never unpacked by their own names, symbolic links are skipped, every notebook is decoded
as strict UTF-8 and parsed by nbformat. Each received item is kept unchanged under
`<workspace>/received/`; the newest one per trainee is checked and, if it is a readable
notebook, written to nbgrader's `submitted/<trainee>/<assignment>/` with its timestamp.
What was found (late, duplicate, wrong name, extra files, unreadable...) becomes the
trainee's intake status.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import time
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import nbformat

from autograder import roster, statuses
from autograder.progress import Progress
from course.errors import UserError
from course.messages import t

MAX_FILE = 20 * 1024 * 1024
MAX_TOTAL = 100 * 1024 * 1024
MAX_FILES = 200
TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S.%f UTC"
#: Files nbgrader's own submit puts beside the notebooks (kept, never "extra").
NBGRADER_FILES = ("timestamp.txt", "submission_secret.txt")


@dataclass
class Item:
    """One received submission: its files (name -> bytes), where from, and when."""

    trainee: str
    origin: str
    timestamp: datetime
    files: dict[str, bytes] = field(default_factory=dict)
    broken: str = ""  # why the whole item could not be read (a damaged zip)
    other: bool = False  # it also held files for other assignments (left out)


def _limited_add(item: Item, name: str, data: bytes) -> None:
    if len(item.files) >= MAX_FILES or sum(map(len, item.files.values())) + len(data) > MAX_TOTAL:
        item.broken = item.broken or t("grade.collect.too_big")
        return
    item.files[name] = data


def _pick(paths: list[tuple[str, ...]], assignment: str) -> tuple[list[int], bool]:
    """Indexes of the entries that belong to `assignment`, and whether others were left out.

    Entries inside a folder named after the assignment win; otherwise every entry that is
    not inside a folder named after another assignment.
    """
    from course.manifest import curriculum

    def folders(parts: tuple[str, ...]) -> set[str]:
        return {p.casefold() for p in parts[:-1]}

    mine = [i for i, parts in enumerate(paths) if assignment.casefold() in folders(parts)]
    if mine:
        return mine, len(mine) < len(paths)
    others = {e.id.casefold() for e in curriculum().exercises} - {assignment.casefold()}
    loose = [i for i, parts in enumerate(paths) if not folders(parts) & others]
    return loose, len(loose) < len(paths)


def read_folder(folder: Path, trainee: str, assignment: str) -> Item:
    """A trainee's folder (symbolic links and oversized files are skipped)."""
    entries: list[tuple[tuple[str, ...], Path]] = []
    for path in sorted(folder.rglob("*")):
        if path.is_symlink() or not path.is_file() or path.name.startswith("."):
            continue
        if ".ipynb_checkpoints" in path.parts or "__MACOSX" in path.parts:
            continue
        entries.append((path.relative_to(folder).parts, path))
    picked, other = _pick([e[0] for e in entries], assignment)
    chosen = [entries[i] for i in picked]
    times = [p.stat().st_mtime for _, p in chosen] or [folder.stat().st_mtime]
    item = Item(trainee, str(folder), datetime.fromtimestamp(max(times), UTC), other=other)
    for parts, path in chosen:
        if path.stat().st_size > MAX_FILE:
            item.broken = item.broken or t("grade.collect.too_big")
            continue
        _limited_add(item, parts[-1], path.read_bytes())
    return item


def read_zip(path: Path, trainee: str, assignment: str) -> Item:
    """A trainee's zip, read member by member into memory with size limits."""
    item = Item(trainee, str(path), datetime.fromtimestamp(path.stat().st_mtime, UTC))
    try:
        with zipfile.ZipFile(path) as archive:
            members = [
                m
                for m in archive.infolist()
                if not m.is_dir()
                and "__MACOSX" not in m.filename
                and not Path(m.filename).name.startswith(".")
            ]
            if len(members) > MAX_FILES:
                item.broken = t("grade.collect.too_big")
                return item
            parts = [
                tuple(p for p in m.filename.replace("\\", "/").split("/") if p) for m in members
            ]
            chosen, item.other = _pick(parts, assignment)
            stamps = []
            for index in chosen:
                member = members[index]
                if member.file_size > MAX_FILE:
                    item.broken = t("grade.collect.too_big")
                    continue
                with archive.open(member) as handle:
                    data = handle.read(MAX_FILE + 1)
                if len(data) > MAX_FILE:
                    item.broken = t("grade.collect.too_big")
                    continue
                _limited_add(item, parts[index][-1], data)
                with contextlib.suppress(ValueError):
                    stamps.append(datetime(*member.date_time).astimezone().astimezone(UTC))
            if stamps:
                item.timestamp = max(stamps)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as error:
        item.broken = t("grade.collect.bad_zip", reason=str(error)[:80])
    return item


def read_exchange(workspace, assignment: str, course_id: str) -> list[tuple[str, Path, datetime]]:
    """Submissions in nbgrader's exchange inbox: (trainee, folder, timestamp)."""
    from nbgrader.utils import parse_utc

    inbound = workspace.exchange / course_id / "inbound"
    found = []
    for folder in sorted(inbound.glob(f"*+{assignment}+*")) if inbound.is_dir() else []:
        parts = folder.name.rsplit("+", 3)
        if len(parts) < 3 or parts[1] != assignment:
            continue
        try:
            stamp = parse_utc(parts[2]).replace(tzinfo=UTC)
        except Exception:
            stamp = datetime.fromtimestamp(folder.stat().st_mtime, UTC)
        found.append((parts[0], folder, stamp))
    return found


#: In a classroom's exchange course folder: which system account each roster id is.
ACCOUNTS_FILE = ".dgt-accounts.json"


def exchange_accounts(course: Path) -> dict[str, int] | None:
    """Roster id -> the uid of its account, from the classroom's list; None outside a classroom.

    The list is trusted only if root or the course folder's owner wrote it and nobody
    else may change it; otherwise collecting stops with one line.
    """
    path = course / ACCOUNTS_FILE
    try:
        info = path.lstat()
    except FileNotFoundError:
        return None
    import pwd
    import stat

    owners = {0, course.stat().st_uid}
    if not stat.S_ISREG(info.st_mode) or info.st_uid not in owners or info.st_mode & 0o022:
        raise UserError(t("grade.collect.untrusted_accounts", path=path))
    try:
        listing = json.loads(path.read_text(encoding="utf-8"))
        return {str(k).casefold(): pwd.getpwnam(v).pw_uid for k, v in listing.items()}
    except (ValueError, KeyError, AttributeError, OSError) as error:
        raise UserError(t("grade.collect.untrusted_accounts", path=path)) from error


def handed_in_by_owner(folder: Path, trainee: str, accounts: dict[str, int] | None) -> bool:
    """True unless the classroom's list says another account made this submission."""
    if accounts is None:
        return True
    return folder.lstat().st_uid == accounts.get(trainee.casefold())


def match_trainee(name: str, ids: dict[str, str]) -> str | None:
    """The roster id a folder or zip name stands for: exact, or followed by - _ space ( ."""
    folded = name.casefold()
    if folded in ids:
        return ids[folded]
    for key in sorted(ids, key=len, reverse=True):
        if folded.startswith(key) and folded[len(key)] in "-_ (.":
            return ids[key]
    return None


# --- checking one submission --------------------------------------------------------


def check(item: Item, expected: list[str]) -> tuple[dict[str, bytes], list[str]]:
    """The notebooks to grade (by their expected names) and the intake statuses of `item`."""
    codes: list[str] = []
    if item.broken and not item.files:
        return {}, ["unreadable"]
    notebooks = {n: d for n, d in item.files.items() if n.lower().endswith(".ipynb")}
    others = [n for n in item.files if n not in notebooks and n not in NBGRADER_FILES]
    if others:
        codes.append("extra_files")
    chosen: dict[str, bytes] = {}
    unmatched = [n for n in notebooks if n not in expected]
    for name in expected:
        if name in notebooks:
            chosen[name] = notebooks[name]
    if len(chosen) < len(expected) and unmatched:
        missing = [n for n in expected if n not in chosen]
        if len(missing) == 1 and len(unmatched) == 1:
            chosen[missing[0]] = notebooks[unmatched[0]]
            codes.append("wrong_name")
        else:
            codes.append("extra_files")
    elif unmatched:
        codes.append("extra_files")
    if not chosen:
        return {}, ["no_notebook", *codes]
    for name, data in chosen.items():
        problem = notebook_problem(data)
        if problem:
            return {}, ["unreadable", *codes]
        chosen[name] = data
    return chosen, codes


def notebook_problem(data: bytes) -> str | None:
    """Why `data` is not a readable notebook, or None."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return "not UTF-8"
    try:
        nb = nbformat.reads(text, as_version=4)
        nbformat.validate(nb)
    except Exception as error:
        return f"not a notebook: {type(error).__name__}"
    if not isinstance(nb.get("cells"), list):
        return "no cells"
    return None


def _fingerprint(files: dict[str, bytes]) -> str:
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + hashlib.sha256(files[name]).digest())
    return digest.hexdigest()


# --- the command --------------------------------------------------------------------


def collect(workspace, assignment: str, source: Path | None = None) -> Counter:
    """Collect `assignment` from the exchange (or from the folder `source`); return counts by status."""
    from course.manifest import curriculum

    exercises = {e.id: e for e in curriculum().exercises}
    if assignment not in exercises:
        raise UserError(t("grade.unknown_assignment", name=assignment, known=", ".join(exercises)))
    trainees = roster.load(workspace.root)
    if not trainees:
        raise UserError(t("grade.collect.no_roster"))
    if source is not None and not source.is_dir():
        raise UserError(t("grade.collect.not_a_folder", path=source))
    released, due = _release_info(workspace, assignment)
    if not released:
        raise UserError(t("grade.not_released", assignment=assignment))
    ids = {x.trainee_id.casefold(): x.trainee_id for x in trainees}
    release = workspace.root / "release" / assignment
    expected = sorted(p.name for p in release.glob("*.ipynb")) or [exercises[assignment].notebook]
    skipped: list[tuple[str, str]] = []
    items = _gather(workspace, assignment, source, ids, skipped)
    store = statuses.StatusStore(workspace.root)
    counts: Counter = Counter()
    by_trainee: dict[str, list[Item]] = {}
    for item in items:
        by_trainee.setdefault(item.trainee, []).append(item)
    progress = Progress(len(by_trainee))
    for trainee in sorted(by_trainee):
        received = sorted(by_trainee[trainee], key=lambda i: i.timestamp)
        state, codes = _take(workspace, store, assignment, trainee, received, expected, due)
        counts[state] += 1
        counts.update(c for c in codes if c != state)
        flags = ", ".join(statuses.label(c) for c in codes if c != state)
        origin = received[-1].origin
        detail = t("grade.collect.detail", flags=flags, origin=origin) if flags else origin
        progress.step(trainee, _state_label(state), detail)
    if skipped:
        print(summary_of_skipped(skipped))
    print(summary(counts, time.monotonic() - progress.started))
    return counts


def _state_label(state: str) -> str:
    if state in ("collected", "unchanged"):
        return t(f"grade.collect.state.{state}")
    return statuses.label(state)


def summary_of_skipped(skipped: list[tuple[str, str]]) -> str:
    """ "Skipped 2: stranger (no trainee with this id on the roster), notes.txt (...)." """
    parts = [t("grade.collect.skipped_item", name=name, why=why) for name, why in skipped]
    return t("grade.collect.skipped_summary", count=len(skipped), items="; ".join(parts))


def summary(counts: Counter, seconds: float | None = None) -> str:
    """ "9 trainee(s): 8 collected, 1 unreadable. Flags: 1 late, 1 wrong file name. (0:02)" """
    from autograder.progress import clock

    states = ("collected", "unchanged", *statuses.UNGRADABLE)
    total = sum(counts[s] for s in states)
    parts = [f"{counts[s]} {_state_label(s)}" for s in states if counts.get(s)]
    text = t("grade.summary", total=total, counts=", ".join(parts) or "-")
    flags = [
        f"{counts[c]} {statuses.label(c)}"
        for c in statuses.ORDER
        if c not in states and counts.get(c)
    ]
    if flags:
        text += " " + t("grade.collect.flags", flags=", ".join(flags))
    if seconds is not None:
        text += " " + t("grade.took", time=clock(seconds))
    return text


def _gather(
    workspace,
    assignment: str,
    source: Path | None,
    ids: dict[str, str],
    skipped: list[tuple[str, str]] | None = None,
) -> list[Item]:
    """The received items of the roster's trainees; what is left aside goes to `skipped` with why."""
    skipped = skipped if skipped is not None else []

    def skip(name: str, key: str) -> None:
        print(t(key, name=name))
        skipped.append((name, t(f"{key}_why")))

    items: list[Item] = []
    if source is None:
        from autograder.workspace import Workspace

        assert isinstance(workspace, Workspace)
        owners = exchange_accounts(workspace.exchange / workspace.course_id)
        for name, folder, stamp in read_exchange(workspace, assignment, workspace.course_id):
            trainee = match_trainee(name, ids)
            if trainee is None:
                skip(name, "grade.collect.unknown")
                continue
            if not handed_in_by_owner(folder, trainee, owners):
                skip(name, "grade.collect.not_their_account")
                continue
            item = read_folder(folder, trainee, assignment)
            item.timestamp = stamp
            items.append(item)
        return items
    if not source.is_dir():
        raise UserError(t("grade.collect.not_a_folder", path=source))
    for entry in sorted(source.iterdir()):
        if entry.name.startswith(".") or entry.is_symlink():
            continue
        stem = entry.stem if entry.is_file() else entry.name
        trainee = match_trainee(stem, ids)
        if trainee is None:
            skip(entry.name, "grade.collect.unknown")
            continue
        if entry.is_dir():
            item = read_folder(entry, trainee, assignment)
        elif entry.suffix.lower() == ".zip":
            item = read_zip(entry, trainee, assignment)
        else:
            skip(entry.name, "grade.collect.skipped")
            continue
        if item.files or item.broken or not item.other:
            items.append(item)
        else:  # an item with only other assignments' work is not this one's
            skip(entry.name, "grade.collect.other_assignment")
    return items


def _release_info(workspace, assignment: str) -> tuple[bool, datetime | None]:
    """Whether `assignment` was released (the gradebook knows it), and its due date."""
    from nbgrader.api import MissingEntry

    from autograder.results import gradebook as open_gradebook

    with open_gradebook(workspace.db_url()) as gradebook:
        try:
            due = gradebook.find_assignment(assignment).duedate
        except MissingEntry:
            return False, None
    return True, (due.replace(tzinfo=UTC) if due is not None else None)


def _keep(workspace, assignment: str, trainee: str, item: Item) -> None:
    """Keep a received item unchanged under received/ (nothing a trainee sent is lost)."""
    stamp = item.timestamp.strftime("%Y%m%dT%H%M%S")
    folder = (
        workspace.root
        / "received"
        / assignment
        / trainee
        / f"{stamp}-{_fingerprint(item.files)[:8]}"
    )
    if folder.exists():
        return
    folder.mkdir(parents=True)
    for index, (name, data) in enumerate(sorted(item.files.items())):
        safe = "".join(ch if ch.isalnum() or ch in "._- " else "_" for ch in name) or f"file{index}"
        (folder / safe).write_bytes(data)
    (folder / "origin.json").write_text(
        json.dumps(
            {"origin": item.origin, "timestamp": item.timestamp.isoformat(), "broken": item.broken}
        ),
        encoding="utf-8",
    )


def _take(
    workspace, store, assignment, trainee, received: list[Item], expected, due
) -> tuple[str, list[str]]:
    """Check the newest item of one trainee, write it to submitted/, record the statuses.

    Returns the trainee's state (collected, unchanged: already graded, or why it cannot be
    graded) and every intake status.
    """
    for item in received:
        _keep(workspace, assignment, trainee, item)
    newest = received[-1]
    chosen, codes = check(newest, expected)
    prints = {_fingerprint(i.files) for i in received}
    with store.update() as data:
        record = data["assignments"].setdefault(assignment, {}).setdefault(trainee, {})
        seen = set(record.get("seen", [])) | prints
        record["seen"] = sorted(seen)
        if len(seen) > 1:
            codes.append("duplicate")
        if due is not None and newest.timestamp > due:
            codes.append("late")
        target = workspace.root / "submitted" / trainee / assignment
        if chosen:
            fingerprint = _fingerprint(chosen) + newest.timestamp.isoformat()
            if record.get("fingerprint") != fingerprint or not target.is_dir():
                secret = newest.files.get("submission_secret.txt")
                extra = {"submission_secret.txt": secret} if secret is not None else {}
                _write(target, {**chosen, **extra}, newest.timestamp)
            record["fingerprint"] = fingerprint
        else:
            shutil.rmtree(target, ignore_errors=True)
            shutil.rmtree(workspace.root / "autograded" / trainee / assignment, ignore_errors=True)
            record["fingerprint"] = ""
            record.pop("graded", None)
            record["grading"] = []
        record["intake"] = statuses.ordered(codes)
        record["origin"] = newest.origin
        record["timestamp"] = newest.timestamp.isoformat()
        if record.get("graded") != record.get("fingerprint"):
            record["grading"] = []
    intake = statuses.ordered(codes)
    if not chosen:
        return statuses.primary(codes), intake
    graded = record.get("graded") == record.get("fingerprint")
    return ("unchanged" if graded else "collected"), intake


def _write(target: Path, files: dict[str, bytes], timestamp: datetime) -> None:
    """Replace submitted/<trainee>/<assignment>/ with these notebooks, atomically."""
    tmp = target.with_name(target.name + f".{os.getpid()}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    for name, data in files.items():
        (tmp / name).write_bytes(data)
    (tmp / "timestamp.txt").write_text(timestamp.strftime(TIMESTAMP_FORMAT), encoding="utf-8")
    old = target.with_name(target.name + f".{os.getpid()}.old")
    if target.exists():
        target.rename(old)
    tmp.rename(target)
    shutil.rmtree(old, ignore_errors=True)
