"""The Moodle grade file, read back the way Moodle's CSV grade import (grade/import/csv) reads it.

`moodle_import` below follows Moodle's own code path for a file that has been mapped on
the import's mapping page: `csv_import_reader` (fgetcsv rows, the first one the header,
every row with as many columns as the header or the whole file is refused), then
`gradeimport_csv_load_data::prepare_import_grade_data`:

- a line with one column or less is skipped;
- the column mapped "from" identifies the user: an empty value is skipped, so the
  line's grades go to the user of the line before (or, on the first line, the import
  stops); a value must match exactly one user (e-mail and user name without regard to
  case, ID number exactly), or the import stops;
- a column mapped to a grade item: "" or "-" means no grade (null), anything else must
  be a number or the import stops, and a number above 100 (Moodle's default
  `gradepointmax`) stops it too;
- columns mapped to nothing are ignored.
"""

from __future__ import annotations

import csv
import io

import pytest

from autograder import export, results, roster

ID = "B1-foundations"
OTHER = "B2-situation-analysis"
#: Moodle's fields a file column can be mapped to, with how it compares values.
FIELDS = {"email": str.casefold, "idnumber": str, "username": str.casefold}


class ImportStopped(Exception):
    """Moodle refuses the whole import (cleanup_import)."""


def moodle_import(
    text: str, column: str, field: str, items: list[str], users: list[dict]
) -> dict[tuple[int, str], float | None]:
    """Grades by (Moodle user id, grade item) after importing `text`, as Moodle would."""
    lines = [line for line in csv.reader(io.StringIO(text)) if line]  # fgetcsv; blank lines
    if not lines:
        raise ImportStopped("csvemptyfile")
    header = [h.strip() for h in lines[0]]
    if any(len(line) != len(header) for line in lines):
        raise ImportStopped("csvweirdcolumns")
    fold = FIELDS[field]
    grades: dict[tuple[int, str], float | None] = {}
    student = None
    for line in lines[1:]:
        if len(line) <= 1:
            continue
        new: list[tuple[str, float | None]] = []
        for key, raw in enumerate(line):
            value = raw.strip()
            if header[key] == column:
                if value:  # "Skip invalid row with blank user field": the previous user stays
                    found = [u["id"] for u in users if u[field] and fold(u[field]) == fold(value)]
                    if len(found) != 1:
                        raise ImportStopped(f"usermappingerror {field}={value!r}")
                    student = found[0]
            elif header[key] in items:
                if value in ("", "-"):
                    new.append((header[key], None))
                    continue
                try:
                    number = float(value)
                except ValueError:
                    raise ImportStopped(f"badgrade {value!r}") from None
                if number > 100:
                    raise ImportStopped("gradevaluetoobig")
                new.append((header[key], number))
        if student is None:
            raise ImportStopped("usermappingerrorusernotfound")
        for item, grade in new:
            grades[(student, item)] = grade
    return grades


def row(trainee: str, assignment: str, score: float, status: str, flags=None) -> results.Row:
    flags = flags if flags is not None else ([] if status == "graded" else [status])
    return results.Row(trainee, "", "", assignment, score, 10, status, flags, True)


TRAINEES = [
    roster.Trainee("t01", "Somchai Phommavong", "Savannakhet", "somchai@example.org"),
    roster.Trainee("t02", "Bounmy Keomany", "Luang Prabang", ""),
    roster.Trainee("T03", "Noy Sisavath", "Champasak", "noy@example.org"),
    roster.Trainee("t04", "Khamla Vongsa", "Vientiane Capital", "khamla@example.org"),
    roster.Trainee("t05", "Vanh Souksavath", "Attapeu", "vanh@example.org"),
]
ROWS = [
    row("t01", ID, 8, "graded"),
    row("t02", ID, 9, "graded"),  # no e-mail
    row("T03", ID, 7, "needs_manual"),  # a written answer still to mark: provisional
    row("t04", ID, 6, "timeout", ["timeout", "needs_manual"]),  # provisional too
    row("t05", ID, 0, "missing"),
    row("t01", OTHER, 4.5, "graded"),
    row("t02", OTHER, 3, "graded"),
    row("T03", OTHER, 5, "graded"),
    row("t04", OTHER, 0, "not_graded"),
    row("t05", OTHER, 2, "late", ["late"]),
]
#: Moodle's users: the trainees as a Moodle site would hold them, and accounts that are no
#: trainee's, with an empty ID number (as most Moodle accounts have) and one with no e-mail.
USERS = [
    {"id": 2, "email": "admin@example.org", "idnumber": "", "username": "admin"},
    {"id": 3, "email": "", "idnumber": "", "username": "teacher"},
    *(
        {"id": 10 + i, "email": x.email, "idnumber": x.trainee_id, "username": x.trainee_id.lower()}
        for i, x in enumerate(TRAINEES)
    ),
]
MOODLE_ID = {x.trainee_id: 10 + i for i, x in enumerate(TRAINEES)}
COLUMN = {"email": "Email address", "idnumber": "ID number", "username": "Username"}


