"""Real system accounts for the room: one per roster trainee plus the trainer, and their login cards.

Each trainee is a separate Linux user in the room's group, with a private home (mode
700), so the operating system keeps their files from the others, from the gradebook
and from the exercise sources. Passwords come from the `secrets` module, are set with
`chpasswd`, shown once and printed as login cards; they are stored nowhere else. The
hub checks them through PAM, the standard authenticator for system users.
"""

from __future__ import annotations

import grp
import html
import os
import pwd
import secrets
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from course.errors import UserError
from course.messages import t
from course.serve.classroom import limits
from course.serve.classroom.room import Room

#: Letters and digits that cannot be mistaken for each other on a printed card.
ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


@dataclass(frozen=True)
class Card:
    """What one login card shows."""

    username: str
    password: str
    name: str
    name_lo: str = ""
    trainer: bool = False


def new_password(groups: int = 3, size: int = 4) -> str:
    """A fresh password like "k7fm-q3xp-9tdw" (about 59 bits), easy to type from a card."""
    return "-".join("".join(secrets.choice(ALPHABET) for _ in range(size)) for _ in range(groups))


def exists(username: str) -> bool:
    try:
        pwd.getpwnam(username)
    except KeyError:
        return False
    return True


def members(group: str) -> set[str]:
    """The accounts in `group` (none if it does not exist)."""
    try:
        return set(grp.getgrnam(group).gr_mem)
    except KeyError:
        return set()


