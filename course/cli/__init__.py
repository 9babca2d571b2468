"""The `dgt` command line: a thin wrapper over functions in `course` and `autograder`.

Every subcommand has --help. A user error prints one line, `dgt: <message>`, and exits
with status 2; nothing is half-written. Heavy tools are imported only by the
subcommand that needs them.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Callable, Sequence

from course.cli import worksheets
from course.errors import UserError
from course.messages import t


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one plain line, not a usage dump."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UserError(t("cli.usage_error", message=message, prog=self.prog))


def _lab(args: argparse.Namespace) -> int:
    from course.serve import lab

    return lab.start(port=args.port, open_browser=not args.no_browser, workspace=args.workspace)


def _book_build(args: argparse.Namespace) -> int:
    from course.publish import book

    book.build(strict=not args.no_strict, quiet=args.quiet)
    return 0


def _book_pdf(args: argparse.Namespace) -> int:
    from course.publish import book, pdf

    if not args.no_build:
        book.build(strict=True, quiet=True)
    pdf.make_pdf()
    return 0


def _bundle(args: argparse.Namespace) -> int:
    from course.publish import bundle

    bundle.make_bundle(target=args.output, build=not args.no_build)
    return 0


def _apps(args: argparse.Namespace) -> int:
    from course.serve import app_server

    return app_server.serve(port=args.port, open_browser=not args.no_browser)


def _data_generate(args: argparse.Namespace) -> int:
    from course import synthetic

    for path in synthetic.generate_all():
        print(t("cli.wrote", path=path))
    return 0


def _notebooks_clean(args: argparse.Namespace) -> int:
    from course.manifest import repo_root
    from course.publish import authoring

    root = repo_root()
    changed = 0
    for folder in ("modules", "exercises", "course/apps"):
        for path in sorted((root / folder).rglob("*.ipynb")):
            if ".ipynb_checkpoints" in path.parts:
                continue
            if authoring.clean(path):
                changed += 1
                print(t("cli.cleaned", path=path.relative_to(root)))
    print(t("cli.cleaned_count", count=changed))
    return 0


def _needs_action(parser: argparse.ArgumentParser) -> None:
    """Make every command group given without its action (e.g. `dgt book`) print its help.

    Applied once to the whole tree, so groups added by `_extensions()` get it too without
    importing this module.
    """
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for group in {id(p): p for p in action.choices.values()}.values():
                _needs_action(group)
            if parser.get_default("run") is None:

                def show_help(_args: argparse.Namespace, group=parser) -> int:
                    group.print_help()
                    return 2

                parser.set_defaults(run=show_help)


def build_parser() -> argparse.ArgumentParser:
    """Return the full `dgt` argument parser."""
    parser = _Parser(prog="dgt", description=t("cli.description"))
    parser.add_argument("--version", action="version", version=_version())
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    lab = commands.add_parser("lab", help=t("cli.lab.help"), description=t("cli.lab.help"))
    lab.add_argument("--port", type=int, default=8888, help=t("cli.port.help"))
    lab.add_argument("--no-browser", action="store_true", help=t("cli.no_browser.help"))
    lab.add_argument("--workspace", help=t("cli.workspace.help"))
    lab.set_defaults(run=_lab)

    book = commands.add_parser("book", help=t("cli.book.help"), description=t("cli.book.help"))
    book_commands = book.add_subparsers(dest="book_command", metavar="ACTION", parser_class=_Parser)
    build = book_commands.add_parser(
        "build", help=t("cli.book_build.help"), description=t("cli.book_build.help")
    )
    build.add_argument("--no-strict", action="store_true", help=t("cli.no_strict.help"))
    build.add_argument("--quiet", action="store_true", help=t("cli.quiet.help"))
    build.set_defaults(run=_book_build)
    pdf = book_commands.add_parser(
        "pdf", help=t("cli.book_pdf.help"), description=t("cli.book_pdf.help")
    )
    pdf.add_argument("--no-build", action="store_true", help=t("cli.no_build.help"))
    pdf.set_defaults(run=_book_pdf)
    worksheets.register(book_commands)

    bundle = commands.add_parser(
        "bundle", help=t("cli.bundle.help"), description=t("cli.bundle.help")
    )
    bundle.add_argument("--output", help=t("cli.bundle_output.help"))
    bundle.add_argument("--no-build", action="store_true", help=t("cli.no_build.help"))
    bundle.set_defaults(run=_bundle)

    apps = commands.add_parser("apps", help=t("cli.apps.help"), description=t("cli.apps.help"))
    apps.add_argument("--port", type=int, default=8866, help=t("cli.port.help"))
    apps.add_argument("--no-browser", action="store_true", help=t("cli.no_browser.help"))
    apps.set_defaults(run=_apps)

    data = commands.add_parser("data", help=t("cli.data.help"), description=t("cli.data.help"))
    data_commands = data.add_subparsers(dest="data_command", metavar="ACTION", parser_class=_Parser)
    generate = data_commands.add_parser(
        "generate", help=t("cli.data_generate.help"), description=t("cli.data_generate.help")
    )
    generate.set_defaults(run=_data_generate)

    notebooks = commands.add_parser(
        "notebooks", help=t("cli.notebooks.help"), description=t("cli.notebooks.help")
    )
    nb_commands = notebooks.add_subparsers(
        dest="nb_command", metavar="ACTION", parser_class=_Parser
    )
    clean = nb_commands.add_parser(
        "clean", help=t("cli.notebooks_clean.help"), description=t("cli.notebooks_clean.help")
    )
    clean.set_defaults(run=_notebooks_clean)

    for register in _extensions():
        register(commands)
    for group in commands.choices.values():
        _needs_action(group)
    return parser


def _extensions() -> list[Callable]:
    """Subcommand groups that live outside `course` (imported lazily when they run)."""
    from autograder.cli import register as grade
    from course.cli.classroom import register as classroom
    from course.cli.i18n import register as i18n

    return [grade, i18n, classroom]


def _version() -> str:
    from course import __version__

    return f"dgt {__version__}"


def main(argv: Sequence[str] | None = None) -> int:
    """Run `dgt` with `argv` (default: the process arguments); return the exit status."""
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        if not hasattr(args, "run"):
            parser.print_help()
            return 2
        return int(args.run(args) or 0)
    except UserError as error:
        print(f"dgt: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(t("cli.interrupted"), file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (`dgt grade assignments | head`): not an error
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
