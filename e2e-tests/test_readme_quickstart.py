"""The README's quick start works as written: its bash blocks are run, in order, in one bash
process against the running suite, with only the gateway's address changed, and every HTTP
call they make answers 2xx with what the README says it shows.

`make` lines are left out (`make run` is the suite already running; `make trace` reads the
developer's own trace database). A `curl` shell function wraps the real curl: it keeps each
call's arguments, status and body in a folder and prints the body as curl would, so the
commands run unchanged, pipes and `$(...)` included.
"""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from crm_devstack.waiting import wait_until

pytestmark = pytest.mark.e2e

README = Path(__file__).resolve().parents[1] / "README.md"
GATEWAY = "localhost:8080"

RECORDER = r"""
set -euo pipefail
CALLS="$1"
curl() {
  local call out
  call="$CALLS/$(printf '%04d' "$(ls "$CALLS" | wc -l)")"
  mkdir "$call"
  printf '%s\0' "$@" > "$call/args"
  out=$(command curl -w '\n%{http_code}' "$@")
  printf '%s' "${out##*$'\n'}" > "$call/status"
  printf '%s' "${out%$'\n'*}" > "$call/body"
  printf '%s' "${out%$'\n'*}"
}
"""


@dataclass
class Call:
    method: str
    path: str
    status: int
    body: object

    @property
    def label(self) -> str:
        return f"{self.method} {self.path} → {self.status}"


def quick_start_blocks(readme: str) -> list[str]:
    section = readme.split("\n## Quick start\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```bash\n(.*?)```", section, flags=re.DOTALL)


def runnable(block: str) -> str:
    return "\n".join(line for line in block.splitlines()
                     if not line.lstrip().startswith("make "))


def recorded_calls(folder: Path) -> list[Call]:
    calls = []
    for call in sorted(p for p in folder.iterdir() if p.is_dir()):
        args = (call / "args").read_text().split("\0")[:-1]
        method = args[args.index("-X") + 1] if "-X" in args else "GET"
        url = next(a for a in args if a.startswith("127.0.0.1:"))
        raw = (call / "body").read_text()
        calls.append(Call(method, "/" + url.split("/", 1)[1], int((call / "status").read_text()),
                          json.loads(raw) if raw else None))
    return calls


