"""The code-block runner itself, on small pages made here: it finds every block, refuses
the ones nobody decided about, and fails when an example fails."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from tests.docs._blocks import Page
from tests.docs._run import (
    check_data,
    check_excerpt,
    check_fragment,
    environment,
    run,
    run_files,
)

from sendx.testing import TestEmulator


def _page(tmp_path: Path, text: str) -> Page:
    path = tmp_path / "page.md"
    path.write_text(textwrap.dedent(text).replace("~~~", "```"), encoding="utf-8")
    return Page.read(path)


def test_blocks_nobody_decided_about_are_problems(tmp_path: Path) -> None:
    """No language, an unknown one, an unknown marker, a marker without its reason, an
    indented block, a continued block with nothing before it: each is named, with its
    line; a block marked not run is fine in any language."""
    page = _page(
        tmp_path,
        """\
        ~~~
        sendx identify a@example.com
        ~~~

        ~~~console
        $ ls
        ~~~

        <!-- skip -->
        ~~~python
        print(1)
        ~~~

        <!-- not run: -->
        ~~~sh
        make
        ~~~

        <!-- continued -->
        ~~~sh
        true
        ~~~

            indented = "code"

        <!-- not run: a Windows command -->
        ~~~powershell
        dir
        ~~~
        """,
    )
    page.runs()
    problems = "\n".join(page.problems)
    for line, what in [
        (1, "a block in 'no language'"),
        (5, "a block in 'console'"),
        (10, "unknown marker '<!-- skip -->'"),
        (15, "<!-- not run: ... --> needs its argument"),
        (20, "<!-- continued --> but no sh block before it"),
        (24, "an indented code block"),
    ]:
        assert f"page.md:{line}: {what}" in problems
    assert len(page.problems) == 6
    assert [(b.language, b.marker, b.argument) for b in page.blocks] == [
        ("sh", "continued", ""),
        ("powershell", "not run", "a Windows command"),
    ]


def test_blocks_in_lists_are_found(tmp_path: Path) -> None:
    """A fence inside a list item is a block like any other."""
    page = _page(
        tmp_path,
        """\
        - a step:

          ~~~python
          print("in a list")
          ~~~
        """,
    )
    assert [(b.line, b.code) for b in page.blocks] == [(3, 'print("in a list")\n')]


def test_setup_and_continued_make_runs(tmp_path: Path) -> None:
    """A setup block starts every later Python run (not the shell ones); a continued
    block joins the run before it; a setup with nothing after it runs on its own."""
    page = _page(
        tmp_path,
        """\
        ~~~python
        first = 1
        ~~~

        <!-- setup -->
        ~~~python
        shared = 2
        ~~~

        ~~~sh
        echo shell
        ~~~

        ~~~python
        second = shared
        ~~~

        <!-- continued -->
        ~~~python
        third = second
        ~~~

        <!-- setup -->
        ~~~python
        last = 3
        ~~~
        """,
    )
    assert page.problems == []
    assert [(each.language, [b.line for b in each.blocks]) for each in page.runs()] == [
        ("python", [1]),
        ("sh", [10]),
        ("python", [6, 14, 19]),
        ("python", [6, 24]),
    ]
    assert page.runs()[2].where.endswith("page.md:14,19")


@pytest.fixture
def env(sendx_emulator: TestEmulator) -> dict[str, str]:
    return environment(sendx_emulator.env())


def test_a_failing_python_block_fails_with_its_line(tmp_path: Path, env: dict[str, str]) -> None:
    """The traceback names the page and the line of the block, not a temporary file."""
    page = _page(
        tmp_path,
        """\
        Some text.

        ~~~python
        x = 1
        raise ValueError(f"wrong: {x}")
        ~~~
        """,
    )
    [each] = page.runs()
    result = run(each, env, tmp_path)
    assert result.returncode == 1
    assert f'File "{tmp_path / "page.md"}", line 5' in result.stderr
    assert "ValueError: wrong: 1" in result.stderr


def test_a_block_that_leaves_a_file_open_fails(tmp_path: Path, env: dict[str, str]) -> None:
    """What an example leaves unclosed is reported (a ResourceWarning when it is
    collected), and fails the run."""
    (tmp_path / "data.txt").write_text("x")
    page = _page(
        tmp_path,
        """\
        ~~~python
        handle = open("data.txt")
        ~~~
        """,
    )
    [each] = page.runs()
    result = run(each, env, tmp_path)
    assert result.returncode == 1
    assert "left behind by the example" in result.stderr
    assert "ResourceWarning: unclosed file" in result.stderr


def test_python_blocks_reach_the_emulator_and_may_await(
    tmp_path: Path, env: dict[str, str], sendx_emulator: TestEmulator
) -> None:
    """SENDX_* point at the emulator; top-level await runs as in ``python -m asyncio``."""
    page = _page(
        tmp_path,
        """\
        ~~~python
        import sendx

        async with sendx.AsyncSendX() as client:
            await client.contacts.identify("await@example.com")
        ~~~
        """,
    )
    [each] = page.runs()
    result = run(each, env, tmp_path)
    assert result.returncode == 0, result.stderr
    assert [c.email for c in sendx_emulator.contacts()] == ["await@example.com"]


def test_shell_blocks_run_with_bash_and_stop_at_an_error(
    tmp_path: Path, env: dict[str, str], sendx_emulator: TestEmulator
) -> None:
    """The ``sendx`` command of this environment runs against the emulator; a failing
    command fails the block, even before its last line."""
    page = _page(
        tmp_path,
        """\
        ~~~sh
        sendx identify shell@example.com --tag cli
        ~~~

        ~~~bash
        false
        echo "not reached"
        ~~~
        """,
    )
    good, bad = page.runs()
    assert run(good, env, tmp_path).returncode == 0
    assert sendx_emulator.contact("shell@example.com").tags == ["cli"]
    result = run(bad, env, tmp_path)
    assert result.returncode == 1
    assert "not reached" not in result.stdout


def test_file_blocks_must_pass_and_each_test_file_must_run_a_test(
    tmp_path: Path, env: dict[str, str]
) -> None:
    """A failing test, a test file without a test, a failing script: each a problem."""
    page = _page(
        tmp_path,
        """\
        <!-- file: test_fails.py -->
        ~~~python
        def test_no():
            assert False
        ~~~

        <!-- file: test_empty.py -->
        ~~~python
        VALUE = 1
        ~~~

        <!-- file: script.py -->
        ~~~python
        raise SystemExit(3)
        ~~~

        <!-- file: pytest.ini -->
        ~~~ini
        [pytest]
        asyncio_default_fixture_loop_scope = function
        ~~~
        """,
    )
    folder = tmp_path / "files"
    folder.mkdir()
    problems, output = run_files(page.marked("file"), env, folder)
    assert problems == [
        "pytest test_fails.py test_empty.py exited 1",
        "python script.py exited 3",
    ]
    assert "test_fails.py:2: AssertionError" in output or "assert False" in output

    (folder / "test_fails.py").unlink()
    test_empty, _, ini = page.marked("file")[1:]
    problems, _ = run_files([test_empty, ini], env, folder)
    assert problems == ["pytest test_empty.py exited 5"]


def test_checks_of_fragments_excerpts_and_data(tmp_path: Path) -> None:
    """A fragment may be a function body but must compile; an excerpt must be verbatim;
    JSON and TOML must parse."""
    (tmp_path / "source.py").write_text("def f():\n    return 1\n")
    page = _page(
        tmp_path,
        f"""\
        <!-- fragment: a function's end -->
        ~~~python
            value = await compute()
            return value
        ~~~

        <!-- fragment: broken -->
        ~~~python
        def (
        ~~~

        <!-- excerpt: {tmp_path / "source.py"} -->
        ~~~python
            return 1
        ~~~

        <!-- excerpt: {tmp_path / "source.py"} -->
        ~~~python
            return 2
        ~~~

        ~~~json
        {{"a": 1,}}
        ~~~

        ~~~toml
        a = [1, 2
        ~~~
        """,
    )
    good, broken = page.marked("fragment")
    assert check_fragment(good) is None
    assert "does not compile" in str(check_fragment(broken))
    exact, inexact = page.marked("excerpt")
    assert check_excerpt(exact) is None
    assert "inexactly" in str(check_excerpt(inexact))
    json_problem, toml_problem = (str(check_data(block)) for block in page.data())
    assert "the json does not parse" in json_problem
    assert "the toml does not parse" in toml_problem
