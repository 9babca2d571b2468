"""`dgt grade ...`: the trainer's commands, one per step of the grading loop.

Each command is a thin wrapper over a function in `autograder`; heavy tools (nbgrader)
are imported only when a command runs.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from course.errors import UserError
from course.messages import t


def _existing(args: argparse.Namespace):
    """The workspace named by --workspace / DGT_WORKSPACE, which must have been created."""
    from autograder import workspace

    ws = workspace.resolve(args.workspace)
    if not ws.root.is_dir():
        raise UserError(t("grade.no_workspace", path=ws.root))
    os.environ["DGT_WORKSPACE"] = str(ws.root)
    return ws


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


def _roster_import(args: argparse.Namespace) -> int:
    from autograder import roster

    ws = _existing(args)
    imported, errors = roster.import_file(ws.root, ws.db_url(), Path(args.file))
    if errors:
        for line in errors:
            print(line, file=sys.stderr)
        raise UserError(t("grade.roster.rejected", count=len(errors), file=args.file))
    print(t("grade.roster.imported", count=len(imported), path=roster.roster_path(ws.root)))
    return 0


def _roster_list(args: argparse.Namespace) -> int:
    from autograder import roster

    ws = _existing(args)
    trainees = roster.load(ws.root)
    if not trainees:
        raise UserError(t("grade.collect.no_roster"))
    header = tuple(t(f"grade.roster.col.{name}") for name in roster.FIELDS)
    rows = ((x.trainee_id, x.name, x.ppa, x.email or "-", x.name_lo or "-") for x in trainees)
    table = [header, *rows]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    for row in table:
        print(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        )
    print(t("grade.roster.count", count=len(trainees), path=roster.roster_path(ws.root)))
    return 0


def _status(args: argparse.Namespace) -> int:
    from autograder import status

    ws = _existing(args)
    for line in status.lines(ws, args.assignment):
        print(line)
    return 0


def _release(args: argparse.Namespace) -> int:
    from autograder import release

    ws = _existing(args)
    paths = release.release(ws, args.assignment, args.due)
    print(
        t(
            "grade.release.done",
            assignment=args.assignment,
            folder=paths["release"],
            zip=paths["zip"],
        )
    )
    return 0


def _collect(args: argparse.Namespace) -> int:
    from autograder import collect

    ws = _existing(args)
    collect.collect(ws, args.assignment, Path(args.source) if args.source else None)
    return 0


def _autograde(args: argparse.Namespace) -> int:
    from autograder import autograde

    ws = _existing(args)
    autograde.autograde(ws, args.assignment, args.workers, force=args.force)
    return 0


def _feedback(args: argparse.Namespace) -> int:
    from autograder import feedback

    ws = _existing(args)
    feedback.feedback(ws, args.assignment)
    print(t("grade.feedback.written", folder=ws.root / "feedback"))
    if args.release:
        released, by_hand = feedback.release_feedback(ws, args.assignment)
        print(t("grade.feedback.released", count=released, by_hand=by_hand))
    return 0


def _export(args: argparse.Namespace) -> int:
    from autograder import export

    ws = _existing(args)
    paths, warnings = export.export(
        ws, Path(args.to) if args.to else None, args.id, args.include_provisional
    )
    for path in paths:
        print(t("cli.wrote", path=path))
    for line in warnings:
        print(t("grade.export.warning", text=line), file=sys.stderr)
    return 0


def _report(args: argparse.Namespace) -> int:
    from autograder import report

    ws = _existing(args)
    print(t("cli.wrote", path=report.report(ws, Path(args.to) if args.to else None)))
    return 0


def _certificates(args: argparse.Namespace) -> int:
    from autograder import certificates

    ws = _existing(args)
    if args.verify:
        entry = certificates.verify(ws.root, args.verify)
        print(
            t(
                "grade.cert.genuine",
                name=entry["name"],
                trainee=entry["trainee_id"],
                modules=entry["modules"].replace(";", ", "),
                date=entry["date"],
                trainer=entry["trainer"],
            )
        )
        return 0
    settings = certificates.load_settings(ws.root, args.min_percent, args.trainer)
    written, folder = certificates.certificates(ws, settings, args.date)
    print(t("grade.cert.written", count=len(written), folder=folder))
    return 0


def _sandbox(args: argparse.Namespace) -> int:
    from autograder.execution import sandbox
    from autograder.execution.kernels import KernelFactory

    factory = KernelFactory([])
    try:
        for line in sandbox.describe(factory.mode, sandbox.Limits()):
            print(line)
    finally:
        factory.close()
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    """Add the `grade` command group to the `dgt` parser.

    Its parsers are of the `dgt` parser's own type; a group given without its action
    prints its help (`course.cli` sets that for the whole tree, so this module does not
    import the CLI).
    """
    grade = commands.add_parser("grade", help=t("cli.grade.help"), description=t("cli.grade.help"))
    actions = grade.add_subparsers(dest="grade_command", metavar="ACTION", parser_class=type(grade))

    def action(name: str, run, help_key: str, group=actions) -> argparse.ArgumentParser:
        parser = group.add_parser(name, help=t(help_key), description=t(help_key))
        parser.add_argument("--workspace", help=t("cli.workspace.help"))
        parser.set_defaults(run=run)
        return parser

    action("init", _init, "cli.grade_init.help")
    action("assignments", _assignments, "cli.grade_assignments.help")

    roster_group = actions.add_parser(
        "roster", help=t("cli.grade_roster.help"), description=t("cli.grade_roster.help")
    )
    roster_actions = roster_group.add_subparsers(
        dest="roster_command", metavar="ACTION", parser_class=type(grade)
    )
    parser = action("import", _roster_import, "cli.grade_roster_import.help", roster_actions)
    parser.add_argument("file", metavar="FILE.csv", help=t("cli.grade_roster_file.help"))
    action("list", _roster_list, "cli.grade_roster_list.help", roster_actions)

    parser = action("status", _status, "cli.grade_status.help")
    parser.add_argument(
        "assignment", metavar="ASSIGNMENT", nargs="?", help=t("cli.grade_status_assignment.help")
    )

    parser = action("release", _release, "cli.grade_release.help")
    parser.add_argument("assignment", metavar="ASSIGNMENT", help=t("cli.grade_assignment.help"))
    parser.add_argument("--due", metavar="DATE", help=t("cli.grade_due.help"))

    parser = action("collect", _collect, "cli.grade_collect.help")
    parser.add_argument("assignment", metavar="ASSIGNMENT", help=t("cli.grade_assignment.help"))
    parser.add_argument("--from", dest="source", metavar="PATH", help=t("cli.grade_from.help"))

    parser = action("autograde", _autograde, "cli.grade_autograde.help")
    parser.add_argument("assignment", metavar="ASSIGNMENT", help=t("cli.grade_assignment.help"))
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1, help=t("cli.grade_workers.help")
    )
    parser.add_argument("--force", action="store_true", help=t("cli.grade_force.help"))

    parser = action("feedback", _feedback, "cli.grade_feedback.help")
    parser.add_argument("assignment", metavar="ASSIGNMENT", help=t("cli.grade_assignment.help"))
    parser.add_argument("--release", action="store_true", help=t("cli.grade_feedback_release.help"))

    parser = action("export", _export, "cli.grade_export.help")
    parser.add_argument("--to", metavar="FOLDER", help=t("cli.grade_export_to.help"))
    parser.add_argument(
        "--id",
        choices=("email", "idnumber", "username"),
        default="email",
        help=t("cli.grade_export_id.help"),
    )
    parser.add_argument(
        "--include-provisional", action="store_true", help=t("cli.grade_export_provisional.help")
    )

    parser = action("report", _report, "cli.grade_report.help")
    parser.add_argument("--to", metavar="FILE.html", help=t("cli.grade_report_to.help"))

    parser = action("certificates", _certificates, "cli.grade_certificates.help")
    parser.add_argument(
        "--min-percent", type=float, metavar="N", help=t("cli.grade_cert_percent.help")
    )
    parser.add_argument("--trainer", metavar="NAME", help=t("cli.grade_cert_trainer.help"))
    parser.add_argument("--date", metavar="YYYY-MM-DD", help=t("cli.grade_cert_date.help"))
    parser.add_argument("--verify", metavar="CODE", help=t("cli.grade_cert_verify.help"))

    action("sandbox", _sandbox, "cli.grade_sandbox.help")
