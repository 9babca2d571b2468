"""The USB bundle: one zip that lets a computer without internet read the book and run the lab.

`make_bundle()` writes `dgt-lab/` into a zip:

    README.md            how to install and start the lab offline (book/_bundle/README.md)
    book/html/           the HTML book (open book/html/index.html)
    book/lo/_build/html/ the Lao edition (draft translation), linked page by page with the
                         English one (the same relative place as in book/_build)
    book/dgt-lab-book.pdf
    worksheets/          the printable worksheets (PDF) and spreadsheet templates (.xlsx)
    curriculum/modules/  the lesson notebooks
    curriculum/exercises/  the trainee version of every exercise (no solutions)
    data/                the course data: real data with PROVENANCE.md, SYNTHETIC datasets
    wheelhouse/          every wheel the lab needs on this platform, and the lab itself
    constraints.txt      the pinned versions (requirements.lock)
    debs/                the classroom's Debian packages for Debian 12 amd64 (the proxy,
                         Node.js, python3.11-venv) with SHA256SUMS and PACKAGES.txt, when
                         built on Debian 12 amd64 with the registry at hand (course.publish.debs)

The wheelhouse is built with `pip wheel` against the pinned set (from the package
registry) and kept under book/_build; it is refreshed only when requirements.lock or
pyproject.toml change, and only the lab's own wheel is rebuilt each time. The zip is written to a temporary file and
renamed, so a failed run leaves no half-written bundle.
"""

from __future__ import annotations

import hashlib
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from course.errors import UserError
from course.manifest import curriculum, repo_root
from course.messages import t
from course.publish import book, worksheets
from course.publish import debs as classroom_debs

TOP = "dgt-lab"
LAO = "lo"
PROJECT_FILES = ("pyproject.toml", "README.md", "course", "autograder")


def bundle_path() -> Path:
    return book.book_dir() / "_build" / "dgt-lab-bundle.zip"


def lock_file() -> Path:
    return repo_root() / "requirements.lock"


def lock_digest() -> str:
    """A digest of requirements.lock and pyproject.toml: the wheelhouse's cache key."""
    digest = hashlib.sha256()
    for name in ("requirements.lock", "pyproject.toml"):
        digest.update((repo_root() / name).read_bytes())
    return digest.hexdigest()


def wheelhouse_dir() -> Path:
    """The cached wheelhouse for this Python and machine (under book/_build)."""
    tag = f"{sys.implementation.cache_tag}-{platform.machine()}"
    return book.book_dir() / "_build" / "wheelhouse" / tag


def pinned_versions() -> dict[str, str]:
    """The exact versions in requirements.lock, by normalised project name."""
    pins = {}
    for line in lock_file().read_text(encoding="utf-8").splitlines():
        name, sep, version = line.split("#")[0].strip().partition("==")
        if sep:
            pins[_normalise(name)] = version.strip()
    return pins


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def _pip(*arguments: str) -> None:
    command = [sys.executable, "-m", "pip", "--disable-pip-version-check", *arguments]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["?"])[-1]
        raise UserError(t("bundle.pip_failed", message=last))


def _project_copy(folder: Path) -> Path:
    """Copy the files that make up the lab's own package (without caches) into `folder`."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", ".ipynb_checkpoints")
    folder.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_FILES:
        source = repo_root() / name
        if source.is_dir():
            shutil.copytree(source, folder / name, ignore=ignore)
        else:
            shutil.copy2(source, folder / name)
    return folder


def build_wheelhouse(folder: Path | None = None) -> Path:
    """Fill `folder` with the lab's wheel and every wheel it needs, at the pinned versions.

    The third-party wheels are fetched when requirements.lock or pyproject.toml changed
    since the last run (`.complete` holds their digest); wheels already in the folder
    are reused and wheels no longer pinned are removed. The lab's own wheel is rebuilt
    every time from the current sources.
    """
    folder = folder or wheelhouse_dir()
    folder.mkdir(parents=True, exist_ok=True)
    stamp = folder / ".complete"
    for old in folder.glob("dgt_lab-*.whl"):
        old.unlink()
    with tempfile.TemporaryDirectory(prefix="dgt-wheel-") as tmp:
        project = _project_copy(Path(tmp) / "project")
        _pip("wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(folder), str(project))
        if not stamp.is_file() or stamp.read_text().strip() != lock_digest():
            stamp.unlink(missing_ok=True)
            _pip(
                "wheel",
                "-q",
                "--prefer-binary",
                "-c",
                str(lock_file()),
                "--find-links",
                str(folder),
                "-w",
                str(folder),
                str(project),
            )
            # Drop wheels of versions no longer pinned (pip and wheel are not in the lock).
            pins = pinned_versions()
            for wheel in folder.glob("*.whl"):
                name, version = wheel.name.split("-")[:2]
                if pins.get(_normalise(name), version) != version:
                    wheel.unlink()
            stamp.write_text(lock_digest() + "\n")
    return folder


def _trainee_exercises(folder: Path) -> list[Path]:
    from autograder.release import write_trainee_version

    written = []
    for module in curriculum().modules:
        target = folder / module.id / module.exercise.notebook
        target.parent.mkdir(parents=True, exist_ok=True)
        write_trainee_version(module.exercise.source, target)
        written.append(target)
    return written


def _add_tree(archive: zipfile.ZipFile, source: Path, prefix: str) -> None:
    for path in sorted(source.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".tmp":
            archive.write(path, f"{prefix}/{path.relative_to(source).as_posix()}")


def _keep_variant(text: str, keep: str, drop: str) -> str:
    """Keep the README's `<!-- classroom:keep -->` block (without its marks), drop the other."""
    text = re.sub(
        rf"<!-- classroom:{drop} -->.*?<!-- /classroom:{drop} -->\n", "", text, flags=re.S
    )
    return text.replace(f"<!-- classroom:{keep} -->\n", "").replace(
        f"<!-- /classroom:{keep} -->\n", ""
    )