def _run(*command: str, stdin: str | None = None) -> None:
    result = subprocess.run(command, input=stdin, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        detail = (result.stderr.strip().splitlines() or ["?"])[-1]
        raise UserError(t("classroom.command_failed", command=command[0], detail=detail))


def set_password(username: str, password: str) -> None:
    """Set the account's password (chpasswd reads it from stdin, never from the command line)."""
    _run("chpasswd", stdin=f"{username}:{password}\n")


def create(username: str, group: str) -> None:
    """Create a system account in `group` with a private home; an existing stranger is refused."""
    if exists(username):
        if username not in members(group):
            raise UserError(t("classroom.not_ours", name=username, group=group))
        return
    _run("useradd", "--create-home", "--shell", "/bin/bash", "--groups", group, username)
    home = Path(pwd.getpwnam(username).pw_dir)
    os.chmod(home, 0o700)


def plan(room: Room, trainees) -> list[tuple[str, object]]:
    """(username, trainee) for every trainee; every bad id is one line of one UserError, before any change."""
    names: list[tuple[str, object]] = []
    problems: list[str] = []
    seen: dict[str, str] = {}
    for trainee in trainees:
        try:
            name = room.username(trainee.trainee_id)
        except UserError as error:
            problems.append(str(error))
            continue
        if name in seen or name == room.trainer_user:
            problems.append(t("classroom.same_username", id=trainee.trainee_id, name=name))
            continue
        seen[name] = trainee.trainee_id
        names.append((name, trainee))
    if problems:
        raise UserError("\n".join(problems))
    return names


def create_accounts(room: Room, workspace: Path) -> list[Card]:
    """Create the trainer's and every roster trainee's account that is missing; return their cards.

    Accounts that exist keep their password (reset one with `reset`). The workspace is
    handed to the trainer's account (mode 700), who grades in the lab.
    """
    from autograder import roster

    trainees = roster.load(workspace)
    if not trainees:
        raise UserError(t("grade.collect.no_roster"))
    wanted = plan(room, trainees)
    if not shutil.which("useradd"):
        raise UserError(t("classroom.no_useradd"))
    _run("groupadd", "--force", room.group)
    cards: list[Card] = []
    trainer = room.trainer_user
    if not exists(trainer) or trainer not in room.accounts:
        create(trainer, room.group)
        password = new_password()
        set_password(trainer, password)
        cards.append(Card(trainer, password, t("classroom.card.trainer"), trainer=True))
    room.accounts[trainer] = {"role": "trainer"}
    for username, trainee in wanted:
        if exists(username) and username in room.accounts:
            continue
        create(username, room.group)
        password = new_password()
        set_password(username, password)
        room.accounts[username] = {"role": "trainee", "trainee_id": trainee.trainee_id}
        cards.append(Card(username, password, trainee.name, trainee.name_lo))
    room.workspace = str(workspace)
    room.save()
    hand_over(workspace, trainer)
    return cards


def reset(room: Room, trainee_id: str) -> Card:
    """A new password for one trainee (by roster id) or the trainer (by account name)."""
    username = room.trainer_user if trainee_id == room.trainer else room.username(trainee_id)
    if username not in room.accounts or not exists(username):
        raise UserError(t("classroom.no_account", id=trainee_id))
    password = new_password()
    set_password(username, password)
    return Card(username, password, trainee_id, trainer=username == room.trainer_user)


def remove_accounts(room: Room) -> list[str]:
    """Delete every account of this room and its home (used when a course ends, and by the tests)."""
    removed = []
    for username in sorted(set(room.accounts) | members(room.group)):
        if exists(username) and username in members(room.group):
            home = Path(pwd.getpwnam(username).pw_dir)
            subprocess.run(["pkill", "-KILL", "-u", username], check=False, capture_output=True)
            # userdel also warns (and exits non-zero) when there is no mail spool: check the result.
            subprocess.run(["userdel", "--remove", username], check=False, capture_output=True)
            if exists(username):
                _run("userdel", "--force", "--remove", username)
            if home.is_dir() and home != Path("/"):
                shutil.rmtree(home)
            limits.remove_cgroups(username)
            removed.append(username)
    subprocess.run(["groupdel", room.group], check=False, capture_output=True)
    room.accounts = {}
    room.save()
    return removed


def hand_over(workspace: Path, owner: str) -> None:
    """Give the workspace to the trainer's account (mode 700); its parents must let the trainer in."""
    for parent in workspace.parents:
        if parent.stat().st_mode & 0o001 == 0:
            raise UserError(t("classroom.workspace_hidden", path=workspace, parent=parent))
    entry = pwd.getpwnam(owner)
    for folder, dirs, files in os.walk(workspace):
        for name in [folder, *(os.path.join(folder, x) for x in dirs + files)]:
            os.lchown(name, entry.pw_uid, entry.pw_gid)
    os.chmod(workspace, 0o700)


# --- login cards --------------------------------------------------------------------


#: The catalogue keys a login card shows (a Lao card marks itself a draft if any is one).
CARD_KEYS = tuple(
    f"classroom.card.{name}"
    for name in ("title", "trainer", "address", "username", "password", "note", "lao_draft")
)


def cards_html(cards: list[Card], address: str) -> str:
    """One printable page of cards (cut along the lines): address, name, account, password.

    The labels come from the catalogue in the current language (`DGT_LANG`); when any of
    them is a draft translation, every card says so in a small line under its title.
    """
    from course.messages import draft_label, get_language, is_draft
    from course.printing import lao_font_face

    mark = (
        f'<div class="mark">[{html.escape(draft_label())}]</div>'
        if any(is_draft(key) for key in CARD_KEYS)
        else ""
    )

    def card(entry: Card) -> str:
        lao = (
            f'<div class="lo" lang="lo">{html.escape(entry.name_lo)}'
            f' <span class="draft">{html.escape(t("classroom.card.lao_draft"))}</span></div>'
            if entry.name_lo
            else ""
        )
        return (
            '<div class="card">'
            f'<div class="title">{html.escape(t("classroom.card.title"))}</div>{mark}'
            f'<div class="name">{html.escape(entry.name)}</div>{lao}'
            f"<dl><dt>{html.escape(t('classroom.card.address'))}</dt><dd>{html.escape(address)}</dd>"
            f"<dt>{html.escape(t('classroom.card.username'))}</dt><dd>{html.escape(entry.username)}</dd>"
            f"<dt>{html.escape(t('classroom.card.password'))}</dt>"
            f'<dd class="pw">{html.escape(entry.password)}</dd></dl>'
            f'<div class="note">{html.escape(t("classroom.card.note"))}</div></div>'
        )

    return (
        f'<!DOCTYPE html><html lang="{html.escape(get_language())}"><head><meta charset="utf-8">'
        f"<title>{html.escape(t('classroom.card.title'))}</title><style>"
        + lao_font_face()
        + "body{font-family:'DejaVu Sans','Noto Sans','DGT Noto Sans Lao',sans-serif;margin:0}"
        ".grid{display:grid;grid-template-columns:1fr 1fr;gap:0}"
        ".card{border:1px dashed #777;padding:4mm 5mm;break-inside:avoid;height:63mm;"
        "box-sizing:border-box}"
        ".title{font-size:9pt;color:#555}.name{font-size:13pt;font-weight:bold;margin:1mm 0}"
        ".mark{font-size:7pt;color:#555}"
        ".lo{font-family:'DGT Noto Sans Lao','Noto Sans Lao',sans-serif;font-size:12pt}"
        ".draft{font-size:7pt;color:#777}"
        "dl{display:grid;grid-template-columns:auto 1fr;gap:1mm 3mm;margin:1.5mm 0;font-size:11pt}"
        "dt{color:#555;white-space:nowrap}dd{margin:0;font-family:'DejaVu Sans Mono',monospace}"
        ".pw{font-size:14pt;font-weight:bold}.note{font-size:8pt;color:#555}"
        '</style></head><body><div class="grid">'
        + "".join(card(entry) for entry in cards)
        + "</div></body></html>\n"
    )


def print_cards(cards: list[Card], address: str, target: Path) -> Path:
    """Print the cards to `target` (a PDF, mode 600: it holds passwords) through chromium.

    Where the PDF cannot be made (no chromium or playwright, as on a machine installed
    from the USB bundle), the same page is written as `target` with `.html` (mode 600),
    for any web browser to print: the passwords are shown once, so the cards must not
    be lost. Returns the file written.
    """
    from course.printing import print_to_pdf

    target.parent.mkdir(parents=True, exist_ok=True)
    page = cards_html(cards, address)
    with tempfile.TemporaryDirectory(prefix="dgt-cards-") as folder:
        source = Path(folder) / "cards.html"
        source.write_text(page, encoding="utf-8")
        tmp = target.with_name(f"{target.name}.{os.getpid()}.tmp")
        try:
            os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
            try:
                print_to_pdf(source, tmp)
            except UserError as error:
                print(t("classroom.accounts.no_pdf", reason=str(error)))
                target = target.with_suffix(".html")
                tmp.write_text(page, encoding="utf-8")
            os.chmod(tmp, 0o600)
            tmp.replace(target)
        finally:
            tmp.unlink(missing_ok=True)
    return target
