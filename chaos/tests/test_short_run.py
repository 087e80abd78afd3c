"""The short chaos run (issue 17; ``make chaos`` is the long one): the whole suite on
PostgreSQL and RabbitMQ quorum queues under a steady load through the gateway while every kind
of process is SIGKILLed once, a worker is paused and the broker and the database are restarted;
afterwards nothing accepted is lost or doubled.

It runs the harness (``chaos/``) as a process of its own: it owns its broker and its database
cluster, because restarting them is part of the schedule and would break every other test on
the session's ``rabbitmq`` and ``postgres`` fixtures."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]  # the repository
EVERY_KIND = {"sigkill", "pause", "broker", "postgresql"}


# Two minutes on a quiet two-core machine (the suite's start is 40 s of it); up to five with
# other test runs beside it. The run's own deadline stays inside the test's.
@pytest.mark.timeout(600)
def test_under_every_kind_of_fault_no_accepted_request_is_lost_or_doubled(tmp_path):
    report_path = tmp_path / "chaos.json"
    done = subprocess.run(
        [sys.executable, "-m", "chaos", "--short", "--report", str(report_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=570,
        check=False,
    )
    printed = f"{done.stdout[-5000:]}\n{done.stderr[-3000:]}"
    assert report_path.exists(), printed
    report = json.loads(report_path.read_text())

    killed = {
        f["fault"].removeprefix("SIGKILL ")
        for f in report["faults"]
        if f["kind"] == "sigkill" and f["recovery_s"] is not None
    }
    assert killed == {
        f"{svc}-{role}"
        for svc in ("customer", "sales", "ticket", "marketing", "notification")
        for role in ("api", "worker")
    } | {"gateway"}, printed
    assert {f["kind"] for f in report["faults"] if f["recovery_s"] is not None} == EVERY_KIND
    assert report["tickets_accepted"] >= 100, printed
    assert (report["lost"], report["duplicated"]) == (0, 0), printed
    assert report["details"]["incomplete_traces"] == [], printed
    assert (report["outbox_pending"], report["queue_backlog"], report["dead_letters"]) == (
        {},
        {},
        {},
    ), printed
    assert report["server_errors_500"] == 0, printed
    assert done.returncode == 0, printed
