"""nbgrader's configuration for the Digital Government Transformation Lab (one commented file).

nbgrader reads this file when `dgt` runs it (and when `dgt lab` starts JupyterLab, through
JUPYTER_CONFIG_PATH). Our own settings (the workspace folder, the course id) come from
the environment that `dgt` sets; see autograder/workspace.py.
"""

import os
from pathlib import Path

c = get_config()  # noqa: F821  (provided by traitlets when nbgrader loads this file)

workspace = Path(os.environ.get("DGT_WORKSPACE", Path.home() / "dgt-workspace")).expanduser()
curriculum = Path(os.environ.get("DGT_ROOT", Path(__file__).resolve().parent.parent))

# The course: one id, one workspace folder outside the repository.
c.CourseDirectory.course_id = os.environ.get("DGT_COURSE_ID", "dgt")
c.CourseDirectory.root = str(workspace)
# Source assignments are the repository's exercises/ folder, so trainers edit them in place.
c.CourseDirectory.source_directory = str(curriculum / "exercises")
# Each assignment's data comes from the `course` package, so no extra files are copied.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback"]

# The gradebook: SQLite in the workspace by default; any SQLAlchemy URL through DGT_DB_URL
# (for example postgresql://grader@localhost/dgt when several trainers grade at once).
c.CourseDirectory.db_url = os.environ.get("DGT_DB_URL", f"sqlite:///{workspace / 'gradebook.db'}")

# The exchange (release, fetch, submit, collect) lives in the workspace too, so no
# root-owned /srv folder is needed on a trainer's laptop.
c.Exchange.root = str(workspace / "exchange")

# Released notebooks: the answer cell already sets the variable to None, so the stub
# only marks the place; code that raises NotImplementedError would hide the practice check.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# Hidden tests are removed from the trainee's copy and restored only for grading.
c.ClearHiddenTests.begin_test_delimeter = "BEGIN HIDDEN TESTS"
c.ClearHiddenTests.end_test_delimeter = "END HIDDEN TESTS"

# Lock the setup and grade cells; nbgrader's checksums catch edited or deleted ones.
# A test cell a trainee deleted is put back (from the gradebook) before grading, so that
# deleting a failing test cannot earn its points; edited ones are overwritten anyway.
c.OverwriteCells.add_missing_cells = True
c.LockCells.lock_readonly_cells = True
c.LockCells.lock_grade_cells = True
c.LockCells.lock_solution_cells = False

# Executing a submission: a per-cell limit. nbgrader's Execute always goes on after an
# error, so every grade cell gets a score.
c.Execute.timeout = int(os.environ.get("DGT_CELL_TIMEOUT", "30"))
c.Execute.interrupt_on_timeout = True
c.Execute.iopub_timeout = 10
c.Execute.raise_on_iopub_timeout = False
