"""The course workspace: nbgrader's course folder and gradebook, outside the repository."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from course.errors import UserError
from course.manifest import repo_root
from course.messages import t

CONFIG_DIR = Path(__file__).parent
DEFAULT_WORKSPACE = Path.home() / "dgt-workspace"


@dataclass(frozen=True)
class Workspace:
    """One course workspace folder."""

    root: Path

    @property
    def gradebook(self) -> Path:
        return self.root / "gradebook.db"

    @property
    def exchange(self) -> Path:
        return self.root / "exchange"

    def env(self) -> dict[str, str]:
        """The environment nbgrader runs with: our config folder first, this workspace."""
        env = dict(os.environ)
        paths = [
            str(CONFIG_DIR),
            *filter(None, env.get("JUPYTER_CONFIG_PATH", "").split(os.pathsep)),
        ]
        env["JUPYTER_CONFIG_PATH"] = os.pathsep.join(paths)
        env["DGT_WORKSPACE"] = str(self.root)
        env["DGT_ROOT"] = str(repo_root())
        # nbgrader runs helper programs (alembic) by name: put this Python's bin folder first.
        env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
        return env

    def config(self):
        """nbgrader's configuration for this workspace (autograder/nbgrader_config.py), in-process."""
        from traitlets.config.loader import PyFileConfigLoader

        os.environ["DGT_WORKSPACE"] = str(self.root)
        os.environ.setdefault("DGT_ROOT", str(repo_root()))
        # nbgrader runs alembic by name when it creates a gradebook: this Python's bin first.
        bin_dir = str(Path(sys.executable).parent)
        if not os.environ.get("PATH", "").startswith(bin_dir):
            os.environ["PATH"] = os.pathsep.join([bin_dir, os.environ.get("PATH", "")])
        return PyFileConfigLoader("nbgrader_config.py", path=str(CONFIG_DIR)).load_config()

    def db_url(self, config=None) -> str:
        """The gradebook's SQLAlchemy URL (SQLite in the workspace unless DGT_DB_URL says otherwise)."""
        config = config if config is not None else self.config()
        return str(config.CourseDirectory.db_url)

    @property
    def course_id(self) -> str:
        return os.environ.get("DGT_COURSE_ID", "dgt")

    def nbgrader(self, *arguments: str, check: bool = True) -> subprocess.CompletedProcess:
        """Run one nbgrader command in this workspace, with our configuration."""
        command = [sys.executable, "-m", "nbgrader", *arguments]
        result = subprocess.run(
            command, cwd=self.root, env=self.env(), capture_output=True, text=True, check=False
        )
        if check and result.returncode != 0:
            last = (result.stderr.strip().splitlines() or ["(no output)"])[-1]
            raise UserError(
                t("grade.nbgrader_failed", command=" ".join(arguments[:2]), detail=last)
            )
        return result


def resolve(path: str | os.PathLike | None = None) -> Workspace:
    """Return the workspace at `path`, else $DGT_WORKSPACE, else ~/dgt-workspace."""
    chosen = Path(path or os.environ.get("DGT_WORKSPACE") or DEFAULT_WORKSPACE).expanduser()
    root = chosen.resolve()
    try:
        root.relative_to(repo_root())
        inside = True
    except ValueError:
        inside = False
    if inside:
        raise UserError(t("grade.workspace_in_repo", path=root))
    return Workspace(root)


def init(path: str | os.PathLike | None = None) -> Workspace:
    """Create the workspace folders (idempotent) and return it."""
    workspace = resolve(path)
    for folder in (workspace.root, workspace.exchange):
        folder.mkdir(parents=True, exist_ok=True)
    return workspace


def write_atomically(path: Path, text: str, mode: int | None = None) -> None:
    """Write `text` to `path` through a temporary name and a rename: never half a file.

    `mode` (e.g. 0o600 for a secret) is set when the temporary file is created, so the
    text is never readable by others, not even for a moment.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(
        tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666 if mode is None else mode
    )
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)
    tmp.replace(path)