def exported(id_field: str, include_provisional: bool = False) -> export.MoodleFile:
    return export.moodle_file(ROWS, TRAINEES, id_field, include_provisional)


@pytest.mark.parametrize("id_field", sorted(FIELDS))
def test_moodle_import_puts_each_grade_on_its_own_trainee(id_field):
    """Read as Moodle does: every row names one user, provisional scores are empty, numbers parse."""
    made = exported(id_field)
    lines = list(csv.reader(io.StringIO(made.text)))
    ids = [line[0] for line in lines[1:]]
    assert lines[0][0] == COLUMN[id_field] and all(ids)
    assert len({i.casefold() for i in ids}) == len(ids)
    grades = moodle_import(made.text, COLUMN[id_field], id_field, [ID, OTHER], USERS)
    without_email = {"t02"} if id_field == "email" else set()
    assert made.left_out == sorted(without_email)
    expected = {
        ("t01", ID): 8,
        ("t02", ID): 9,
        ("T03", ID): None,  # provisional: left empty
        ("t04", ID): None,
        ("t05", ID): None,  # missing: no score known
        ("t01", OTHER): 4.5,
        ("t02", OTHER): 3,
        ("T03", OTHER): 5,
        ("t04", OTHER): None,
        ("t05", OTHER): 2,
    }
    assert grades == {
        (MOODLE_ID[trainee], item): grade
        for (trainee, item), grade in expected.items()
        if trainee not in without_email
    }


def test_a_trainee_without_email_is_left_out_not_given_to_the_row_above():
    """With e-mail as identifier, a trainee with none is not in the file and is named in the warning."""
    made = exported("email")
    assert "t02" not in made.text and "Bounmy" not in made.text
    assert made.left_out == ["t02"]
    assert "t02" in made.warnings()[0] and "--id" in made.warnings()[0]


def test_provisional_scores_only_with_the_option():
    """Scores waiting for manual marking are empty unless --include-provisional is given."""
    grades = moodle_import(
        exported("idnumber", include_provisional=True).text, "ID number", "idnumber", [ID], USERS
    )
    assert grades[(MOODLE_ID["T03"], ID)] == 7 and grades[(MOODLE_ID["t04"], ID)] == 6
    assert grades[(MOODLE_ID["t05"], ID)] is None  # missing is never a provisional score


def test_maximum_points_are_stated_for_every_grade_column():
    """The side file gives each grade column's maximum; no exported grade is above it."""
    made = exported("idnumber", include_provisional=True)
    items = {r["column"]: float(r["maximum"]) for r in csv.DictReader(io.StringIO(made.items))}
    header = next(csv.reader(io.StringIO(made.text)))
    assert [h for h in header if h in items] == [ID, OTHER] and items == {ID: 10, OTHER: 10}
    grades = moodle_import(made.text, "ID number", "idnumber", [ID, OTHER], USERS)
    assert all(g is None or 0 <= g <= items[item] for (_, item), g in grades.items())


def test_duplicate_identifiers_are_left_out():
    """Two trainees with the same e-mail would both land on one Moodle user: both are left out."""
    twins = [*TRAINEES[:4], roster.Trainee("t05", "Vanh S", "Attapeu", "SOMCHAI@example.org")]
    made = export.moodle_file(ROWS, twins, "email")
    assert made.left_out == ["t01", "t02", "t05"]
    assert moodle_import(made.text, "Email address", "email", [ID], USERS)


def test_export_command_writes_three_files_and_warns(tmp_path, monkeypatch, capsys):
    """`dgt grade export --id email` writes the CSVs and the maxima, and warns about left-out trainees."""
    from course.cli import main

    monkeypatch.setattr(export.results, "rows", lambda workspace: ROWS)
    monkeypatch.setattr(export.roster, "load", lambda root: TRAINEES)
    assert main(["grade", "init", "--workspace", str(tmp_path / "ws")]) == 0
    capsys.readouterr()
    assert main(["grade", "export", "--workspace", str(tmp_path / "ws"), "--id", "email"]) == 0
    out, err = capsys.readouterr()
    assert out.count("wrote ") == 3
    names = sorted(p.name for p in (tmp_path / "ws" / "export").iterdir())
    assert names == ["grades.csv", "moodle-grade-items.csv", "moodle-grades.csv"]
    assert "t02" in err and "Traceback" not in err
    assert main(["grade", "export", "--workspace", str(tmp_path / "ws"), "--id", "name"]) == 2
