"""Session fixtures of the chart and image tests (helpers live in chart_support.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from chart_support import PROFILES, Rendered, rendered_profile


@pytest.fixture(scope="session", params=PROFILES)
def rendered(request: pytest.FixtureRequest) -> Rendered:
    """The chart rendered for each profile (once per session)."""
    return rendered_profile(request.param)


@pytest.fixture(scope="session")
def rendered_default() -> Rendered:
    return rendered_profile("default")


@pytest.fixture(scope="session")
def rendered_dev() -> Rendered:
    return rendered_profile("dev")


@pytest.fixture(scope="session")
def rendered_prod() -> Rendered:
    return rendered_profile("prod")
