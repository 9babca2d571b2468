"""The room's settings and folders: where the hub keeps its state, the exchange, who the trainer is.

Three places, each with its own owner:

- the state folder (default /var/lib/dgt-classroom, mode 700, root only): the hub's
  database, cookie secret, pid files, log, the accounts list, the login cards and the
  apps' control token;
- the shared folder (default /srv/dgt-classroom): nbgrader's exchange, which every
  account may reach with nbgrader's standard permissions;
- the trainer's course workspace (mode 700, owned by the trainer's account): the
  gradebook, the releases, the submissions. Its `exchange` entry points at the shared
  exchange, so `dgt grade release` and `collect` work unchanged.

$DGT_CLASSROOM_STATE, $DGT_CLASSROOM_SRV and $DGT_CLASSROOM_PREFIX (a prefix for every
account name, used by the tests) move them.
"""

from __future__ import annotations

import json
import os
import re
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

from course.errors import UserError
from course.messages import t

DEFAULT_STATE = Path("/var/lib/dgt-classroom")
DEFAULT_SRV = Path("/srv/dgt-classroom")
#: A system account name that every Linux tool accepts: lower case, starts with a letter.
USERNAME = re.compile(r"^[a-z_][a-z0-9_-]{0,31}$")
TRAINER = "trainer"


def require_root() -> None:
    """Refuse to go on without root: the hub starts servers as other system users."""
    if os.geteuid() != 0:
        raise UserError(t("classroom.need_root"))


def venv_bin() -> Path:
    """The folder of this Python's programs (jupyterhub, jupyterhub-singleuser, dgt)."""
    return Path(sys.executable).parent


@dataclass
class Room:
    """One classroom: its folders, its trainer and course, and where the hub listens."""

    state: Path
    srv: Path
    prefix: str = ""
    trainer: str = TRAINER
    workspace: str = ""
    course_id: str = "dgt"
    ip: str = "127.0.0.1"
    port: int = 8000
    hub_port: int = 0
    proxy_port: int = 0
    apps_port: int = 0
    accounts: dict[str, dict] = field(default_factory=dict)

    @classmethod
    def load(cls) -> Room:
        """The room of $DGT_CLASSROOM_STATE (default /var/lib/dgt-classroom), with its saved settings."""
        state = Path(os.environ.get("DGT_CLASSROOM_STATE") or DEFAULT_STATE)
        srv = Path(os.environ.get("DGT_CLASSROOM_SRV") or DEFAULT_SRV)
        room = cls(state=state, srv=srv, prefix=os.environ.get("DGT_CLASSROOM_PREFIX", ""))
        path = state / "room.json"
        if path.is_file():
            saved = json.loads(path.read_text(encoding="utf-8"))
            for key, value in saved.items():
                if key in ("state", "srv"):
                    continue
                if hasattr(room, key):
                    setattr(room, key, value)
        return room

    def save(self) -> None:
        """Write the settings to the state folder (root only, atomically)."""
        from autograder.workspace import write_atomically

        self.make_state()
        data = asdict(self)
        data["state"], data["srv"] = str(self.state), str(self.srv)
        write_atomically(self.state / "room.json", json.dumps(data, indent=1) + "\n", mode=0o600)

    def make_state(self) -> None:
        """Create the state folder, private to root (mode 700)."""
        self.state.mkdir(parents=True, exist_ok=True)
        os.chmod(self.state, 0o700)

    # --- names -------------------------------------------------------------------

    @property
    def group(self) -> str:
        """The system group every account of this room belongs to (so we never touch others)."""
        return f"{self.prefix}dgt-classroom"

    @property
    def trainer_user(self) -> str:
        return f"{self.prefix}{self.trainer}"

    def username(self, trainee_id: str) -> str:
        """The system account name of a roster id; a UserError if it cannot be one."""
        name = f"{self.prefix}{trainee_id.lower()}"
        if not USERNAME.match(name):
            raise UserError(t("classroom.bad_username", id=trainee_id, name=name))
        return name

    def trainee_of(self, username: str) -> str | None:
        """The roster id of an account (None for the trainer or a stranger)."""
        entry = self.accounts.get(username)
        return entry.get("trainee_id") if entry else None

    # --- folders -------------------------------------------------------------------

    @property
    def exchange(self) -> Path:
        return self.srv / "exchange"

    @property
    def hub_log(self) -> Path:
        return self.state / "hub.log"

    @property
    def pid_file(self) -> Path:
        return self.state / "hub.pid"

    @property
    def control_token_file(self) -> Path:
        """The apps' control token (`dgt classroom ready`), new at each start, root only."""
        return self.state / "apps-control-token"

    @property
    def cards(self) -> Path:
        return self.state / "login-cards.pdf"

    def address(self, host: str | None = None) -> str:
        """The room's address as trainees type it."""
        return f"http://{host or self.ip}:{self.port}/"
