"""The grading pipeline's plain functions: roster checks, intake checks, statuses, leaks, CSV, charts."""

import io
import zipfile
from collections import Counter
from datetime import UTC, datetime
from types import SimpleNamespace

import nbformat
import pytest

from autograder import collect, export, progress, report, results, roster, statuses
from autograder.execution import leaks
from autograder.execution.execute import STOPPED, TIME_LIMIT, problems, stopped_output
from autograder.feedback import reason
from autograder.submissions import answered
from course.errors import UserError
from course.manifest import curriculum

B1 = curriculum().module("B1-foundations").exercise


def source():
    return nbformat.read(B1.source, as_version=4)


# --- roster ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spelling", "expected"),
    [
        ("Savannakhet", "Savannakhet"),
        ("Savannakhet PPA", "Savannakhet"),
        ("savannakhet province", "Savannakhet"),
        ("LA-SV", "Savannakhet"),
        ("Louangphabang", "Luang Prabang"),
        ("Xaignabouli", "Xayaboury"),
        ("Champassak", "Champasak"),
        ("Attapu", "Attapeu"),
        ("Vientiane Capital", "Vientiane Capital"),
        ("Vientiane Province PPA", "Vientiane Province"),
        ("ນະຄອນຫຼວງວຽງຈັນ", "Vientiane Capital"),
        ("Vientiane", None),
        ("Bangkok", None),
    ],
)
def test_province_spellings(spelling, expected):
    """Common romanisations, codes and Lao names map to the English province name; others do not."""
    assert roster.province(spelling) == expected


def test_roster_parse_reports_one_line_per_bad_row():
    """Good rows are read; every bad row gets one message naming its line and the problem."""
    text = (
        "trainee_id,name,ppa,email\n"
        "t01,Somchai P,Savannakhet,s@example.la\n"
        "t02,,Sekong,\n"
        "t03,Noy S,Vientiane,\n"
        "t01,Again,Sekong,\n"
        "bad id!,X,Sekong,\n"
        "t04,Vanh,Bangkok,\n"
        "t05,Phet,Salavan,not-an-email\n"
        "t06,Khamla,Saravane,\n"
    )
    good, errors = roster.parse(text, "r.csv")
    assert [x.trainee_id for x in good] == ["t01", "t06"]
    assert good[1].ppa == "Salavan"
    assert len(errors) == 6
    assert errors[0].startswith("r.csv line 3:") and "no name" in errors[0]
    assert "Vientiane Capital" in errors[1] and "line 4" in errors[1]
    assert "already on line 2" in errors[2]
    assert all("\n" not in e for e in errors)


def test_roster_accepts_semicolons_and_other_header_names():
    """A spreadsheet's semicolon CSV with 'ID;Full name;Province;E-mail' headers is read."""
    good, errors = roster.parse("ID;Full name;Province;E-mail\nx1;Bounmy K;Bokeo;\n")
    assert not errors and good == [roster.Trainee("x1", "Bounmy K", "Bokeo", "")]


def test_roster_without_needed_columns_is_one_user_error():
    """A header without the ppa column is one clear error."""
    with pytest.raises(UserError, match="no column for: ppa"):
        roster.parse("trainee_id,name\nt1,A\n")


def test_roster_import_refuses_non_utf8(tmp_path):
    """A roster saved in a legacy encoding is refused with a hint, and nothing is written."""
    path = tmp_path / "r.csv"
    path.write_bytes("trainee_id,name,ppa\nt1,Sékong,Sekong\n".encode("latin-1"))
    with pytest.raises(UserError, match="UTF-8"):
        roster.import_file(tmp_path, "sqlite:///unused.db", path)
    assert not roster.roster_path(tmp_path).exists()


# --- intake ---------------------------------------------------------------------------


def item(files):
    return collect.Item("t1", "here", datetime(2026, 1, 1, tzinfo=UTC), dict(files))


def test_intake_statuses():
    """The intake check names wrong names, extra files, unreadable and missing notebooks."""
    good = nbformat.writes(answered(source())).encode()
    name = B1.notebook
    assert collect.check(item({name: good}), [name]) == ({name: good}, [])
    chosen, codes = collect.check(item({"mine.ipynb": good, "notes.txt": b"x"}), [name])
    assert list(chosen) == [name] and set(codes) == {"wrong_name", "extra_files"}
    assert collect.check(item({name: b"{not json"}), [name]) == ({}, ["unreadable"])
    assert collect.check(
        item(
            {
                name: good.decode()
                .replace("Question", "Qüestion")
                .encode("latin-1", errors="replace")
            }
        ),
        [name],
    )[1] == ["unreadable"]
    assert collect.check(item({"report.docx": b"PK.."}), [name])[1][0] == "no_notebook"


