"""``python -m chaos [--short]``: start the suite, load it while faults are injected, wait for
quiescence, check the invariants, print the report. Exit status 0 when every invariant holds
and the run did what it promised (enough tickets accepted, every kind of fault injected)."""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

from crm_devstack.waiting import wait_until

from chaos.client import Client
from chaos.faults import FaultInjector, schedule
from chaos.invariants import Checker, Verdict
from chaos.load import Plan, Workload
from chaos.stack import Stack

# The load's length and rates, the campaign's audience, how many faults (at least one of each
# kind), how long the paused worker stays frozen, the tickets a run must get accepted, settings
# of the suite (the full run keeps the defaults; the short run retries a failed event within
# seconds, not after the default's 30 s, and a delivery claimed by a worker that was killed
# before it sent goes after 20 s, not 2 minutes, so that it is quiet sooner), by when (a share
# of the load) every fault has begun, and how long a client retries one request before it
# gives up. Short: >= 100 tickets and one fault of each kind, in make test.
PROFILES = {
    "short": {
        "seconds": 28,
        "ticket_rate": 4.5,
        "customer_rate": 0.4,
        "lead_rate": 0.2,
        "audience": 3,
        "faults": 0,
        "pause": 3.0,
        "min_tickets": 100,
        "settings": {"EVENT_RETRY_DELAYS": "0.5,1,2,5,10,20", "DELIVERY_CLAIM_SECONDS": "20"},
        "faults_by": 0.5,
        "give_up_after": 90.0,
    },
    "full": {
        "seconds": 300,
        "ticket_rate": 4.0,
        "customer_rate": 0.5,
        "lead_rate": 0.3,
        "audience": 20,
        "faults": 24,
        "pause": 15.0,
        "min_tickets": 1000,
        "settings": {},
        "faults_by": 0.8,
        "give_up_after": 90.0,
    },
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m chaos", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--short",
        action="store_true",
        help="the make test version: >= 100 tickets, one fault of each kind",
    )
    parser.add_argument("--seed", type=int, default=None, help="the fault schedule's seed")
    parser.add_argument("--report", type=Path, help="also write the report as JSON here")
    parser.add_argument(
        "--keep", action="store_true", help="keep the run's folder (every process's log) afterwards"
    )
    args = parser.parse_args(argv)
    profile = PROFILES["short" if args.short else "full"]
    seed = args.seed if args.seed is not None else random.randrange(10**6)
    rng = random.Random(seed)
    run_id = uuid.uuid4().hex[:6]
    timings: dict[str, float] = {}

    def phase(name: str, since: float) -> None:
        timings[name] = time.monotonic() - since
        print(f"{name}: {timings[name]:.1f} s", file=sys.stderr, flush=True)

    clock = time.monotonic()
    stack = Stack(Path(tempfile.mkdtemp(prefix="crm-chaos-")), settings=profile["settings"])
    try:
        stack.start()
        phase("start", clock)
        # Long enough to outlast the slowest recovery (a broker restart under load); a key
        # still "in progress" for longer than a request can take was abandoned.
        client = Client(
            stack.config.gateway_url,
            give_up_after=profile["give_up_after"],
            in_progress_give_up=20.0,
        )
        workload = Workload(
            client,
            run_id,
            Plan(
                seconds=profile["seconds"],
                ticket_rate=profile["ticket_rate"],
                customer_rate=profile["customer_rate"],
                lead_rate=profile["lead_rate"],
                campaign_audience=profile["audience"],
                min_tickets=profile["min_tickets"],
            ),
        )
        clock = time.monotonic()
        workload.prepare(wait_until)
        phase("prepare", clock)

        faults = schedule(
            stack, profile["faults"], profile["seconds"], rng, latest=profile["faults_by"]
        )
        injector = FaultInjector(stack, faults, pause_seconds=profile["pause"])
        stop = threading.Event()
        clock = time.monotonic()
        injector.start(clock, stop)
        workload.run(stop)
        injector.join()
        phase("load", clock)
        injector.revive()  # anything a fault took down late, as an orchestrator would

        clock = time.monotonic()
        checker = Checker(stack, workload, client)
        try:
            verdict = checker.verdict(quiescence_timeout=120.0)
        finally:
            checker.close()
        phase("check", clock)
        report = build_report(workload, injector, verdict, timings, seed, profile)
        print_report(report)
        if args.report:
            args.report.write_text(json.dumps(report, ensure_ascii=False, indent=2))
        return 0 if report["passed"] else 1
    finally:
        stack.stop(keep=args.keep)
        if args.keep:
            print(f"logs kept in {stack.base / 'suite' / 'logs'}", file=sys.stderr)


