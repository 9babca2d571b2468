"""JupyterHub's configuration for the room (`jupyterhub -f` this file; `dgt classroom start` does).

Everything comes from the room's settings in $DGT_CLASSROOM_STATE/room.json
(course/serve/classroom/room.py). Offline: the proxy is Debian's
node-configurable-http-proxy, nothing is fetched. See docs/classroom.md.
"""

import sys
from pathlib import Path

from course.serve.app_server import CONTROL_TOKEN_ENV
from course.serve.classroom.room import Room

c = get_config()  # noqa: F821  (provided by traitlets when JupyterHub loads this file)
room = Room.load()
state = room.state
bin_dir = Path(sys.executable).parent

# Where the hub listens: this machine only, unless `dgt classroom start --lan`.
c.JupyterHub.ip = room.ip
c.JupyterHub.port = room.port
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = room.hub_port
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{room.proxy_port}"
c.ConfigurableHTTPProxy.command = ["configurable-http-proxy"]
c.ConfigurableHTTPProxy.pid_file = str(state / "proxy.pid")
c.ConfigurableHTTPProxy.log_level = "warn"

# The hub's state, private to root (the folder is mode 700).
c.JupyterHub.db_url = f"sqlite:///{state / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(state / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(state / "jupyterhub.pid")
c.JupyterHub.data_files_path = str(Path(sys.prefix) / "share" / "jupyterhub")

# Who may log in: the room's system accounts, by their own passwords (PAM).
c.JupyterHub.authenticator_class = "pam"
c.PAMAuthenticator.open_sessions = False  # no login session records: none in a container
c.Authenticator.allowed_users = set(room.accounts)
c.Authenticator.admin_users = {room.trainer_user}
c.Authenticator.allow_existing_users = False

# Each account's server: JupyterLab from the room's shared environment
# (course/serve/classroom/runtime.py), as that account.
c.JupyterHub.spawner_class = "course.serve.classroom.spawn.ClassroomSpawner"
# Servers are forks of a warm factory that has JupyterLab's modules loaded
# (course/serve/classroom/server_factory.py); it starts loading now, with the hub.
from course.serve.classroom.spawn import FACTORY, forking  # noqa: E402

if forking():
    FACTORY.warm(room.srv / "python" / "bin" / "python")
c.Spawner.cmd = [str(room.srv / "python" / "bin" / "python"), "-m", "jupyterhub.singleuser"]
c.Spawner.default_url = "/lab/tree/lessons"
c.Spawner.notebook_dir = "~"
c.Spawner.start_timeout = 90
c.Spawner.http_timeout = 90
c.Spawner.args = [
    # No calls home: no news feed, no update check, no extension listing.
    "--LabApp.news_url=",
    "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    "--LabApp.extension_manager=readonly",
    # Fair use: a kernel idle for 30 minutes is shut down, even if a tab still shows it.
    "--MappingKernelManager.cull_idle_timeout=1800",
    "--MappingKernelManager.cull_interval=300",
    "--MappingKernelManager.cull_connected=True",
    # A terminal runs bash as a plain (not login) shell, so it keeps the server's PATH,
    # which has `dgt` first: a login shell reads /etc/profile, which resets PATH on Debian.
    "--ServerApp.terminado_settings=shell_command=/bin/bash",
]

# Fair use: a server idle for an hour is stopped (its files stay in the home).
# The apps (Voila) at /services/apps/, for logged-in accounts only, run as `nobody`
# behind a gate that asks the hub who the visitor is (course/serve/classroom/apps_gate.py).
# The control token of `dgt classroom ready` (new at each `dgt classroom start`, in a
# root-only file) goes to the gate, which hands it to the apps server only.
apps_env = {
    "PATH": f"{room.srv / 'python' / 'bin'}:/usr/bin:/bin",
    "DGT_CLASSROOM": str(state),  # marks the room's processes for `dgt classroom stop`
}
if room.control_token_file.is_file():
    apps_env[CONTROL_TOKEN_ENV] = room.control_token_file.read_text().strip()
c.JupyterHub.services = [
    {
        "name": "idle-culler",
        "command": [sys.executable, "-m", "jupyterhub_idle_culler", "--timeout=3600"],
    },
    {
        "name": "apps",
        "url": f"http://127.0.0.1:{room.apps_port}",
        "command": [
            str(room.srv / "python" / "bin" / "python"),
            "-m",
            "course.serve.classroom.apps_gate",
        ],
        "user": "nobody",
        "cwd": "/",
        "oauth_no_confirm": True,
        "display": True,
        "environment": apps_env,
    },
]
c.JupyterHub.load_roles = [
    {"name": "user", "scopes": ["self", "access:services!service=apps"]},
    {
        "name": "idle-culler",
        "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
        "services": ["idle-culler"],
    },
]

# Stopping the hub stops every server; their files stay in each home.
c.JupyterHub.cleanup_servers = True
c.JupyterHub.cleanup_proxy = True
