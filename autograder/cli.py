"""`dgt grade ...`: the trainer's commands, one per step of the grading loop."""

from __future__ import annotations

import argparse

from course.cli import needs_action
from course.messages import t


def _init(args: argparse.Namespace) -> int:
    from autograder import workspace

    ws = workspace.init(args.workspace)
    print(t("grade.initialised", path=ws.root))
    return 0


def _assignments(args: argparse.Namespace) -> int:
    from course.manifest import curriculum

    for exercise in curriculum().exercises:
        print(f"{exercise.id}\t{exercise.notebook}\t{exercise.points:g}")
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    """Add the `grade` command group to the `dgt` parser."""
    grade = commands.add_parser("grade", help=t("cli.grade.help"), description=t("cli.grade.help"))
    needs_action(grade)
    actions = grade.add_subparsers(dest="grade_command", metavar="ACTION", parser_class=type(grade))

    def action(name: str, run, help_key: str) -> argparse.ArgumentParser:
        parser = actions.add_parser(name, help=t(help_key), description=t(help_key))
        parser.add_argument("--workspace", help=t("cli.workspace.help"))
        parser.set_defaults(run=run)
        return parser

    action("init", _init, "cli.grade_init.help")
    action("assignments", _assignments, "cli.grade_assignments.help")
