"""Benchmark: plain `nbgrader autograde` against `dgt grade autograde` on the same generated cohort.

Run:  .venv/bin/python bench/grade_autograde.py [--trainees 60] [--workers 2] [--assignments B1-foundations B2-situation-analysis]

Steps (all in one run, on copies of one workspace, so both graders see the same bytes):
1. Make a workspace in a temporary folder, import a roster of N trainees (PPAs in turn),
   release the assignments (B1 and one more from the manifest by default).
2. Generate one submission per trainee and assignment with
   autograder.submissions.answered(), skipping a different set of answers for each
   trainee (fixed seed), and collect them with `dgt grade collect --from`.
3. Copy the workspace twice. In copy A run `nbgrader autograde ASSIGNMENT --create
   --force` per assignment; in copy B run `dgt grade autograde ASSIGNMENT --workers W`.
   Both as subprocesses, timed by wall clock, one after the other.
4. Compare every grade of every cell in the two gradebooks (auto score, manual score,
   needs-manual flag) and the comments; they must be identical.

Prints a Markdown table for docs/benchmarks.md and writes bench/_out/grade_autograde.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from autograder.submissions import answered  # noqa: E402
from course.manifest import curriculum  # noqa: E402


def default_assignments() -> list[str]:
    """B1 plus the next module with an exercise in the manifest."""
    ids = [m.id for m in curriculum().modules if m.exercise.source.is_file()]
    others = [i for i in ids if i != "B1-foundations"]
    return ["B1-foundations", *others[:1]]


def make_cohort(workspace: Path, trainees: int, assignments: list[str], seed: int) -> Path:
    """Roster, release and generated submissions; returns the submissions folder."""
    from course.data import provinces

    ppas = list(provinces().name_en)
    roster = workspace.parent / "roster.csv"
    lines = ["trainee_id,name,ppa,email"]
    for n in range(trainees):
        lines.append(f"t{n:03d},Trainee {n:03d},{ppas[n % len(ppas)]},t{n:03d}@example.org")
    roster.write_text("\n".join(lines) + "\n", encoding="utf-8")
    dgt("grade", "init", workspace=workspace)
    dgt("grade", "roster", "import", str(roster), workspace=workspace)
    rng = random.Random(seed)
    folder = workspace.parent / "submissions"
    for assignment in assignments:
        dgt("grade", "release", assignment, workspace=workspace)
        exercise = curriculum().assignment(assignment).exercise
        source = nbformat.read(exercise.source, as_version=4)
        answer_ids = [
            c.metadata["nbgrader"]["grade_id"]
            for c in source.cells
            if c.metadata.get("nbgrader", {}).get("solution") and c.cell_type == "code"
        ]
        for n in range(trainees):
            skip = {a for a in answer_ids if rng.random() < 0.25}
            target = folder / f"t{n:03d}" / assignment / exercise.notebook
            target.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(answered(source, skip), target)
    for assignment in assignments:
        dgt("grade", "collect", assignment, "--from", str(folder), workspace=workspace)
    return folder


def env_for(workspace: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["DGT_WORKSPACE"] = str(workspace)
    env["JUPYTER_CONFIG_PATH"] = str(ROOT / "autograder")
    env["DGT_ROOT"] = str(ROOT)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return env


def dgt(*arguments: str, workspace: Path) -> float:
    """Run `dgt ...` on `workspace`; return the wall time."""
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "course", *arguments, "--workspace", str(workspace)],
        env=env_for(workspace),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def nbgrader(*arguments: str, workspace: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "nbgrader", *arguments],
        cwd=workspace,
        env=env_for(workspace),
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def gradebook_content(workspace: Path) -> dict:
    """Every grade and comment, keyed by (assignment, trainee, notebook, cell)."""
    from nbgrader.api import Gradebook

    content = {}
    with Gradebook(f"sqlite:///{workspace / 'gradebook.db'}") as gradebook:
        for assignment in gradebook.assignments:
            for submission in gradebook.assignment_submissions(assignment.name):
                for notebook in submission.notebooks:
                    for grade in notebook.grades:
                        key = f"{assignment.name}/{submission.student.id}/{notebook.name}/{grade.name}"
                        content[key] = [
                            grade.auto_score,
                            grade.manual_score,
                            grade.needs_manual_grade,
                        ]
                    for comment in notebook.comments:
                        key = f"{assignment.name}/{submission.student.id}/{notebook.name}/{comment.name}#c"
                        content[key] = [comment.auto_comment, comment.manual_comment]
    return content


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trainees", type=int, default=60)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--assignments", nargs="+", default=None)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--keep", action="store_true", help="keep the temporary workspaces")
    options = parser.parse_args()
    assignments = options.assignments or default_assignments()
    temp = Path(tempfile.mkdtemp(prefix="dgt-bench-"))
    try:
        base = temp / "base" / "workspace"
        base.parent.mkdir(parents=True)
        print(f"cohort: {options.trainees} trainees x {assignments}", flush=True)
        make_cohort(base, options.trainees, assignments, options.seed)
        plain, ours = temp / "plain" / "workspace", temp / "dgt" / "workspace"
        for copy in (plain, ours):
            shutil.copytree(base, copy, symlinks=True)
        notebooks = options.trainees * len(assignments)
        print("plain nbgrader autograde ...", flush=True)
        plain_seconds = sum(
            nbgrader("autograde", a, "--create", "--force", workspace=plain) for a in assignments
        )
        print(f"dgt grade autograde --workers {options.workers} ...", flush=True)
        dgt_seconds = sum(
            dgt("grade", "autograde", a, "--workers", str(options.workers), workspace=ours)
            for a in assignments
        )
        reference, result = gradebook_content(plain), gradebook_content(ours)
        different = sorted(
            k for k in reference.keys() | result.keys() if reference.get(k) != result.get(k)
        )
        summary = {
            "trainees": options.trainees,
            "assignments": assignments,
            "notebooks": notebooks,
            "workers": options.workers,
            "cpus": os.cpu_count(),
            "plain_seconds": round(plain_seconds, 1),
            "dgt_seconds": round(dgt_seconds, 1),
            "plain_notebooks_per_second": round(notebooks / plain_seconds, 2),
            "dgt_notebooks_per_second": round(notebooks / dgt_seconds, 2),
            "speedup": round(plain_seconds / dgt_seconds, 2),
            "cells_compared": len(reference),
            "identical": not different,
            "differences": different[:20],
            "load_average_after": os.getloadavg(),
        }
        out = ROOT / "bench" / "_out"
        out.mkdir(exist_ok=True)
        (out / "grade_autograde.json").write_text(json.dumps(summary, indent=1), encoding="utf-8")
        print(json.dumps(summary, indent=1))
        print()
        print("| grader | wall time | notebooks/s | ratio |")
        print("| --- | --- | --- | --- |")
        print(
            f"| `nbgrader autograde` | {plain_seconds:.1f} s | {notebooks / plain_seconds:.2f} | 1.00 |"
        )
        print(
            f"| `dgt grade autograde --workers {options.workers}` | {dgt_seconds:.1f} s | "
            f"{notebooks / dgt_seconds:.2f} | {plain_seconds / dgt_seconds:.2f} |"
        )
        return 0 if not different else 1
    finally:
        if options.keep:
            print(f"workspaces kept in {temp}")
        else:
            shutil.rmtree(temp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
