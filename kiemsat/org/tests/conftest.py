"""Fixtures of the org tests."""

from __future__ import annotations

import pytest

from kiemsat.org.tests.scoping import HA_GIANG, HA_LONG, build_world


@pytest.fixture
def worlds(units, cast, settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    return {code: build_world(code) for code in (HA_GIANG, HA_LONG)}
