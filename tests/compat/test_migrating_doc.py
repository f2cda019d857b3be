"""``docs/migrating.md`` pairs every old ``swagger_client`` call with its ``sendx`` one, and
its error examples really meet an error. (Every block of the page runs, after the page's
setup, in ``tests/docs``.)"""

from __future__ import annotations

from pathlib import Path

from sendx.testing import TestEmulator
from tests.docs._blocks import ROOT, Page, Run
from tests.docs._run import environment, run

PAGE = Page.read(ROOT / "docs" / "migrating.md")


def _examples() -> list[Run]:
    return [each for each in PAGE.runs() if each.language == "python"]


def test_doc_pairs_old_calls_with_sendx_ones() -> None:
    """Each section shows both packages: as many sendx examples as swagger_client
    ones; the setup points swagger_client at the emulator by its configuration's host."""
    [setup] = PAGE.marked("setup")
    assert 'swagger_client.Configuration().host = os.environ["SENDX_BASE_URL"]' in setup.code
    examples = [b for b in PAGE.blocks if b.language == "python" and b.marker != "setup"]
    old = [b for b in examples if "import swagger_client" in b.code]
    new = [b for b in examples if "import sendx" in b.code]
    assert len(old) >= 4
    assert len(new) >= len(old)
    assert len(old) + len(new) == len(examples)


def test_the_error_examples_get_a_401(sendx_emulator: TestEmulator, tmp_path: Path) -> None:
    """Both error examples (the old and the new) print the 401 the wrong key gets from
    the emulator, so their ``except`` branch is what ran."""
    errors = [each for each in _examples() if '"not-the-key"' in each.blocks[-1].code]
    assert len(errors) == 2
    env = environment(sendx_emulator.env())
    for each in errors:
        result = run(each, env, tmp_path)
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith("401 "), (each.where, result.stdout)