def _when(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_the_readme_quick_start_runs_as_written(running_suite, tmp_path):
    http = running_suite.http
    blocks = quick_start_blocks(README.read_text())
    assert len(blocks) >= 4, "the quick start lost its bash blocks"
    port = running_suite.config.gateway_url.rsplit(":", 1)[1]
    script = RECORDER + "\n".join(runnable(b) for b in blocks).replace(GATEWAY, f"127.0.0.1:{port}")
    assert "$LEAD_ID" in script and "$TICKET" in script and "$CUSTOMER" in script

    # What `make run` has long done by the time a reader pastes: the sales service knows the reps.
    admin = http.login("admin")
    rep_id = http.call("GET", "/api/v1/me", token=http.login("rep.zhang")).body["id"]
    wait_until(lambda: http.call("GET", f"/api/v1/sales/reps/{rep_id}", token=admin).status == 200,
               timeout=30, message="the sales service never learnt of rep.zhang")

    calls_dir = tmp_path / "calls"
    calls_dir.mkdir()
    result = subprocess.run(["bash", "-c", script, "quickstart", str(calls_dir)],
                            capture_output=True, text=True, timeout=180, check=False)
    calls = recorded_calls(calls_dir)
    log = "\n".join(c.label for c in calls)
    assert result.returncode == 0, f"{result.stderr[-2000:]}\ncalls:\n{log}"
    assert all(200 <= c.status < 300 for c in calls), log

    def one(method: str, pattern: str) -> Call:
        found = [c for c in calls if c.method == method and re.fullmatch(pattern, c.path)]
        assert len(found) == 1, f"{method} {pattern}: {len(found)} calls\n{log}"
        return found[0]

    uuid = "[0-9a-f-]{36}"
    tokens = [c for c in calls if c.path == "/api/v1/auth/token"]
    assert len(tokens) == 5 and all(c.body["access_token"] for c in tokens)

    # The customer: created by rep.zhang, who owns it and is told.
    me = [c for c in calls if c.method == "GET" and c.path == "/api/v1/me"]
    assert me[0].body["username"] == "rep.zhang" and me[0].body["id"] == rep_id
    created = one("POST", "/api/v1/customers")
    assert created.status == 201
    customer = created.body
    assert customer["type"] == "enterprise" and customer["enterprise"]["industry"] == "software"
    shown = one("GET", f"/api/v1/customers/{customer['id']}").body
    assert shown["number"] and shown["owner_id"] == rep_id
    assert shown["completeness_score"] > 0 and shown["missing_fields"]
    one("GET", "/api/v1/notifications")
    rep_token = http.login("rep.zhang")
    wait_until(lambda: any(
        n["subject_id"] == customer["id"] and n["category"] == "customer.created"
        and "上海某某科技有限公司" in n["title"]
        for n in http.call("GET", "/api/v1/notifications", token=rep_token).body["notifications"]),
        timeout=30, message="the owner was never told of the new customer")

    # The lead: rep.zhang made senior, the A lead assigned to him with the reason, converted.
    assert one("PATCH", f"/api/v1/sales/reps/{rep_id}").body["seniority"] == "senior"
    lead = one("POST", "/api/v1/leads").body
    shown_lead = one("GET", f"/api/v1/leads/{lead['id']}").body
    assert shown_lead["grade"] == "a" and shown_lead["grade_reason"]
    assert shown_lead["source"] == "exhibition"
    assert shown_lead["owner_id"] == rep_id and shown_lead["status"] == "assigned"
    due = _when(shown_lead["first_contact_due_time"]) - _when(shown_lead["assign_time"])
    assert due == timedelta(hours=2)
    converted = one("POST", f"/api/v1/leads/{lead['id']}/convert").body
    assert converted["customer_id"] and converted["opportunity"]["customer_id"] == \
        converted["customer_id"]
    assert converted["lead"]["status"] == "converted"

    # The complaint: about the customer above, routed to /hq/product with its reason, then
    # transferred to /hq/tech, whose lead is told.
    ticket = one("POST", "/api/v1/tickets").body
    assert ticket["customer_id"] == customer["id"]
    shown_ticket = one("GET", f"/api/v1/tickets/{ticket['id']}").body
    assert shown_ticket["department_path"] == "/hq/product" and shown_ticket["state"] == "routed"
    assert shown_ticket["assignee_id"]
    assert any(h["kind"] == "routed" and h["reason"] for h in shown_ticket["history"])
    transferred = one("POST", f"/api/v1/tickets/{uuid}/transfer").body
    assert transferred["department_path"] == "/hq/tech"
    tech_lead = http.login("tech.lead")
    wait_until(lambda: any(
        n["subject_id"] == ticket["id"] and n["category"] == "ticket.transferred"
        for n in http.call("GET", "/api/v1/notifications", token=tech_lead).body["notifications"]),
        timeout=30, message="tech.lead never got the transfer in the inbox")


def test_the_quick_start_defines_every_variable_it_uses():
    """A reader pastes the blocks into a fresh shell: every `$NAME` is set before it is used."""
    script = "\n".join(runnable(b) for b in quick_start_blocks(README.read_text()))
    defined = {"1"}  # the helper functions' argument
    for line in script.splitlines():
        code = line.split("  #", 1)[0]
        for used in re.findall(r"\$([A-Z_][A-Z0-9_]*|\d)", code):
            assert used in defined, f"${used} is used before it is set: {line.strip()}"
        defined.update(re.findall(r"^\s*([A-Z_][A-Z0-9_]*)=", code))