def _add_debs(archive: zipfile.ZipFile, deb_files: list[Path]) -> None:
    """Put the `.deb` files in `debs/`, with their SHA256SUMS and a PACKAGES.txt list."""
    for path in deb_files:
        archive.write(path, f"{TOP}/debs/{path.name}", zipfile.ZIP_STORED)
    folder = deb_files[0].parent
    archive.write(folder / classroom_debs.SUMS, f"{TOP}/debs/{classroom_debs.SUMS}")
    names = "".join(f"{path.name.split('_')[0]}\n" for path in deb_files)
    archive.writestr(f"{TOP}/debs/PACKAGES.txt", names)


def readme_text(with_debs: bool = True) -> str:
    """The offline README, with this platform's Python version and the classroom part filled in."""
    template = (book.book_dir() / "_bundle" / "README.md").read_text(encoding="utf-8")
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    text = template.replace("{python}", python).replace("{machine}", platform.machine())
    return _keep_variant(text, *(("with", "without") if with_debs else ("without", "with")))


def make_bundle(
    target: Path | None = None,
    wheelhouse: Path | None = None,
    build: bool = True,
    debs: Path | None = None,
    classroom: bool = True,
) -> Path:
    """Write the USB bundle zip (atomically); return its path.

    With `build`, the HTML book (English and Lao editions) and the PDF are (re)built
    first; without it, the existing ones are used: the English book and the PDF must be
    there, and the Lao edition goes in when it has been built (a line says when it has not).
    `debs` is the folder that caches the classroom's Debian packages (default under
    book/_build); `classroom=False` leaves them out. Without them the README says so.
    """
    from course.publish import edition
    from course.publish import pdf as book_pdf

    target = Path(target) if target else bundle_path()
    if build:
        edition.build_book(LAO, strict=True, quiet=True)
        book_pdf.make_pdf()
    lao_html = edition.html_dir(LAO)
    if not (lao_html / "index.html").is_file():
        lao_html = None
        print(t("bundle.no_lao_edition"))
    html_dir, pdf = book.output_dir(), book_pdf.pdf_path()
    for needed in (html_dir / "index.html", pdf):
        if not needed.is_file():
            raise UserError(t("bundle.missing", path=needed))
    wheels = build_wheelhouse(wheelhouse)
    deb_files = classroom_debs.collect(debs) if classroom else None
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".tmp")
    try:
        with tempfile.TemporaryDirectory(prefix="dgt-bundle-") as work:
            exercises = Path(work) / "exercises"
            _trainee_exercises(exercises)
            worksheets.make_kit(Path(work) / "worksheets")
            with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                archive.writestr(f"{TOP}/README.md", readme_text(bool(deb_files)))
                archive.write(lock_file(), f"{TOP}/constraints.txt")
                _add_tree(archive, html_dir, f"{TOP}/book/html")
                if lao_html is not None:
                    _add_tree(archive, lao_html, f"{TOP}/book/{LAO}/_build/html")
                archive.write(pdf, f"{TOP}/book/{pdf.name}")
                _add_tree(archive, Path(work) / "worksheets", f"{TOP}/worksheets")
                for module in curriculum().modules:
                    for lesson in module.lesson_paths:
                        archive.write(lesson, f"{TOP}/curriculum/modules/{module.id}/{lesson.name}")
                _add_tree(archive, exercises, f"{TOP}/curriculum/exercises")
                from course.data import FILES

                _add_tree(archive, FILES, f"{TOP}/data")
                for wheel in sorted(wheels.glob("*.whl")):
                    archive.write(wheel, f"{TOP}/wheelhouse/{wheel.name}", zipfile.ZIP_STORED)
                if deb_files:
                    _add_debs(archive, deb_files)
        tmp.replace(target)
    finally:
        tmp.unlink(missing_ok=True)
    print(t("bundle.written", path=target, size=round(target.stat().st_size / 1e6, 1)))
    return target