def build_report(
    workload: Workload,
    injector: FaultInjector,
    verdict: Verdict,
    timings: dict,
    seed: int,
    profile: dict,
) -> dict:
    kinds = Counter(i.kind for i in workload.intents)
    accepted = Counter(i.kind for i in workload.intents if i.accepted)
    faults = [
        {
            "fault": f.label,
            "kind": f.kind,
            "at_s": round(f.at, 1),
            "recovery_s": None if f.recovery is None else round(f.recovery, 2),
            "note": f.note,
        }
        for f in injector.faults
    ]
    injected_kinds = {f["kind"] for f in faults if f["recovery_s"] is not None}
    tickets = accepted["ticket"]
    server_errors = sum(i.server_errors for i in workload.intents)
    report = {
        "seed": seed,
        "seconds": {k: round(v, 1) for k, v in timings.items()},
        "faults": faults,
        "collateral_restarts": injector.collateral,
        "requests": {
            kind: {
                "offered": kinds[kind],
                "accepted": accepted[kind],
                "refused": kinds[kind] - accepted[kind],
            }
            for kind in sorted(kinds)
        },
        "refusals": sorted({i.refused for i in workload.intents if i.refused})[:20],
        "retries": sum(max(0, i.attempts - 1) for i in workload.intents),
        "server_errors_500": server_errors,
        "lost": len(verdict.lost),
        "duplicated": len(verdict.duplicated),
        "orphans": len(verdict.orphans),
        "details": {
            "lost": verdict.lost[:50],
            "duplicated": verdict.duplicated[:50],
            "orphans": verdict.orphans[:50],
            "incomplete_traces": verdict.incomplete_traces[:50],
            "dead_letters": verdict.dead_letter_details[:50],
        },
        "outbox_pending": verdict.pending_outbox,
        "queue_backlog": verdict.queue_backlog,
        "dead_letters": verdict.dead_letters,
        "quiescence_s": None
        if verdict.quiescence_seconds is None
        else round(verdict.quiescence_seconds, 1),
        "tickets_accepted": tickets,
        "quiescence_settled_s": verdict.settled,
    }
    report["passed"] = (
        verdict.holds
        and tickets >= profile["min_tickets"]
        and injected_kinds == {"sigkill", "pause", "broker", "postgresql"}
        and all(f["recovery_s"] is not None for f in faults)
        and server_errors == 0
    )
    return report


def print_report(report: dict) -> None:
    print(f"chaos run (seed {report['seed']}): {report['seconds']}")
    print(f"\n{'fault':<34} {'at s':>6} {'recovery s':>11}  note")
    for fault in report["faults"]:
        recovery = "-" if fault["recovery_s"] is None else f"{fault['recovery_s']:.2f}"
        print(f"{fault['fault']:<34} {fault['at_s']:>6.1f} {recovery:>11}  {fault['note']}")
    print(
        f"faults injected: {sum(f['recovery_s'] is not None for f in report['faults'])}"
        + (
            f"; also restarted after they died: {', '.join(report['collateral_restarts'])}"
            if report["collateral_restarts"]
            else ""
        )
    )
    print(f"\n{'requests':<12} {'offered':>8} {'accepted':>9} {'refused':>8}")
    for kind, counts in report["requests"].items():
        print(f"{kind:<12} {counts['offered']:>8} {counts['accepted']:>9} {counts['refused']:>8}")
    print(f"retries: {report['retries']}; 500 answers: {report['server_errors_500']}")
    for refusal in report["refusals"]:
        print(f"  refused: {refusal}")
    print(
        f"\nlost = {report['lost']}, duplicated = {report['duplicated']}, "
        f"orphans (refused but done once) = {report['orphans']}"
    )
    for name, items in report["details"].items():
        for item in items[:10]:
            print(f"  {name}: {item}")
    print(
        f"outboxes pending: {report['outbox_pending'] or 0}; queues not empty: "
        f"{report['queue_backlog'] or 0}; dead letters: {report['dead_letters'] or 0}; "
        f"quiescent after {report['quiescence_s']} s (each condition from: "
        f"{report['quiescence_settled_s']})"
    )
    print("PASSED" if report["passed"] else "FAILED")


if __name__ == "__main__":
    raise SystemExit(main())
