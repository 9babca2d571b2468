#!/usr/bin/env python3
"""The two jobs the single-user image does inside a Kubernetes pod: copy new lessons home, and serve the apps to the hub.

Installed in the image as /usr/local/bin/dgt-pod (see deploy/kubernetes/Dockerfile):

    dgt-pod sync-lessons [SOURCE] [TARGET]
        Copy every lesson file of SOURCE (default $DGT_ROOT/modules) into TARGET (default
        ~/lessons) that is not there yet. A file the trainee already has is never
        touched, so their edits survive; lessons the course adds later arrive at the next
        start. Run by the pod's postStart hook (singleuser.lifecycleHooks in values.yaml).

    dgt-pod apps [PORT]
        Serve the apps exactly as `dgt apps` does (course.serve.app_server: the dgt
        template, preheated kernels, limits), but on every interface of the pod and
        under the hub's service prefix ($JUPYTERHUB_SERVICE_PREFIX, default
        /services/apps/), so the hub's proxy can route /services/apps/ to it.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

#: What is never copied from the lessons folder.
SKIP = {".ipynb_checkpoints", "__pycache__"}
APPS_PORT = 8866
APPS_PREFIX = "/services/apps/"


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
    sys.stderr.write("usage: dgt-pod sync-lessons [SOURCE] [TARGET] | dgt-pod apps [PORT]\n")
    return 2


if __name__ == "__main__":
    sys.exit(main())
