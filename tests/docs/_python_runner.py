"""Runs a documentation page's Python blocks, in order, in one namespace, as a reader
would paste them: ``python _python_runner.py BLOCKS.json``.

Each block is compiled under the page's own file name and line numbers, so a traceback
points at the Markdown line. A block with top-level ``await`` runs in ``asyncio.run``,
as ``python -m asyncio`` would run it. Anything reported as unraisable (a
``ResourceWarning`` from an unclosed client or file, an error in a ``__del__``) fails
the run: an example must clean up after itself.
"""

from __future__ import annotations

import ast
import asyncio
import gc
import inspect
import json
import sys
from typing import Any


def main(payload: str) -> int:
    with open(payload, encoding="utf-8") as file:
        blocks = json.load(file)
    unraisable: list[str] = []

    def record(report: Any) -> None:
        unraisable.append(f"{report.exc_type.__name__}: {report.exc_value} ({report.object!r})")

    sys.unraisablehook = record
    namespace: dict[str, Any] = {"__name__": "__main__"}
    for block in blocks:
        # Blank lines before the code give it the line numbers it has in the page.
        source = "\n" * (block["line"]) + block["code"]
        code = compile(source, block["path"], "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
        if code.co_flags & inspect.CO_COROUTINE:
            asyncio.run(eval(code, namespace))  # noqa: S307 (the project's own docs)
        else:
            exec(code, namespace)  # noqa: S102 (the project's own docs)
    namespace.clear()
    gc.collect()
    if unraisable:
        print("left behind by the example:", *unraisable, sep="\n  ", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
