"""The dgt command line: --help everywhere, one clear line for user errors."""

import subprocess
import sys

import pytest

from course.cli import main

SUBCOMMANDS = [
    [],
    ["lab"],
    ["book"],
    ["book", "build"],
    ["book", "pdf"],
    ["bundle"],
    ["apps"],
    ["data", "generate"],
    ["notebooks", "clean"],
    ["grade"],
    ["grade", "init"],
    ["grade", "assignments"],
    ["grade", "roster", "import"],
    ["grade", "release"],
    ["grade", "collect"],
    ["grade", "autograde"],
    ["grade", "feedback"],
    ["grade", "export"],
    ["grade", "report"],
    ["grade", "sandbox"],
]


@pytest.mark.parametrize("words", SUBCOMMANDS, ids=lambda w: " ".join(w) or "dgt")
def test_every_subcommand_has_help(words, capsys):
    """--help prints usage and exits 0."""
    with pytest.raises(SystemExit) as stop:
        main([*words, "--help"])
    assert stop.value.code == 0
    assert "usage: dgt" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (["gradee"], "invalid choice: 'gradee'"),
        (["lab", "--port", "eighty"], "invalid int value"),
        (["book", "biuld"], "invalid choice: 'biuld'"),
    ],
)
def test_typos_give_one_line_and_exit_2(words, expected, capsys):
    """A typo prints one line on stderr (no usage dump, no traceback) and exits 2."""
    assert main(words) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("dgt: ") and expected in err
    assert "Traceback" not in err


def test_group_without_action_shows_its_help(capsys):
    """`dgt book` alone shows the book group's help and exits 2."""
    assert main(["book"]) == 2
    assert "build" in capsys.readouterr().out


def test_console_script_and_python_m_course_agree():
    """`python -m course --version` runs the same CLI."""
    result = subprocess.run(
        [sys.executable, "-m", "course", "--version"], capture_output=True, text=True
    )
    assert result.returncode == 0 and result.stdout.startswith("dgt ")


def test_importing_course_stays_light():
    """`import course` and the learner API load no nbgrader, Voila, Sphinx or matplotlib."""
    code = (
        "import sys, course, course.learn, course.data, course.manifest; "
        "heavy = [m for m in ('nbgrader', 'voila', 'sphinx', 'jupyter_book', 'matplotlib') if m in sys.modules]; "
        "print(heavy)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_workspace_inside_the_repository_is_refused(tmp_path):
    """The gradebook never lands inside the curriculum repository."""
    from course.manifest import repo_root

    assert main(["grade", "init", "--workspace", str(repo_root() / "ws")]) == 2


def test_output_cut_short_by_a_closed_pipe_is_no_traceback():
    """`dgt grade assignments | head -1`: the reader goes away; dgt ends quietly, no traceback."""
    import subprocess
    import sys

    reader_gone = subprocess.Popen(
        [sys.executable, "-m", "course", "grade", "assignments"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    reader_gone.stdout.close()  # before dgt writes a line: its first write finds no reader
    stderr = reader_gone.stderr.read().decode()
    assert reader_gone.wait(timeout=120) == 0
    assert "Traceback" not in stderr and "BrokenPipe" not in stderr
