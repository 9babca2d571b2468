"""Hostile and broken submissions: each gets its own clear status, never stops the batch, never changes another's grade."""

from __future__ import annotations

import csv
import json
import os
import zipfile
from datetime import datetime
from pathlib import Path

import nbformat
import pytest

from autograder.execution import leaks
from autograder.submissions import answered
from conftest import dgt
from course.manifest import curriculum, repo_root

B1 = curriculum().module("B1-foundations").exercise
ID = B1.id
OLD = datetime(2026, 3, 1, 9, 0)

CORRECT_Q1 = (
    'lao_egdi_2024 = egdi[(egdi["year"] == 2024) & (egdi["iso3"] == "LAO")]["egdi"].iloc[0]'
)


def replace(nb, grade_id: str, source: str):
    """`nb` with the cell `grade_id` given a new source."""
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            cell.source = source
    return nb


def hint_cell(nb, question: str, source: str):
    """`nb` with the (ungraded) hint cell of `question` replaced by `source`."""
    for cell in nb.cells:
        if cell.cell_type == "code" and cell.source.strip() == f'ex.hint("{question}")':
            cell.source = source
    return nb


def delete(nb, grade_id: str):
    nb.cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") != grade_id]
    return nb


def cases(workspace: Path) -> dict[str, tuple[dict[str, bytes] | None, float, str]]:
    """trainee -> (files in their USB folder, expected score, expected status among their flags)."""
    src = nbformat.read(B1.source, as_version=4)

    def good():
        return answered(src)

    def text(nb) -> bytes:
        return nbformat.writes(nb).encode("utf-8")

    secret_source = str(B1.source)
    gradebook = str(workspace / "gradebook.db")
    other = str(workspace / "submitted" / "good1" / ID / B1.notebook)
    course_file = str(repo_root() / "course" / "hacked.txt")
    nb_name = B1.notebook
    return {
        "good1": ({nb_name: text(good())}, 8, "needs_manual"),
        "good2": ({nb_name: text(good())}, 8, "needs_manual"),
        "corrupted": ({nb_name: b'{"cells": [{"cell_type": "code", "sour'}, 0, "unreadable"),
        "not_a_notebook": ({nb_name: b"%PDF-1.4\n%\xe2\xe3\xcf\xd3 binary"}, 0, "unreadable"),
        "not_utf8": (
            {
                nb_name: text(good())
                .decode()
                .replace("Question", "Qüestion")
                .encode("cp1252", "replace")
            },
            0,
            "unreadable",
        ),
        "utf16": ({nb_name: text(good()).decode().encode("utf-16")}, 0, "unreadable"),
        "wrong_name": ({"exercise B1 (final).ipynb": text(good())}, 8, "wrong_name"),
        "no_notebook": ({"my answers.docx": b"PK\x03\x04 word file"}, 0, "no_notebook"),
        "extra_files": ({nb_name: text(good()), "data.csv": b"a,b\n1,2\n"}, 8, "extra_files"),
        # A wrong answer whose test cell was deleted: the test is put back and scores 0.
        "deleted_test": (
            {
                nb_name: text(
                    delete(replace(good(), "q1_answer", "lao_egdi_2024 = 0.99"), "q1_tests")
                )
            },
            7,
            "tampered",
        ),
        "edited_test": (
            {
                nb_name: text(
                    replace(replace(good(), "q2_answer", "egdi_change = -5"), "q2_tests", "pass")
                )
            },
            7,
            "tampered",
        ),
        "infinite_loop": (
            {
                nb_name: text(
                    replace(good(), "q1_answer", "lao_egdi_2024 = None\nwhile True:\n    pass")
                )
            },
            7,
            "timeout",
        ),
        "ignores_interrupt": (
            {
                nb_name: text(
                    replace(
                        good(),
                        "q6_answer",
                        "import signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    time.sleep(0.01)",
                    )
                )
            },
            6,
            "timeout",
        ),
        "memory_bomb": (
            {
                nb_name: text(
                    hint_cell(
                        replace(
                            good(), "q1_answer", "block = bytearray(64 * 1024**3)\n" + CORRECT_Q1
                        ),
                        "q2",
                        "hog = []\nwhile True:\n    hog.append(bytearray(50 * 1024**2))",
                    )
                )
            },
            7,
            "memory",
        ),
        "fork_bomb": (
            {nb_name: text(replace(good(), "q1_answer", "import os\nwhile True:\n    os.fork()"))},
            7,
            "process_limit",
        ),
        "huge_output": (
            {
                nb_name: text(
                    replace(
                        good(),
                        "q1_answer",
                        CORRECT_Q1
                        + "\nprint('spam ' * 3_000_000)\nfor i in range(2000):\n    print(i, 'x' * 500)",
                    )
                )
            },
            8,
            "output_limit",
        ),
        "exits_python": (
            {nb_name: text(replace(good(), "q3_answer", "import os\nos._exit(0)"))},
            2,
            "kernel_died",
        ),
        "kills_kernel": (
            {
                nb_name: text(
                    replace(
                        good(),
                        "q1_answer",
                        "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)",
                    )
                )
            },
            0,
            "kernel_died",
        ),
        "reads_outside": (
            {
                nb_name: text(
                    hint_cell(
                        good(),
                        "q1",
                        f"for path in [{secret_source!r}, {gradebook!r}, {other!r}]:\n    print(open(path, errors='replace').read()[:50000])",
                    )
                )
            },
            8,
            "outside_access",
        ),
        "writes_outside": (
            {
                nb_name: text(
                    hint_cell(
                        good(),
                        "q1",
                        f"open({course_file!r}, 'w').write('x')\nopen({gradebook!r}, 'ab').write(b'garbage')",
                    )
                )
            },
            8,
            "outside_access",
        ),
        "uses_network": (
            {
                nb_name: text(
                    hint_cell(
                        good(),
                        "q1",
                        "import socket\nsocket.create_connection(('127.0.0.1', 22), timeout=2)",
                    )
                )
            },
            8,
            "outside_access",
        ),
    }


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """One batch with every kind of bad submission beside two good ones; yields (workspace, rows, printed)."""
    from autograder import workspace as workspaces

    base = tmp_path_factory.mktemp("hostile")
    root = base / "workspace"
    with pytest.MonkeyPatch.context() as patch:
        for name, value in {
            "DGT_WORKSPACE": str(root),
            "DGT_CELL_TIMEOUT": "5",
            "DGT_NOTEBOOK_TIMEOUT": "25",
            "DGT_MEMORY_MB": "1536",
            "DGT_MAX_PROCESSES": "24",
            "DGT_OUTPUT_KB": "256",
        }.items():
            patch.setenv(name, value)
        dgt("grade", "init")
        ws = workspaces.resolve(root)
        all_cases = cases(root)
        trainees = [*all_cases, "twice", "late"]
        lines = ["trainee_id,name,ppa"] + [f"{t},Trainee {t},Sekong" for t in trainees]
        (base / "roster.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
        dgt("grade", "roster", "import", str(base / "roster.csv"))
        dgt("grade", "release", ID, "--due", "2030-01-01")
        usb = base / "usb"
        for trainee, (files, _, _) in all_cases.items():
            folder = usb / trainee / ID
            folder.mkdir(parents=True)
            for name, data in files.items():
                (folder / name).write_bytes(data)
                os.utime(folder / name, (OLD.timestamp(), OLD.timestamp()))
        src = nbformat.read(B1.source, as_version=4)
        for name, when, nb in (
            ("twice.zip", (2026, 3, 1, 9, 0, 0), answered(src)),
            ("twice (2).zip", (2026, 3, 2, 9, 0, 0), answered(src, {"q6_answer"})),
        ):
            with zipfile.ZipFile(usb / name, "w") as archive:
                archive.writestr(
                    zipfile.ZipInfo(f"{ID}/{B1.notebook}", date_time=when), nbformat.writes(nb)
                )
        late = usb / "late" / ID / B1.notebook
        late.parent.mkdir(parents=True)
        nbformat.write(answered(src), late)
        stamp = datetime(2031, 1, 1).timestamp()
        os.utime(late, (stamp, stamp))
        course_before = sorted(p.name for p in (repo_root() / "course").iterdir())
        printed = dgt("grade", "collect", ID, "--from", str(usb)) + dgt(
            "grade", "autograde", ID, "--workers", "2"
        )
        dgt("grade", "export")
        with (root / "export" / "grades.csv").open(encoding="utf-8") as handle:
            rows = {row["trainee_id"]: row for row in csv.DictReader(handle)}
        try:
            yield ws, rows, printed, course_before
        finally:  # only if the sandbox failed would this file exist
            (repo_root() / "course" / "hacked.txt").unlink(missing_ok=True)


HOSTILE = [
    "corrupted",
    "not_a_notebook",
    "not_utf8",
    "utf16",
    "wrong_name",
    "no_notebook",
    "extra_files",
    "deleted_test",
    "edited_test",
    "infinite_loop",
    "ignores_interrupt",
    "memory_bomb",
    "fork_bomb",
    "huge_output",
    "exits_python",
    "kills_kernel",
    "reads_outside",
    "writes_outside",
    "uses_network",
]


@pytest.mark.slow
@pytest.mark.parametrize("trainee", HOSTILE)
def test_each_bad_submission_gets_its_status_and_exact_score(graded, trainee):
    """The submission's status names what happened, and its score is exactly what its good cells earn."""
    ws, rows, _, _ = graded
    _, score, status = cases(ws.root)[trainee]
    row = rows[trainee]
    assert status in row["flags"].split(), (trainee, row)
    assert float(row["score"]) == score, (trainee, row)


@pytest.mark.slow
def test_good_trainees_keep_their_exact_scores(graded):
    """Beside every attack in the same batch, the good submissions score exactly 8 of 8 automatic points."""
    _, rows, printed, _ = graded
    for trainee in ("good1", "good2", "late", "twice"):
        assert rows[trainee]["status"] in ("needs_manual",), rows[trainee]
    assert [float(rows[t]["score"]) for t in ("good1", "good2", "late")] == [8, 8, 8]
    summary = printed.strip().splitlines()[-1]
    assert summary.startswith(f"{len(HOSTILE) + 4 - 5} trainee(s):"), (
        summary
    )  # 5 never reach grading


@pytest.mark.slow
def test_duplicate_and_late_submissions(graded):
    """Two zips from one trainee: the newest is graded and marked duplicate; a late one is marked late."""
    _, rows, _, _ = graded
    assert "duplicate" in rows["twice"]["flags"].split() and float(rows["twice"]["score"]) == 6
    assert "late" in rows["late"]["flags"].split()
    assert "late" not in rows["good1"]["flags"].split()


@pytest.mark.slow
def test_outside_files_were_neither_read_nor_written(graded):
    """The sandbox kept the source notebook, the gradebook and other trainees' work away from trainee code."""
    ws, _, _, course_before = graded
    assert sorted(p.name for p in (repo_root() / "course").iterdir()) == course_before
    assert not (repo_root() / "course" / "hacked.txt").exists()
    graded_nb = nbformat.read(
        ws.root / "autograded" / "reads_outside" / ID / B1.notebook, as_version=4
    )
    shown = leaks.notebook_text(graded_nb)
    hidden = [
        s for s in leaks.secret_lines(nbformat.read(B1.source, as_version=4)) if "assert" in s
    ]
    outputs = "\n".join(
        str(o.get("text", "")) + str(o.get("evalue", ""))
        for c in graded_nb.cells
        if c.cell_type == "code"
        for o in c.outputs
    )
    assert "dgt-sandbox" in outputs and "SQLite format" not in outputs
    assert not any(line in outputs for line in hidden)
    assert shown  # the notebook itself was graded
    with (ws.root / "gradebook.db").open("rb") as handle:
        assert handle.read(16) == b"SQLite format 3\x00"


@pytest.mark.slow
def test_huge_output_is_cut_in_the_graded_notebook(graded):
    """A notebook that prints megabytes is stored small, with a note that output was cut."""
    ws, _, _, _ = graded
    path = ws.root / "autograded" / "huge_output" / ID / B1.notebook
    assert path.stat().st_size < 1_000_000
    assert "dgt-output-limit" in path.read_text(encoding="utf-8")


@pytest.mark.slow
def test_statuses_are_recorded_for_report_and_feedback(graded):
    """Every trainee's statuses are in the workspace's status file, and every graded one has feedback."""
    ws, rows, _, _ = graded
    data = json.loads((ws.root / "dgt" / "status.json").read_text(encoding="utf-8"))
    records = data["assignments"][ID]
    assert set(records) == set(rows)
    dgt("grade", "feedback", ID)
    assert (ws.root / "feedback" / "kills_kernel" / ID / "feedback.txt").is_file()
    assert len(list(Path(ws.root / "feedback").glob(f"*/{ID}/feedback.txt"))) == len(rows)
