"""What the distribution declares and ships: the documentation inside the wheel, where the
help text points, the project's links, and a test extra that names what the tests import."""

from __future__ import annotations

import ast
import importlib.metadata
import inspect
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import sendx._docs
from sendx.cli import main

if sys.version_info >= (3, 11):
    import tomllib
else:  # the emulator extra brings tomli there
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
PAGES = sorted(path.name for path in (ROOT / "docs").glob("*.md"))


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel, built from this checkout by its build backend."""
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "hatchling", "build", "-t", "wheel", "-d", str(out)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    [built] = out.glob("*.whl")
    return built


def test_the_wheel_ships_the_docs_and_the_links(wheel: Path) -> None:
    """Every page of docs/ is in the wheel as sendx/docs/NAME, and the metadata names
    the project's links."""
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        [metadata] = [name for name in names if name.endswith(".dist-info/METADATA")]
        text = archive.read(metadata).decode()
    assert PAGES
    assert {f"sendx/docs/{page}" for page in PAGES} <= names
    assert "Project-URL: SendX, https://www.sendx.io" in text
    assert "Project-URL: SendX API documentation, https://docs.sendx.io" in text


def test_the_wheel_ships_the_web_page(wheel: Path) -> None:
    """The emulator's web page is files of the package (no build step, no CDN): the
    wheel has every one of them."""
    static = ROOT / "src" / "sendx" / "emulator" / "web" / "static"
    files = sorted(path.name for path in static.iterdir())
    assert {"index.html", "app.js", "app.css"} <= set(files)
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    assert {f"sendx/emulator/web/static/{name}" for name in files} <= names


def test_the_installed_help_points_at_the_shipped_page(wheel: Path, tmp_path: Path) -> None:
    """``sendx emulator --help`` run from the installed wheel names the page inside it,
    a file that is there."""
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    env = {**os.environ, "PYTHONPATH": str(site), "COLUMNS": "500"}
    result = subprocess.run(
        [sys.executable, "-c", "from sendx.cli import main; main(['emulator', '--help'])"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    page = site / "sendx" / "docs" / "emulator.md"
    assert page.is_file()
    assert f"Documentation: {page}" in result.stdout


def test_the_help_points_at_the_checkout_page(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """From a source checkout (an editable install) it is the checkout's page."""
    monkeypatch.setenv("COLUMNS", "500")
    with pytest.raises(SystemExit):
        main(["emulator", "--help"])
    assert f"Documentation: {ROOT / 'docs' / 'emulator.md'}" in capsys.readouterr().out


def test_without_the_pages_the_help_says_where_they_are(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A build that left the pages out still gets a pointer, not a path to nothing."""
    monkeypatch.setattr(sendx._docs, "_PACKAGE", tmp_path / "lib" / "site" / "sendx")
    assert sendx._docs.page("emulator.md") == (
        "docs/emulator.md in the source distribution of sendx-client"
    )


def _name(requirement: str) -> str:
    """The normalized distribution name of a PEP 508 requirement."""
    found = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement)
    assert found, requirement
    return re.sub(r"[-_.]+", "-", found[0]).lower()


def _owners() -> dict[str, set[str]]:
    """Top-level module -> the distributions that install it, as 3.11's
    ``importlib.metadata.packages_distributions()`` infers it (3.10's reads only
    ``top_level.txt``, which packages built with flit, such as markdown-it-py, lack)."""
    owners: dict[str, set[str]] = {}
    for dist in importlib.metadata.distributions():
        modules = set((dist.read_text("top_level.txt") or "").split()) or {
            path.parts[0] if len(path.parts) > 1 else inspect.getmodulename(str(path)) or ""
            for path in dist.files or ()
        }
        for module in modules - {""}:
            owners.setdefault(module, set()).add(dist.metadata["Name"])
    return owners


def _imported(paths: list[Path]) -> set[str]:
    """The top-level modules these files import, ``pytest.importorskip`` included."""
    modules: set[str] = set()
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                modules.add(node.module.split(".")[0])
            elif (
                isinstance(node, ast.Call)
                and getattr(node.func, "attr", None) == "importorskip"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                modules.add(str(node.args[0].value).split(".")[0])
    return modules


def test_the_test_extra_names_what_the_tests_import() -> None:
    """Every distribution that tests/ and examples/ import is a dependency of the
    package, of its emulator extra, or named in the test extra itself (not merely
    brought by another package, which may stop bringing it)."""
    project = PYPROJECT["project"]
    extras = project["optional-dependencies"]
    declared = {
        _name(requirement)
        for requirement in [*project["dependencies"], *extras["emulator"], *extras["test"]]
    }
    files = [*(ROOT / "tests").rglob("*.py"), *(ROOT / "examples").rglob("*.py")]
    # The SDK tour runs in an environment of its own (.venv-sdk), with SendX's SDK.
    files = [path for path in files if path != ROOT / "tests" / "sdk" / "tour.py"]
    local = {"sendx", "swagger_client", "tests", *(path.stem for path in files)}
    owners = _owners()
    # tomllib is in the standard library from 3.11 on (tomli stands in on 3.10).
    standard = {*sys.stdlib_module_names, "__future__", "tomllib"}
    third_party = _imported(files) - local - standard
    assert {"pytest", "requests", "schemathesis"} <= third_party  # the scan sees imports
    # A module not installed on this Python (tomli on 3.11+) is named as its package.
    missing = {
        module: owners.get(module)
        for module in sorted(third_party)
        if not {_name(owner) for owner in owners.get(module, {module})} & declared
    }
    assert missing == {}