def test_notebook_problem_names_the_reason():
    """Non-UTF-8 bytes, JSON that is not a notebook and text files are told apart."""
    assert collect.notebook_problem("é".encode("latin-1")) == "not UTF-8"
    assert collect.notebook_problem(b'{"a": 1}').startswith("not a notebook")
    assert collect.notebook_problem(b"hello").startswith("not a notebook")


def test_zip_reading_is_bounded_and_never_unpacks(tmp_path):
    """A zip is read in memory: entries with ../ are only names, a damaged zip is 'unreadable'."""
    path = tmp_path / "t1.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("../../etc/B1-foundations.ipynb", b"{}")
        archive.writestr("__MACOSX/._x", b"junk")
    got = collect.read_zip(path, "t1", "B1-foundations")
    assert list(got.files) == ["B1-foundations.ipynb"] and not got.broken
    assert not (tmp_path.parent / "etc").exists()
    bad = tmp_path / "t2.zip"
    bad.write_bytes(b"PK\x03\x04 broken")
    assert collect.read_zip(bad, "t2", "B1-foundations").broken


def test_match_trainee_accepts_usb_style_names():
    """'t01.zip', 'T01 (1).zip' and 't01-B1.zip' all belong to t01; 't011' does not."""
    ids = {"t01": "t01", "t011x": "t011x"}
    assert collect.match_trainee("t01", ids) == "t01"
    assert collect.match_trainee("T01 (1)", ids) == "t01"
    assert collect.match_trainee("t01-B1", ids) == "t01"
    assert collect.match_trainee("t011", ids) is None


# --- statuses, execution results, feedback reasons ------------------------------------


def test_primary_status_is_the_most_serious():
    """The primary status is the most serious; 'graded' when there is none."""
    assert statuses.primary(["late", "timeout", "needs_manual"]) == "timeout"
    assert statuses.primary([]) == "graded"
    for code in statuses.ORDER:
        assert statuses.label(code) and statuses.explain(code)


def test_problems_read_off_an_executed_notebook():
    """Timeouts, memory errors, fork limits, blocked access and stopped kernels become statuses."""
    nb = nbformat.v4.new_notebook()
    cells = [nbformat.v4.new_code_cell("x") for _ in range(4)]
    cells[0].outputs = [
        nbformat.v4.new_output("error", ename="CellTimeoutError", evalue="", traceback=[])
    ]
    cells[1].outputs = [
        nbformat.v4.new_output("error", ename="MemoryError", evalue="", traceback=[])
    ]
    cells[2].outputs = [
        nbformat.v4.new_output(
            "error",
            ename="BlockingIOError",
            evalue="[Errno 11] Resource temporarily unavailable",
            traceback=[],
        )
    ]
    cells[3].outputs = [stopped_output(STOPPED, "stopped")]
    nb.cells = cells
    assert problems(nb, STOPPED, "exit 1") == ["kernel_died", "memory", "process_limit", "timeout"]
    assert problems(nbformat.v4.new_notebook(), TIME_LIMIT, None) == ["timeout"]


def test_feedback_reason_never_shows_test_code():
    """A practice-check message is shown; a bare hidden assert becomes a plain sentence."""
    cell = nbformat.v4.new_code_cell("ex.grade(...)")
    cell.outputs = [
        nbformat.v4.new_output(
            "error", ename="AssertionError", evalue="", traceback=["assert x == 0.44"]
        )
    ]
    assert "trainer's checks" in reason(cell) and "0.44" not in reason(cell)
    cell.outputs[0]["evalue"] = "secret expected 0.44038"
    assert "0.44" not in reason(cell)


# --- leaks ----------------------------------------------------------------------------


def test_secret_lines_and_redaction():
    """Hidden-test and solution lines are found in the source and cut from any text."""
    secrets = leaks.secret_lines(source())
    assert any("0.44038" in line for line in secrets)
    assert not leaks.leaks(
        leaks.notebook_text(answered(source(), {"q1_answer"})),
        [s for s in secrets if "assert" in s],
    )
    text = f"value {secrets[0]} and BEGIN HIDDEN TESTS"
    assert leaks.leaks(text, secrets)
    assert not leaks.leaks(leaks.redact(text, secrets, "[hidden]"), secrets)


# --- export, report, progress ---------------------------------------------------------


def rows():
    return [
        results.Row(
            "t1",
            "Somchai P",
            "Savannakhet",
            "B1-foundations",
            7.5,
            10,
            "graded",
            ["graded"],
            True,
            {"q1_tests": 1.0},
        ),
        results.Row(
            "t2", "Noy S", "Sekong", "B1-foundations", 0, 10, "missing", ["missing"], False
        ),
        results.Row(
            "t3", "Vanh S", "Sekong", "B1-foundations", 0, 10, "not_graded", ["not_graded"], False
        ),
    ]


