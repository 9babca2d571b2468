"""`dgt classroom ...`: JupyterHub for a training room on this machine, with real accounts (run as root)."""

from __future__ import annotations

import argparse
from pathlib import Path

from course.messages import t


def _start(args: argparse.Namespace) -> int:
    from course.serve.classroom import hub, room

    room.require_root()
    return hub.start(port=args.port, lan=args.lan, workspace=args.workspace)


def _stop(args: argparse.Namespace) -> int:
    from course.serve.classroom import hub, room

    room.require_root()
    return hub.stop()


def _status(args: argparse.Namespace) -> int:
    from course.serve.classroom import hub, room

    room.require_root()
    return hub.status()


def _ready(args: argparse.Namespace) -> int:
    from course.errors import UserError
    from course.serve.classroom import hub, ready
    from course.serve.classroom.room import Room, require_root

    require_root()
    room = Room.load()
    asked = ready.plan(room, args.app, args.visitors, args.minutes)
    if hub.running_pid(room) is None:
        raise UserError(t("classroom.ready.not_running"))
    for line in ready.said(asked, ready.make_ready(room, asked)):
        print(line)
    return 0


def _accounts(args: argparse.Namespace) -> int:
    from autograder import workspace as workspaces
    from course.errors import UserError
    from course.serve.classroom import accounts, hub
    from course.serve.classroom.room import Room, require_root

    require_root()
    room = Room.load()
    if args.trainer:
        room.trainer = args.trainer
    if args.reset:
        cards = [accounts.reset(room, args.reset)]
    else:
        chosen = args.workspace or room.workspace or None
        ws = workspaces.resolve(chosen)
        if not ws.root.is_dir():
            raise UserError(t("grade.no_workspace", path=ws.root))
        cards = accounts.create_accounts(room, ws.root)
        print(t("classroom.accounts.done", created=len(cards), total=len(room.accounts)))
    if not cards:
        return 0
    host = args.host or (hub.lan_addresses() or ["127.0.0.1"])[0]
    target = Path(args.cards) if args.cards else room.cards
    for card in cards:
        print(f"  {card.username}\t{card.password}")
    written = accounts.print_cards(cards, room.address(host), target)
    print(t("classroom.accounts.cards", path=written))
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    """Add the `classroom` command group to the `dgt` parser."""
    group = commands.add_parser(
        "classroom", help=t("cli.classroom.help"), description=t("cli.classroom.help")
    )
    actions = group.add_subparsers(
        dest="classroom_command", metavar="ACTION", parser_class=type(group)
    )
    start = actions.add_parser(
        "start", help=t("cli.classroom_start.help"), description=t("cli.classroom_start.help")
    )
    start.add_argument("--lan", action="store_true", help=t("cli.classroom_lan.help"))
    start.add_argument("--port", type=int, help=t("cli.port.help"))
    start.add_argument("--workspace", help=t("cli.workspace.help"))
    start.set_defaults(run=_start)
    stop = actions.add_parser(
        "stop", help=t("cli.classroom_stop.help"), description=t("cli.classroom_stop.help")
    )
    stop.set_defaults(run=_stop)
    status = actions.add_parser(
        "status", help=t("cli.classroom_status.help"), description=t("cli.classroom_status.help")
    )
    status.set_defaults(run=_status)
    ready = actions.add_parser(
        "ready", help=t("cli.classroom_ready.help"), description=t("cli.classroom_ready.help")
    )
    ready.add_argument("app", metavar="APP", help=t("cli.classroom_ready_app.help"))
    ready.add_argument(
        "--visitors", type=int, metavar="N", help=t("cli.classroom_ready_visitors.help")
    )
    ready.add_argument(
        "--minutes", type=int, metavar="M", help=t("cli.classroom_ready_minutes.help")
    )
    ready.set_defaults(run=_ready)
    accounts = actions.add_parser(
        "accounts",
        help=t("cli.classroom_accounts.help"),
        description=t("cli.classroom_accounts.help"),
    )
    accounts.add_argument("--workspace", help=t("cli.workspace.help"))
    accounts.add_argument("--reset", metavar="ID", help=t("cli.classroom_reset.help"))
    accounts.add_argument("--trainer", metavar="NAME", help=t("cli.classroom_trainer.help"))
    accounts.add_argument("--host", metavar="ADDRESS", help=t("cli.classroom_host.help"))
    accounts.add_argument("--cards", metavar="FILE.pdf", help=t("cli.classroom_cards.help"))
    accounts.set_defaults(run=_accounts)
