"""The classroom's Debian packages for the USB bundle: the proxy and python3.11-venv, offline.

A trainer's machine with no internet cannot `apt-get install node-configurable-http-proxy`
(JupyterHub's proxy, with Node.js and its libraries) or `python3.11-venv`. The bundle
carries them as `.deb` files for Debian 12 (bookworm) on amd64: exactly the packages
that a fresh Debian 12 with python3.11 lacks (the closure of `CLASSROOM` minus the
closure of the packages every Debian 12 has, of priority required and important, and
python3.11), plus python3.11 itself at the version python3.11-venv requires. apt resolves both closures against an empty package status, so the choice
of alternatives is apt's own. The files are downloaded from the Debian registry with
`apt-get download`, checked against the SHA256 sums of the machine's apt lists, and
kept under book/_build/debs like the wheelhouse; only missing or changed files are
fetched again.

Built on a machine that is not Debian 12 amd64, or that cannot reach the registry, the
bundle goes without them: `collect()` says so in one line and returns None.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from course.errors import UserError
from course.messages import t
from course.publish import book

CLASSROOM = ("node-configurable-http-proxy", "python3.11-venv")
BASELINE = ("python3.11",)
# python3.11-venv needs exactly its own version of these: a Debian 12 installed from an
# older point release has an older python3.11, so the bundle carries them too (apt
# upgrades them from the files, offline).
SAME_VERSION = ("python3.11", "python3.11-minimal", "libpython3.11-stdlib", "libpython3.11-minimal")
RELEASE, ARCH = "bookworm", "amd64"
SUMS = "SHA256SUMS"


@dataclass(frozen=True)
class Deb:
    """One package file: name=version, its file name, the SHA256 the apt lists give, its URI."""

    package: str
    filename: str
    sha256: str
    uri: str


def debs_dir() -> Path:
    """The cached `.deb` files (under book/_build, like the wheelhouse)."""
    return book.book_dir() / "_build" / "debs" / f"{RELEASE}-{ARCH}"


def platform_problem() -> str | None:
    """Why this machine cannot fetch the packages for Debian 12 amd64, or None."""
    if shutil.which("apt-get") is None or shutil.which("dpkg") is None:
        return "no apt-get"
    release = {}
    try:
        for line in Path("/etc/os-release").read_text(encoding="utf-8").splitlines():
            key, _, value = line.partition("=")
            release[key] = value.strip().strip('"')
    except OSError:
        return "no /etc/os-release"
    arch = _run(["dpkg", "--print-architecture"]).strip()
    if release.get("VERSION_CODENAME") != RELEASE or arch != ARCH:
        name = release.get("PRETTY_NAME", "?")
        return f"{name} on {arch}, not Debian 12 ({RELEASE}) on {ARCH}"
    return None


def _run(command: list[str], cwd: Path | None = None) -> str:
    env = {**os.environ, "LC_ALL": "C", "DEBIAN_FRONTEND": "noninteractive"}
    result = subprocess.run(command, capture_output=True, text=True, cwd=cwd, env=env)
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["?"])[-1]
        raise UserError(t("bundle.debs_apt_failed", message=last))
    return result.stdout


def _required_and_important() -> list[str]:
    """The packages of priority required or important: what every Debian 12 has."""
    names, package = set(), ""
    for line in _run(["apt-cache", "dumpavail"]).splitlines():
        if line.startswith("Package: "):
            package = line.split()[1]
        elif line.startswith("Priority: ") and line.split()[1] in ("required", "important"):
            names.add(package)
    return sorted(names)


def _closure(packages: list[str] | tuple[str, ...]) -> dict[str, str]:
    """Every package (and its version) apt installs for `packages` on an empty system.

    The versions are the registry's candidates for a system with nothing installed, not
    the ones this machine may have from elsewhere (Node.js from NodeSource, say).
    """
    with tempfile.NamedTemporaryFile(prefix="dgt-empty-status-") as empty:
        output = _run(
            [
                "apt-get",
                "-s",
                "-o",
                f"Dir::State::status={empty.name}",
                "-o",
                "APT::Install-Recommends=false",
                "install",
                *packages,
            ]
        )
    versions = {}
    for line in output.splitlines():
        if line.startswith("Inst "):
            name, version = line.split()[1], line.split("(", 1)[1].split()[0]
            versions[name] = version
    return versions


def needed_packages() -> list[str]:
    """The packages a fresh Debian 12 with python3.11 lacks to run the classroom, as name=version."""
    baseline = _closure([*_required_and_important(), *BASELINE])
    needed = _closure(CLASSROOM)
    names = (set(needed) - set(baseline)) | (set(SAME_VERSION) & set(needed))
    return [f"{name}={needed[name]}" for name in sorted(names)]


def _uris(packages: list[str]) -> list[Deb]:
    """Where each package's file is, with its SHA256 (from the apt lists, no network)."""
    debs = []
    for line in _run(["apt-get", "download", "--print-uris", *packages]).splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[3].startswith("SHA256:"):
            uri, filename = parts[0].strip("'"), parts[1]
            name, version = filename.split("_")[:2]
            package = f"{name}={urllib.parse.unquote(version)}"
            debs.append(Deb(package, filename, parts[3][7:], uri))
    return debs


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify(folder: Path, debs: list[Deb]) -> None:
    """Raise a one-line UserError when a file is missing from `folder` or not the right one."""
    if not folder.is_dir():
        raise UserError(t("bundle.debs_missing_folder", path=folder))
    for deb in debs:
        path = folder / deb.filename
        if not path.is_file():
            raise UserError(t("bundle.debs_missing", path=path))
        if _sha256(path) != deb.sha256:
            raise UserError(t("bundle.debs_bad", path=path))


def fetch(folder: Path | None = None) -> list[Path]:
    """Fill `folder` with the classroom's `.deb` files; return them, in name order.

    Files already there with the right SHA256 are kept, others are downloaded again;
    files no longer needed are removed. `SHA256SUMS` lists them all, for the trainer's
    `sha256sum -c` before installing.
    """
    folder = folder or debs_dir()
    folder.mkdir(parents=True, exist_ok=True)
    debs = _uris(needed_packages())
    wanted = {deb.filename for deb in debs}
    for old in folder.glob("*.deb"):
        if old.name not in wanted:
            old.unlink()
    stale = [
        deb
        for deb in debs
        if not (folder / deb.filename).is_file() or _sha256(folder / deb.filename) != deb.sha256
    ]
    if stale:
        with tempfile.TemporaryDirectory(prefix="dgt-debs-", dir=folder) as tmp:
            os.chmod(tmp, 0o755)  # apt's download sandbox (user _apt) writes here
            _run(["apt-get", "download", *[deb.package for deb in stale]], cwd=Path(tmp))
            for deb in stale:
                fetched = Path(tmp) / deb.filename
                if fetched.is_file():
                    fetched.replace(folder / deb.filename)
    verify(folder, debs)
    sums = "".join(f"{deb.sha256}  {deb.filename}\n" for deb in sorted(debs, key=_key))
    (folder / SUMS).write_text(sums, encoding="utf-8")
    return [folder / deb.filename for deb in sorted(debs, key=_key)]


def _key(deb: Deb) -> str:
    return deb.filename


def collect(folder: Path | None = None) -> list[Path] | None:
    """The `.deb` files for the bundle, or None (with one line saying why) when unavailable."""
    try:
        problem = platform_problem()
        if problem is None:
            return fetch(folder)
    except UserError as error:
        problem = str(error)
    print(t("bundle.no_debs", reason=problem))
    return None
