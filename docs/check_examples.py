"""Run the Python examples of the documentation pages.

    python docs/check_examples.py              # every page, one process each
    python docs/check_examples.py tutorial.md  # one page, in this process

The ```` ```python ```` blocks of a page run in order in one namespace, so
a block may use what an earlier block of the same page defined.  A block
preceded by the line ``<!-- skip -->`` is not run (a fragment, or code
needing a server).  Pages run in separate processes, so that one page's
class-level settings do not leak into another.  Exit status 1 names the
page and the line of the first failing block.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import traceback
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent

_FENCE_RE = re.compile(r"^```\s*python\s*$")
_SKIP = "<!-- skip -->"


def python_blocks(text: str) -> list[tuple[int, str]]:
    """Return (first line number, code) for each runnable block."""
    blocks = []
    lines = text.splitlines()
    previous = ""
    i = 0
    while i < len(lines):
        line = lines[i]
        if _FENCE_RE.match(line.strip()) and previous != _SKIP:
            start, body = i + 2, []
            i += 1
            while i < len(lines) and lines[i].strip() != "```":
                body.append(lines[i])
                i += 1
            blocks.append((start, "\n".join(body) + "\n"))
        if line.strip():
            previous = line.strip()
        i += 1

    return blocks


def run_page(page: Path) -> bool:
    """Run the blocks of ``page`` in one namespace; tell if all passed."""
    namespace = {"__name__": "__docs__"}
    for line, code in python_blocks(page.read_text(encoding="utf-8")):
        name = f"{page.relative_to(DOCS)}:{line}"
        try:
            exec(compile(code, name, "exec"), namespace)
        except Exception:
            traceback.print_exc()
            print(f"FAILED {name}", file=sys.stderr)
            return False

    return True


def pages() -> list[Path]:
    """Every Markdown page of the documentation."""
    return sorted(DOCS.rglob("*.md"))


def main(argv: list[str]) -> int:
    """Run the pages named in ``argv``, or all of them in subprocesses."""
    sys.path.insert(0, str(ROOT))
    if argv:
        ok = all(run_page(DOCS / name) for name in argv)
        return 0 if ok else 1

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    failed = []
    for page in pages():
        name = str(page.relative_to(DOCS))
        done = subprocess.run([sys.executable, __file__, name], env=env,
                              cwd=ROOT, check=False)
        print(f"{'ok' if done.returncode == 0 else 'FAILED':6} {name}")
        if done.returncode:
            failed.append(name)

    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
