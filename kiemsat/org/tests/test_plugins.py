"""What apps add to org's commands, and what starting Django costs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from kiemsat.org import plugins

HEAVY = ("docx", "duckdb", "holidays", "ninja", "openpyxl", "vietnam_provinces", "weasyprint")


def test_apps_register_their_seeders_and_demo_builders_by_path() -> None:
    assert plugins.REFERENCE_SEEDERS == [
        "kiemsat.indicators.catalogue.load_starter",
        "kiemsat.indicators.catalogue.metrics_flag_derived",
        "kiemsat.oversight.seed.seed_reference_data",
    ]
    assert plugins.DEMO_BUILDERS == [
        "kiemsat.agreements.demo.build",
        "kiemsat.oversight.demo.build_demo",
        "kiemsat.ingest.demo.build",
        "kiemsat.emulation.demo.build",
        "kiemsat.meetings.demo.build_demo",
    ]
    assert plugins.CALENDAR_LISTENERS == [
        "kiemsat.oversight.services.calendar_changed",
        "kiemsat.meetings.task_services.calendar_changed",
    ]
    from kiemsat.agreements.demo import build

    assert plugins.loaded(plugins.DEMO_BUILDERS)[0] is build


def test_registering_twice_keeps_one_entry() -> None:
    registry: list[str] = []
    plugins.add(registry, "kiemsat.lib.vn.fold")
    plugins.add(registry, "kiemsat.lib.vn.fold")
    assert registry == ["kiemsat.lib.vn.fold"]


def test_starting_django_imports_no_heavy_library() -> None:
    """Every command and worker starts Django: documents, spreadsheets, the API and the
    map of provinces are loaded by what uses them, not at start-up."""
    root = Path(__file__).resolve().parents[3]
    code = (
        "import sys, django; django.setup()\n"
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter and a fixed script
        [sys.executable, "-c", code],
        cwd=root,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "kiemsat.settings"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""
