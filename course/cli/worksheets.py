"""`dgt book worksheets`: the printable worksheets (PDF) and the spreadsheet templates (.xlsx)."""

from __future__ import annotations

import argparse
from pathlib import Path

from course.messages import t


def _run(args: argparse.Namespace) -> int:
    from course.publish import worksheets

    folder = Path(args.output).expanduser() if args.output else worksheets.default_folder()
    written = worksheets.make_kit(folder)
    for path in written:
        print(t("worksheets.wrote", path=path))
    sheets = sum(1 for path in written if path.suffix == ".pdf")
    print(t("worksheets.written", count=sheets, templates=len(written) - sheets, path=folder))
    return 0


def register(book_commands) -> None:
    """Add `worksheets` to the `dgt book` group (its subparsers action)."""
    command = book_commands.add_parser(
        "worksheets",
        help=t("cli.book_worksheets.help"),
        description=t("cli.book_worksheets.help"),
    )
    command.add_argument("--output", metavar="DIR", help=t("cli.book_worksheets.output"))
    command.set_defaults(run=_run)
