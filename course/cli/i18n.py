"""`dgt i18n extract|update|status`, `dgt notebooks translate`, `dgt book build --lang`: translations."""

from __future__ import annotations

import argparse
from pathlib import Path

from course.messages import t


def _locale(args: argparse.Namespace) -> Path | None:
    return Path(args.locale) if args.locale else None


def _extract(args: argparse.Namespace) -> int:
    from course.publish import i18n

    target = Path(args.output) if args.output else i18n.template_dir()
    written = i18n.extract(target)
    print(t("i18n.extracted", count=len(written), path=target))
    return 0


def _update(args: argparse.Namespace) -> int:
    from course.publish import i18n

    written = i18n.update(args.lang, _locale(args))
    for path in written:
        print(t("i18n.wrote", path=path))
    print(t("i18n.updated", count=len(written), language=args.lang))
    return 0


def _status(args: argparse.Namespace) -> int:
    from course.publish import i18n

    print(i18n.status_table(i18n.status(args.lang, _locale(args))))
    return 0


def _notebooks_translate(args: argparse.Namespace) -> int:
    from course.publish import i18n

    target = Path(args.output) if args.output else None
    for path, counts in i18n.translate_lessons(args.lang, target, _locale(args)):
        print(t("i18n.translated", path=path, **counts))
    return 0


def _book_build(args: argparse.Namespace) -> int:
    from course.publish import edition

    edition.build_book(args.lang, strict=not args.no_strict, quiet=args.quiet)
    return 0


def _subcommands(parser: argparse.ArgumentParser) -> argparse._SubParsersAction:
    return next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))


def register(commands: argparse._SubParsersAction) -> None:
    """Add the `i18n` group, and `translate` to the `notebooks` group."""
    group = commands.add_parser("i18n", help=t("i18n.help.group"), description=t("i18n.help.group"))
    actions = group.add_subparsers(dest="i18n_command", metavar="ACTION", parser_class=type(group))
    extract = actions.add_parser(
        "extract", help=t("i18n.help.extract"), description=t("i18n.help.extract")
    )
    extract.add_argument("--output", help=t("i18n.help.output"))
    extract.set_defaults(run=_extract)
    for name, run in (("update", _update), ("status", _status)):
        action = actions.add_parser(
            name, help=t(f"i18n.help.{name}"), description=t(f"i18n.help.{name}")
        )
        action.add_argument("--lang", default="lo", help=t("i18n.help.language"))
        action.add_argument("--locale", help=t("i18n.help.locale"))
        action.set_defaults(run=run)

    if "book" in commands.choices:
        build = _subcommands(commands.choices["book"]).choices.get("build")
        if build is not None:
            build.add_argument("--lang", default="en", help=t("i18n.help.book_language"))
            build.set_defaults(run=_book_build)

    if "notebooks" in commands.choices:
        notebooks = _subcommands(commands.choices["notebooks"])
        translate = notebooks.add_parser(
            "translate",
            help=t("i18n.help.notebooks_translate"),
            description=t("i18n.help.notebooks_translate"),
        )
        translate.add_argument("--lang", default="lo", help=t("i18n.help.language"))
        translate.add_argument("--output", help=t("i18n.help.output"))
        translate.add_argument("--locale", help=t("i18n.help.locale"))
        translate.set_defaults(run=_notebooks_translate)
