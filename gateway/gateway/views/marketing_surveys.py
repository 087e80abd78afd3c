"""REST over gRPC: triggers, surveys, the public survey form and improvement items (/api/v1/surveys)."""

from __future__ import annotations


def register(app, deps) -> None:
    """Adds this module's routes to the app (filled in by the work on this part)."""
