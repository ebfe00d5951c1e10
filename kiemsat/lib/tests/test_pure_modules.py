"""The pure cores (the legal clock, the indicator engine, dates and formatting) load in an
interpreter where Django is not even configured, so they can never reach the database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PURE = [
    "kiemsat.oversight.clock",
    "kiemsat.indicators.engine",
    "kiemsat.lib.periods",
    "kiemsat.lib.workdays",
    "kiemsat.lib.vn",
]
ROOT = Path(__file__).resolve().parents[3]


def _loaded_after_importing(module: str) -> list[str]:
    code = (
        "import importlib, json, sys;"
        f"importlib.import_module({module!r});"
        "print(json.dumps(sorted(sys.modules)))"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    done = subprocess.run(  # noqa: S603 - our own interpreter and a fixed script
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    return list(json.loads(done.stdout))


@pytest.mark.parametrize("module", PURE)
def test_pure_module_imports_no_django(module: str) -> None:
    loaded = _loaded_after_importing(module)
    assert module in loaded
    assert [m for m in loaded if m == "django" or m.startswith("django.")] == []