def test_grades_csv_and_moodle_csv():
    """The trainer's CSV has one row per trainee; Moodle's leaves unknown scores empty."""
    text = export.grades_csv(rows())
    assert text.splitlines()[0] == "trainee_id,name,ppa,assignment,score,max_score,status,flags"
    assert text.splitlines()[1] == "t1,Somchai P,Savannakhet,B1-foundations,7.5,10,graded,graded"
    people = [roster.Trainee("t1", "Somchai P", "Savannakhet", "s@example.la")]
    moodle = export.moodle_file(rows(), people, "idnumber").text.splitlines()
    assert moodle[0] == "ID number,First name,Last name,B1-foundations"
    assert moodle[1] == "t1,Somchai,P,7.5"
    assert moodle[2] == "t2,,," and moodle[3] == "t3,,,"


def test_bar_chart_is_inline_svg_with_words():
    """Charts are inline SVG with the value written next to each bar and no outside reference."""
    svg = report.bar_chart("Average", [("Sekong", 55.0, "55%"), ("Bokeo", None, "–")])
    assert svg.startswith("<svg") and "55%" in svg and "Sekong" in svg
    assert "http" not in svg and "href" not in svg


def test_progress_prints_eta_and_summary():
    """Each step prints count, trainee, status and ETA; the summary counts statuses."""
    stream = io.StringIO()
    bar = progress.Progress(2, stream)
    bar.step("t1", "graded", "8/10")
    bar.finish(Counter({"graded": 1, "timeout": 1}))
    lines = stream.getvalue().splitlines()
    assert lines[0].startswith("[1/2] t1  graded  8/10  ETA")
    assert lines[1].startswith("2 trainee(s): 1 time limit, 1 graded.")


# --- the command line -----------------------------------------------------------------

GRADE_COMMANDS = [
    ["grade", "roster"],
    ["grade", "roster", "import"],
    ["grade", "roster", "list"],
    ["grade", "status"],
    ["grade", "release"],
    ["grade", "collect"],
    ["grade", "autograde"],
    ["grade", "feedback"],
    ["grade", "export"],
    ["grade", "report"],
    ["grade", "sandbox"],
]


@pytest.mark.parametrize("words", GRADE_COMMANDS, ids=" ".join)
def test_grade_commands_have_help(words, capsys):
    """Every `dgt grade` command has --help."""
    from course.cli import main

    with pytest.raises(SystemExit) as stop:
        main([*words, "--help"])
    assert stop.value.code == 0 and "usage: dgt grade" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (["grade", "autograde", "B9-nothing"], "There is no assignment called B9-nothing"),
        (["grade", "collect", "B1-foundations", "--from", "/no/such/folder"], "is not a folder"),
        (["grade", "autograde", "B1-foundations", "--workers", "0"], "--workers must be 1 or more"),
        (["grade", "release", "B1-foundations", "--due", "next week"], "is not a date"),
    ],
)
def test_grade_user_errors_are_one_line(words, expected, tmp_path, monkeypatch, capsys):
    """Bad input to a grade command: exit status 2 and one line, no traceback."""
    from course.cli import main

    monkeypatch.setenv("DGT_WORKSPACE", str(tmp_path / "ws"))
    assert main(["grade", "init"]) == 0
    (tmp_path / "ws" / "dgt").mkdir()
    roster.save(tmp_path / "ws", [roster.Trainee("t1", "A B", "Sekong")])
    capsys.readouterr()
    assert main(words) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and expected in err[0] and "Traceback" not in err[0]


def test_missing_workspace_is_one_line(tmp_path, capsys):
    """A grade command on a workspace that was never created says how to create it."""
    from course.cli import main

    assert main(["grade", "export", "--workspace", str(tmp_path / "none")]) == 2
    assert "dgt grade init" in capsys.readouterr().err


