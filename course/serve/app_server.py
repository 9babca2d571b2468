"""Serve the apps with Voila on 127.0.0.1: one server, a landing page, every app notebook in course/apps.

`dgt apps` runs `python -m course.serve.app_server`, which starts Voila with our settings:

- this computer only (127.0.0.1), no tracebacks shown to the user;
- the `dgt` template (course/serve/voila/jupyter/voila/templates/dgt): Voila's lab template
  with our own page script (dgt-apps.js, built from course/serve/voila/frontend) in place of
  Voila's JupyterLab front end, so a page is on screen in about a second; Font Awesome
  served from a vendored copy instead of a CDN (voila#539); error pages that load
  nothing from outside;
- preheated kernels from a warm factory: every kernel is a fork of one process that
  has the apps' modules and data loaded (course/serve/app_zygote.py, started before
  Voila is imported, so the two load side by side); each app is executed in a spare
  kernel ahead of the visitor, and the pool of such kernels grows with a burst of
  visitors and shrinks when the room is idle (course/serve/app_pool.py); a full server
  answers with a "busy, try again" page (HTTP 503), never a page that does not come;
- a control endpoint for the trainer's tools (CONTROL_PATH, only when the server is given a
  control token in CONTROL_TOKEN_ENV, and only with that token): it gets one app ready
  for a room of visitors ahead of time (app_pool.ElasticPool.ready_for) and says how many
  kernels each app has ready; `dgt classroom ready` uses it;
- sensible limits: a cell that runs longer than EXECUTION_TIMEOUT seconds is stopped,
  idle kernels are culled (a closed page's kernel is stopped at once; one whose page
  went away without saying so, once it has been idle for CULL_IDLE seconds), /voila/files
  serves nothing, the page config names only the widget manager's JupyterLab extension
  (the page script loads none), and the template or theme cannot be swapped by a URL
  parameter;
- a landing page at "/" listing the apps by their catalogue titles, in place of
  Voila's file tree (the tree and the contents API are not served at all);
- a quick start and cheap pages: the page templates are compiled once per server (a
  shared Jinja bytecode cache), and an import that only checks event schemas' "iri"
  format (SKIPPED_IMPORTS) is skipped; each app's first view comes drawn from the
  factory (course.serve.ui.common.drawn).

Voila is imported only when the server starts, so `import course.serve.app_server` stays light.
"""

from __future__ import annotations

import html
import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from course.manifest import APPS_DIR, curriculum
from course.messages import any_draft, draft_label, get_language, t
from course.serve import app_pool

# A Jupyter data folder holding our Voila template (found through $JUPYTER_PATH).
JUPYTER_DATA = Path(__file__).parent / "voila" / "jupyter"
TEMPLATE = "dgt"
EXECUTION_TIMEOUT = 60  # seconds one cell of an app may run
POOL_SIZE = app_pool.BASE_POOL  # preheated kernels kept ready per app in a quiet room
# Seconds before an idle kernel without a page (the page went away without a word) is
# shut down; a kernel whose page is still open is kept however long it idles.
CULL_IDLE = 120
KERNEL_MANAGER = "course.serve.app_kernels.ForkKernelManager"
# Set for the kernels the apps server starts (they inherit its environment): course.serve.ui.common.show
# then writes the widgets' state into the page, which draws the app from it while the
# kernel connection is still opening (see course/serve/voila/frontend/README.md).
PAGE_STATE_ENV = "DGT_APP_PAGE_STATE"
# The secret that opens the server's control endpoint (CONTROL_PATH under the base URL):
# read from the environment at start and taken out of it, so that no kernel sees it.
CONTROL_TOKEN_ENV = "DGT_APPS_CONTROL_TOKEN"
CONTROL_PATH = "dgt/api/ready"
MIN_TOKEN_LENGTH = 16
# The only JupyterLab extensions an app page needs: ipywidgets 8 and Voila's widget manager.
EXTENSIONS = ["@jupyter-widgets/jupyterlab-manager", "@voila-dashboards/widgets-manager8"]


