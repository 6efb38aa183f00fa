"""The documentation's examples run, and its reference is generated from
the directive table."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from fsa_common import DIRECTIVES

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PAGES = sorted(str(p.relative_to(DOCS)) for p in DOCS.rglob("*.md"))


@pytest.mark.parametrize("page", PAGES)
def test_page_examples_run(page: str) -> None:
    run = subprocess.run(
        [sys.executable, str(DOCS / "check_examples.py"), page],
        cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr


def test_reference_lists_every_directive(tmp_path: Path) -> None:
    run = subprocess.run([sys.executable, str(DOCS / "gen_reference.py")],
                         cwd=ROOT, capture_output=True, text=True,
                         timeout=60)
    assert run.returncode == 0, run.stderr
    reference = (DOCS / "reference.md").read_text()
    for directive in DIRECTIVES:
        assert directive.name in reference
