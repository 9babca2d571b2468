#!/usr/bin/env python3
"""The jobs the single-user image does inside a Kubernetes pod: start the server, copy new lessons home, serve the apps.

Installed in the image as /usr/local/bin/dgt-pod (see deploy/kubernetes/Dockerfile):

    dgt-pod start COMMAND...
        The image's entry point. KubeSpawner passes the server's command
        (jupyterhub-singleuser) as arguments; before running it, this names the pod's
        uid and copies new lessons home (below), so both are done before the server
        starts. Each trainee's pod runs under a uid of its own, with no line in
        /etc/passwd; nbgrader asks the system for the user's name, and takes the
        trainee's hub name (JUPYTERHUB_USER) only when that name is "jovyan". So the uid
        gets a "jovyan" line (the image lets group 0 append to /etc/passwd).

    dgt-pod sync-lessons [SOURCE] [TARGET]
        Copy every lesson file of SOURCE (default $DGT_ROOT/modules) into TARGET (default
        ~/lessons) that is not there yet. A file the trainee already has is never
        touched, so their edits survive; lessons the course adds later arrive at the next
        start.

    dgt-pod apps [PORT]
        Serve the apps exactly as `dgt apps` does (course.serve.app_server: the dgt
        template, preheated kernels, limits), but on every interface of the pod and
        under the hub's service prefix ($JUPYTERHUB_SERVICE_PREFIX, default
        /services/apps/), so the hub's proxy can route /services/apps/ to it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
from pathlib import Path

#: What is never copied from the lessons folder.
SKIP = {".ipynb_checkpoints", "__pycache__"}
APPS_PORT = 8866
APPS_PREFIX = "/services/apps/"


def has_passwd_entry(passwd_text: str, uid: int) -> bool:
    """True if some line of an /etc/passwd text gives `uid` a name."""
    for line in passwd_text.splitlines():
        fields = line.split(":")
        if len(fields) >= 7 and fields[2] == str(uid):
            return True
    return False


def name_uid(passwd: Path, uid: int, gid: int, home: str) -> bool:
    """Give `uid` the name "jovyan" in `passwd` unless it has a name; True if a line was added."""
    if has_passwd_entry(passwd.read_text(encoding="utf-8"), uid):
        return False
    with open(passwd, "a", encoding="utf-8") as handle:
        handle.write(f"jovyan:x:{uid}:{gid}:trainee:{home}:/bin/bash\n")
    return True


def sync_lessons(source: Path, target: Path) -> list[Path]:
    """Copy the files of `source` missing from `target`; return the files copied (relative)."""
    copied = []
    for folder, names, files in os.walk(source):
        names[:] = sorted(n for n in names if n not in SKIP)
        here = Path(folder).relative_to(source)
        for name in sorted(files):
            relative = here / name
            destination = target / relative
            if destination.exists() or destination.is_symlink():
                continue
            destination.parent.mkdir(parents=True, exist_ok=True)
            partial = destination.with_name(f".{name}.partial")
            shutil.copyfile(Path(folder) / name, partial)
            partial.replace(destination)  # never half a lesson, even if the pod stops now
            copied.append(relative)
    return copied


def apps_arguments(port: int = APPS_PORT, prefix: str | None = None) -> list[str]:
    """The apps server's Voila arguments for a pod: `dgt apps`' own, reachable by the hub's proxy."""
    from course.serve import app_server

    prefix = prefix or os.environ.get("JUPYTERHUB_SERVICE_PREFIX") or APPS_PREFIX
    if not prefix.endswith("/"):
        prefix += "/"
    # Listen on the pod's address (not 127.0.0.1), under the service prefix; traitlets
    # refuses a setting given twice, so the loopback address is replaced, not overridden.
    own = app_server.voila_arguments(port, open_browser=False, preheat=True)
    kept = [a for a in own if not a.startswith(("--Voila.ip=", "--Voila.base_url="))]
    return [*kept, "--Voila.ip=0.0.0.0", f"--Voila.base_url={prefix}"]


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    action = argv[0] if argv else ""
    if action == "start" and len(argv) > 1:
        root = Path(os.environ.get("DGT_ROOT", "/opt/dgt"))
        with contextlib.suppress(OSError):  # passwd not writable: the lab runs, nbgrader may not
            name_uid(Path("/etc/passwd"), os.getuid(), os.getgid(), str(Path.home()))
        sync_lessons(root / "modules", Path.home() / "lessons")
        os.execvp(argv[1], argv[1:])
    if action == "sync-lessons":
        root = Path(os.environ.get("DGT_ROOT", "/opt/dgt"))
        source = Path(argv[1]) if len(argv) > 1 else root / "modules"
        target = Path(argv[2]) if len(argv) > 2 else Path.home() / "lessons"
        sync_lessons(source, target)
        return 0
    if action == "apps":
        from course.serve import app_server

        os.chdir(app_server.APPS_DIR)
        app_server.main(apps_arguments(int(argv[1]) if len(argv) > 1 else APPS_PORT))
        return 0
    sys.stderr.write(
        "usage: dgt-pod start COMMAND... | sync-lessons [SOURCE] [TARGET] | apps [PORT]\n"
    )
    return 2


if __name__ == "__main__":
    sys.exit(main())