def voila_arguments(port: int, open_browser: bool = False, preheat: bool = True) -> list[str]:
    """Voila's command-line settings for the apps folder (see the module docstring)."""
    arguments = [
        str(APPS_DIR),
        f"--port={port}",
        "--Voila.ip=127.0.0.1",
        "--Voila.port_retries=0",
        "--Voila.open_browser=True" if open_browser else "--no-browser",
        f"--template={TEMPLATE}",
        "--theme=light",
        "--show_tracebacks=False",
        "--VoilaConfiguration.allow_template_override=NO",
        "--VoilaConfiguration.allow_theme_override=NO",
        "--VoilaConfiguration.file_allowlist=[]",
        "--VoilaConfiguration.file_denylist=['.*']",
        f"--VoilaConfiguration.extension_allowlist={EXTENSIONS!r}",
        f"--VoilaExecutor.timeout={EXECUTION_TIMEOUT}",
        "--VoilaExporter.filters={'dgt_page_title': 'course.serve.app_server.page_title', "
        "'dgt_frontend_messages': 'course.serve.app_server.frontend_messages'}",
        f"--MappingKernelManager.cull_idle_timeout={CULL_IDLE}",
        "--MappingKernelManager.cull_interval=30",
        "--MappingKernelManager.cull_connected=False",
        f"--AsyncMappingKernelManager.kernel_manager_class={KERNEL_MANAGER}",
    ]
    if preheat:
        arguments += [
            "--preheat_kernel=True",
            f"--pool_size={POOL_SIZE}",
            "--VoilaKernelManager.fill_delay=0",
        ]
    return arguments


def command(port: int, open_browser: bool = False, preheat: bool = True) -> list[str]:
    """The command line that serves the apps on 127.0.0.1:`port` (run it from any folder)."""
    return [
        sys.executable,
        "-m",
        "course.serve.app_server",
        *voila_arguments(port, open_browser, preheat),
    ]


def page_title(notebook_name: str) -> str:
    """The browser-tab title of an app page (HTML-escaped): its catalogue title.

    Used by the `dgt` template as the Jinja filter `dgt_page_title` on the notebook name.
    """
    for app in curriculum().apps:
        if Path(app.notebook).stem == notebook_name:
            return html.escape(t(app.title_key))
    return html.escape(notebook_name)


# The catalogue's words that the page script (course/serve/voila/frontend/src/index.js) may show.
FRONTEND_MESSAGES = ("loading", "disconnected", "failed", "unknown_widget")