def test_roster_with_bad_rows_prints_each_and_imports_nothing(tmp_path, capsys):
    """`dgt grade roster import` prints one line per bad row, then exits 2 without a change."""
    from course.cli import main

    assert main(["grade", "init", "--workspace", str(tmp_path / "ws")]) == 0
    bad = tmp_path / "r.csv"
    bad.write_text(
        "trainee_id,name,ppa\nt1,A B,Sekong\nt2,,Sekong\nt3,C D,Mars\n", encoding="utf-8"
    )
    capsys.readouterr()
    assert main(["grade", "roster", "import", str(bad), "--workspace", str(tmp_path / "ws")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[0].startswith("r.csv line 3:") and err[1].startswith("r.csv line 4:")
    assert "Nothing was changed" in err[2] and len(err) == 3
    assert not roster.roster_path(tmp_path / "ws").exists()


def test_trainers_guide_lists_every_status_with_its_code():
    """The trainer's guide has a row for every status, with the label and code the tools print."""
    from course.manifest import repo_root

    guide = (repo_root() / "book" / "trainers-guide.md").read_text(encoding="utf-8")
    for code in statuses.ORDER:
        assert f"| {statuses.label(code)} | `{code}` |" in guide, code


# --- report: colours and completion (issue 18) ----------------------------------------


def _row(trainee, score, status, flags, submitted=True):
    return results.Row(
        trainee,
        trainee.upper(),
        "Sekong",
        "A1-working-with-data",
        score,
        13,
        status,
        flags,
        submitted,
    )


def _report(monkeypatch, rows):
    monkeypatch.setattr(results, "questions", lambda *args: [])
    workspace = SimpleNamespace(root=None, db_url=lambda: "")
    return report.render(workspace, rows)


def test_report_colours_follow_the_score_bands(monkeypatch):
    """A graded 0/13 is red (below 50%), 12/13 green, 7/13 orange, nothing graded grey: the legend's bands."""
    page = _report(
        monkeypatch,
        [
            _row("zero", 0, "graded", []),
            _row("high", 12, "graded", []),
            _row("half", 7, "late", ["late"]),
            _row("none", 0, "missing", ["missing"], submitted=False),
        ],
    )

    def tag(trainee):
        cell = page.split(f"<td>{trainee}</td>")[1]
        return cell.split("<span class='tag' style='border-color:")[1].split("'")[0]

    assert tag("zero") == report.COLOURS["low"]
    assert tag("high") == report.COLOURS["good"]
    assert tag("half") == report.COLOURS["middle"]
    assert tag("none") == report.COLOURS["none"]


def test_report_completion_counts_only_fully_graded_work(monkeypatch):
    """A submission that waits for manual marking is graded but not complete: 1 of 2 is 50%, not 100%."""
    page = _report(
        monkeypatch,
        [
            _row("done", 13, "graded", []),
            _row("waits", 11, "needs_manual", ["needs_manual"]),
        ],
    )
    table = page.split("<h2>Assignments</h2>")[1].split("</table>")[0]
    assert "<td>2</td><td>2</td><td>50%</td>" in table  # trainees, graded, completion
    ppas = page.split("<h2>PPAs</h2>")[1].split("</table>")[0]
    assert "<td>Sekong</td><td>2</td><td>50%</td>" in ppas
    assert report.complete(_row("done", 13, "graded", []))
    assert not report.complete(_row("waits", 11, "needs_manual", ["needs_manual"]))


# --- feedback: titles, inline code, what next (issue 18) ------------------------------


def test_feedback_heading_labels_keep_the_title():
    """'## Question 3 (1 point) — Count' -> 'Question 3 — Count'; no title -> 'Question 3'."""
    from autograder.results import heading_label

    assert (
        heading_label("## Question 3 (1 point) — Count the rows") == "Question 3 — Count the rows"
    )
    assert heading_label("## Question 3 (1 point)") == "Question 3"
    assert heading_label("## Written answer 2 (2 points): change") == "Written answer 2 — change"
    assert heading_label("Some text") is None


def test_feedback_inline_code_is_escaped():
    """Backticks become <code>, everything is escaped, an odd backtick is left as it is."""
    from autograder.feedback import inline_code

    assert inline_code("`a<b` is 'x'") == "<code>a&lt;b</code> is &#x27;x&#x27;"
    assert inline_code("one ` only") == "one ` only"


def test_feedback_next_step_matches_the_page():
    """All passed: well done; passed plus waiting: wait for the trainer; anything else: work to do."""
    from autograder.feedback import next_step

    assert next_step([{"outcome": "passed"}]) == "All questions pass. Well done."
    assert next_step([{"outcome": "passed"}, {"outcome": "waiting"}]).startswith(
        "Every checked question passes."
    )
    assert "not yet passed" in next_step([{"outcome": "passed"}, {"outcome": "not_yet"}])


def test_write_atomically_leaves_no_temporary_file_and_keeps_a_secret_private(tmp_path):
    """The whole text or nothing; a secret's file is created private (mode 600), never widened later."""
    from autograder.workspace import write_atomically

    target = tmp_path / "dgt" / "certificate.key"
    write_atomically(target, "secret\n", mode=0o600)
    assert target.read_text(encoding="utf-8") == "secret\n"
    assert target.stat().st_mode & 0o777 == 0o600
    write_atomically(tmp_path / "page.html", "ສະບາຍດີ")
    assert (tmp_path / "page.html").read_text(encoding="utf-8") == "ສະບາຍດີ"
    assert sorted(p.name for p in tmp_path.rglob("*.tmp")) == []