def frontend_messages(_notebook_name: str = "", key: str | None = None) -> str:
    """The page script's messages as JSON, safe inside a <script> element of the page.

    Used by the `dgt` template as the Jinja filter `dgt_frontend_messages`; placeholders
    such as {widget} are left for the script to fill in. With `key`: that one message,
    HTML-escaped (the spinner's words).
    """
    if key is not None:
        return html.escape(t(f"apps.frontend.{key}"))
    words = {f"apps.frontend.{name}": t(f"apps.frontend.{name}") for name in FRONTEND_MESSAGES}
    return json.dumps(words, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e")


def landing_html(base_url: str = "/") -> str:
    """The landing page: every app of the manifest with its title, purpose and module."""
    items = []
    manifest = curriculum()
    for app in manifest.apps:
        module = manifest.module(app.module)
        url = f"{base_url}voila/render/{app.notebook}"
        items.append(
            f'<li class="dgt-app"><a href="{html.escape(url)}" data-app="{html.escape(app.id)}">'
            f"{html.escape(t(app.title_key))}</a>"
            f"<p>{html.escape(t(f'app.{app.id}.intro'))}</p>"
            f'<p class="dgt-module">{html.escape(t("apps.landing.module", module=t(module.title_key)))}</p></li>'
        )
    title = html.escape(t("apps.landing.title"))
    notice = ""
    if any_draft("apps.landing.") or any_draft("app."):
        notice = f'<p class="dgt-draft" role="note">{html.escape(draft_label())}</p>'
    return f"""<!DOCTYPE html>
<html lang="{html.escape(get_language())}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>{title}</title>
<style>
{app_pool.lao_style()}
body {{ font-family: "DGT Noto Sans Lao", system-ui, sans-serif; max-width: 48rem; margin: 2rem auto; padding: 0 1rem;
  color: #1a1a1a; line-height: 1.5; }}
h1 {{ font-size: 1.6rem; }}
ul {{ list-style: none; padding: 0; }}
li.dgt-app {{ border: 1px solid #ccc; border-radius: 6px; padding: 0.8rem 1rem; margin: 0.8rem 0; }}
li.dgt-app a {{ font-size: 1.2rem; font-weight: bold; color: #0b5394; }}
li.dgt-app p {{ margin: 0.3rem 0; }}
.dgt-module, .dgt-note {{ color: #555; font-size: 0.9rem; }}
</style></head>
<body><h1>{title}</h1>{notice}
<p>{html.escape(t("apps.landing.intro"))}</p>
<ul class="dgt-apps">{"".join(items)}</ul>
<p class="dgt-note">{html.escape(t("apps.landing.offline"))}</p>
</body></html>"""


# Imported by jsonschema (through jupyter_events, through Voila) only to check the "iri"
# format of event schemas, which the apps server does not use; at import it builds some
# forty Lark grammars, over a second of CPU at every start of `dgt apps`.
SKIPPED_IMPORTS = ("rfc3987_syntax",)


def _skip_slow_imports() -> None:
    """Make the imports in SKIPPED_IMPORTS fail at once (their users fall back without them)."""
    for name in SKIPPED_IMPORTS:
        sys.modules.setdefault(name, None)  # type: ignore[assignment]


def _template_bytecode_cache():
    """A Jinja bytecode cache in memory, shared by every page render of this server.

    Voila makes a new exporter, and so a new Jinja environment, for every page; without
    a shared cache each render compiled the page templates again (about 0.3 CPU s a
    page). The cache is keyed by template name and file and checked against the source,
    so a changed template is compiled again.
    """
    import jinja2

    class MemoryBytecodeCache(jinja2.BytecodeCache):
        def __init__(self) -> None:
            self.store: dict[str, bytes] = {}

        def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            code = self.store.get(bucket.key)
            if code is not None:
                bucket.bytecode_from_string(code)

        def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            self.store[bucket.key] = bucket.bytecode_to_string()

    return MemoryBytecodeCache()


def token_ok(header: str | None, token: str) -> bool:
    """Whether an Authorization header carries the control token (`token ...`, compared in constant time).

    Also the classroom's apps gate's check (course/serve/classroom/apps_gate.py).
    """
    import hmac

    if not token or not header:
        return False
    scheme, _, given = header.strip().partition(" ")
    if scheme.lower() != "token":
        return False
    return hmac.compare_digest(given.strip().encode(), token.encode())


def app_notebooks() -> dict[str, str]:
    """Each app's id (the manifest's) and its notebook path as the server names it."""
    return {app.id: app.notebook for app in curriculum().apps}


def ready_request(body: bytes) -> tuple[str, int, float]:
    """The notebook, visitors and minutes a control request asks for; ValueError with a readable message."""
    try:
        request = json.loads(body or b"{}")
    except ValueError:
        request = None
    if not isinstance(request, dict):
        raise ValueError(t("apps.ready.bad_request"))
    notebooks = app_notebooks()
    app = request.get("app")
    if not isinstance(app, str) or app not in notebooks:
        raise ValueError(t("apps.ready.unknown_app", app=app, apps=", ".join(notebooks)))
    visitors = request.get("visitors")
    minutes = request.get("minutes", app_pool.READY_MINUTES)
    if not isinstance(visitors, int) or isinstance(visitors, bool) or not 0 <= visitors <= 1000:
        raise ValueError(t("apps.ready.bad_visitors"))
    if (
        not isinstance(minutes, (int, float))
        or isinstance(minutes, bool)
        or not 0 < minutes <= app_pool.MAX_READY_MINUTES
    ):
        raise ValueError(t("apps.ready.bad_minutes", most=app_pool.MAX_READY_MINUTES))
    return notebooks[app], visitors, float(minutes)


def _control_handler():
    """The control endpoint: a trainer's tool gets an app ready for the room (see app_pool.ElasticPool.ready_for)."""
    import tornado.web

    class ReadyHandler(tornado.web.RequestHandler):
        """GET: each app's ready kernels; POST {"app", "visitors", "minutes"}: get one app ready.

        Only with `Authorization: token <the server's control token>`; the server has no
        endpoint at all without a token (see CONTROL_TOKEN_ENV).
        """

        def initialize(self, token: str) -> None:
            self.token = token

        def check_xsrf_cookie(self) -> None:  # a token in a header, never a cookie
            return None

        def prepare(self) -> None:
            self.set_header("Content-Type", "application/json; charset=utf-8")
            self.set_header("Cache-Control", "no-store")
            if not token_ok(self.request.headers.get("Authorization"), self.token):
                self._answer(403, {"error": t("apps.ready.forbidden")})
                return
            if self.settings.get("dgt_pool") is None:
                self._answer(409, {"error": t("apps.ready.no_pool")})

        def _answer(self, status: int, body: dict) -> None:
            self.set_status(status)
            self.finish(json.dumps(body, ensure_ascii=False))

        def _apps(self) -> dict:
            pool: app_pool.ElasticPool = self.settings["dgt_pool"]
            status = pool.status()
            return {app: status.get(nb, {}) for app, nb in app_notebooks().items()}

        def get(self) -> None:
            pool: app_pool.ElasticPool = self.settings["dgt_pool"]
            self._answer(200, {"apps": self._apps(), "kernels": pool.kernel_count()})

        def post(self) -> None:
            pool: app_pool.ElasticPool = self.settings["dgt_pool"]
            try:
                notebook, visitors, minutes = ready_request(self.request.body)
            except ValueError as error:
                self._answer(400, {"error": str(error)})
                return
            granted = pool.ready_for(notebook, visitors, minutes)
            app = next(a for a, nb in app_notebooks().items() if nb == notebook)
            pool.kernel_manager.log.info(
                "pool: %s ready for %d of %d visitors, %s minutes", app, granted, visitors, minutes
            )
            self._answer(
                200,
                {
                    "app": app,
                    "asked": visitors,
                    "visitors": granted,
                    "minutes": minutes,
                    "ready": pool.ready_kernels(notebook),
                },
            )

    return ReadyHandler


def _server_class():
    """Voila's application with the landing page in place of the file tree (imports Voila)."""
    import tornado.web
    from jupyter_server.utils import url_path_join
    from voila.app import Voila
    from voila.exporter import VoilaExporter
    from voila.static_file_handler import TemplateStaticFileHandler
    from voila.tornado.contentshandler import VoilaContentsHandler
    from voila.tornado.handler import TornadoVoilaHandler
    from voila.tornado.treehandler import TornadoVoilaTreeHandler

    bytecode = _template_bytecode_cache()
    create_environment = VoilaExporter._create_environment

    def _create_environment(exporter: VoilaExporter):
        environment = create_environment(exporter)
        environment.bytecode_cache = bytecode
        return environment

    VoilaExporter._create_environment = _create_environment  # this server process only

    class LandingHandler(tornado.web.RequestHandler):
        """GET / : the list of apps."""

        def initialize(self, base_url: str) -> None:
            self.base_url = base_url

        def get(self) -> None:
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.set_header("Cache-Control", "no-cache")
            self.finish(landing_html(self.base_url))

    class TemplateFiles(TemplateStaticFileHandler):
        """Static files of our template only; any other path is a plain 404 (not a 500)."""

        def parse_url_path(self, path: str) -> str:
            parts = path.split("/")
            if len(parts) < 3 or parts[:2] != [TEMPLATE, "static"] or ".." in parts:
                raise tornado.web.HTTPError(404)
            return super().parse_url_path(path)

    class AppPage(TornadoVoilaHandler):
        """An app page, with the _xsrf cookie that the page script sends back when the tab closes.

        Voila only sets the cookie when a page asks for it; without it the request that stops
        the page's kernel (POST voila/api/shutdown/<kernel>) is refused, and the kernel would
        wait for the idle culler.
        """

        async def prepare(self) -> None:
            await super().prepare()
            self.xsrf_token  # noqa: B018 (reading it sets the cookie)
            pool: app_pool.ElasticPool | None = self.settings.get("dgt_pool")
            if pool is None or self.request.method != "GET" or self._finished:
                return
            notebook = self.path_args[0] if self.path_args else ""
            if pool.busy(notebook):
                self.set_status(503)
                self.set_header("Retry-After", str(app_pool.RETRY_AFTER))
                self.set_header("Content-Type", "text/html; charset=utf-8")
                self.set_header("Cache-Control", "no-store")
                self.finish(app_pool.busy_html())
                return
            pool.visit(notebook)

    class AppsVoila(Voila):
        """Voila serving course/apps with a landing page, no file browsing and an elastic kernel pool."""

        def init_settings(self) -> dict:
            settings = super().init_settings()
            if self.voila_configuration.preheat_kernel:
                pool = app_pool.ElasticPool(self.kernel_manager)
                pool.start()
                settings["dgt_pool"] = pool
            return settings

        def stop(self) -> None:
            try:
                super().stop()
            finally:
                from course.serve.app_factory import FACTORY

                FACTORY.close()

        @property
        def data_dir(self) -> str:
            # Voila's own data folder (themes), not our template folder that $JUPYTER_PATH adds.
            from jupyter_core.paths import jupyter_path

            ours = str(JUPYTER_DATA)
            found = [p for p in jupyter_path("voila") if not p.startswith(ours)]
            return next((p for p in found if os.path.isdir(p)), found[-1])

        def init_handlers(self) -> list:
            unwanted = (TornadoVoilaTreeHandler, VoilaContentsHandler)
            handlers = []
            for handler in super().init_handlers():
                if handler[1] in unwanted:
                    continue
                if handler[1] is TemplateStaticFileHandler:
                    handler = (handler[0], TemplateFiles, *handler[2:])
                if handler[1] is TornadoVoilaHandler:
                    handler = (handler[0], AppPage, *handler[2:])
                handlers.append(handler)
            if CONTROL_TOKEN:
                control = url_path_join(self.server_url, CONTROL_PATH)
                handlers.insert(0, (control, _control_handler(), {"token": CONTROL_TOKEN}))
            landing = (self.server_url, LandingHandler, {"base_url": self.base_url})
            to_landing = (
                url_path_join(self.server_url, r"/voila/tree(/.*)?"),
                tornado.web.RedirectHandler,
                {"url": self.base_url},
            )
            return [landing, to_landing, *handlers]

    return AppsVoila


#: This server's control token (see CONTROL_TOKEN_ENV), set by main(); "" for none.
CONTROL_TOKEN = ""


def take_control_token(environ: dict | os._Environ = os.environ) -> str:
    """Take the control token out of the environment (kernels and the factory inherit it); "" if unusable."""
    token = environ.pop(CONTROL_TOKEN_ENV, "").strip()
    if token and len(token) < MIN_TOKEN_LENGTH:
        print(t("apps.ready.short_token", least=MIN_TOKEN_LENGTH), file=sys.stderr)
        return ""
    return token


def main(argv: Sequence[str] | None = None) -> None:
    """Start the apps server with Voila arguments `argv` (default: the process arguments)."""
    global CONTROL_TOKEN
    CONTROL_TOKEN = take_control_token()  # before the factory starts: it inherits the environment
    os.environ[PAGE_STATE_ENV] = "1"
    os.environ["JUPYTER_PATH"] = os.pathsep.join(
        [str(JUPYTER_DATA), *filter(None, [os.environ.get("JUPYTER_PATH")])]
    )
    from course.serve.app_factory import FACTORY

    FACTORY.start()  # loads the apps' modules while Voila is imported
    _skip_slow_imports()
    _server_class().launch_instance(list(sys.argv[1:] if argv is None else argv))


def serve(port: int = 8866, open_browser: bool = True) -> int:
    """Serve the apps in the foreground until Ctrl+C; return Voila's exit status."""
    print(t("cli.apps_url", url=f"http://127.0.0.1:{port}/"), flush=True)
    try:
        return subprocess.call(command(port, open_browser), cwd=APPS_DIR)
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    main()
