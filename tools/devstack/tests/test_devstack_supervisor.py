"""Supervisor with small real processes (python -m http.server on free ports)."""

import os
import signal
import sys
import urllib.request

import pytest
from crm_devstack.ports import free_port, port_open
from crm_devstack.supervisor import ProcessSpec, Supervisor, SupervisorError, http_ok, tcp_open
from crm_devstack.waiting import wait_until


def _group_gone(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return True
    return False


def _web(name: str, port: int, tmp_path) -> ProcessSpec:
    return ProcessSpec(
        name,
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"],
        env={"PYTHONUNBUFFERED": "1"},
        cwd=tmp_path,
        ready=http_ok(f"http://127.0.0.1:{port}/"),
        ready_timeout=30,
    )


def test_starts_in_order_kill_restart_and_stop_leaves_nothing(tmp_path):
    p1, p2 = free_port(), free_port()
    sup = Supervisor([_web("web1", p1, tmp_path), _web("web2", p2, tmp_path)], tmp_path / "logs")
    with sup:
        assert urllib.request.urlopen(f"http://127.0.0.1:{p1}/").status == 200
        assert urllib.request.urlopen(f"http://127.0.0.1:{p2}/").status == 200
        first_pid = sup.pid("web1")

        sup.kill("web1")
        assert not sup.is_running("web1") and not port_open("127.0.0.1", p1)
        assert sup.is_running("web2")

        sup.restart("web1")
        assert sup.pid("web1") != first_pid
        assert http_ok(f"http://127.0.0.1:{p1}/")()
        pids = [sup.pid("web1"), sup.pid("web2")]
    for pid in pids:
        wait_until(lambda pid=pid: _group_gone(pid), timeout=10, message=f"group {pid} alive")
    assert not port_open("127.0.0.1", p1) and not port_open("127.0.0.1", p2)
    # stdout and stderr (http.server logs requests on stderr) end up in the log file
    log = (tmp_path / "logs" / "web1.log").read_text()
    assert '"GET / HTTP/1.1" 200' in log
    assert log.count("==== ") == 2  # one header per start: the restart appended


def test_a_group_starts_side_by_side_and_the_spec_after_it_waits_for_all_of_it(tmp_path):
    # "first" is only ready once "second" runs: started one after the other, "first" would
    # time out. "after" fails at once if it starts before both are ready.
    first_up, second_up = tmp_path / "first-up", tmp_path / "second-up"

    def sleeper(name, writes, group=None, needs=None, ready=None):
        code = f"import pathlib, time; pathlib.Path({str(writes)!r}).touch(); time.sleep(600)"
        if needs is not None:
            code = f"import pathlib; assert pathlib.Path({str(needs)!r}).exists(); " + code
        return ProcessSpec(name, [sys.executable, "-c", code], group=group,
                           ready=ready or writes.exists, ready_timeout=10)

    after_up = tmp_path / "after-up"
    sup = Supervisor(
        [
            sleeper("first", first_up, group="pair",
                    ready=lambda: first_up.exists() and second_up.exists()),
            sleeper("second", second_up, group="pair"),
            sleeper("after", after_up, needs=second_up),
        ],
        tmp_path / "logs",
    )
    with sup:
        assert all(sup.is_running(name) for name in ("first", "second", "after"))
    assert after_up.exists()


def test_stop_kills_the_whole_process_group(tmp_path):
    # a shell that starts a child and ignores SIGTERM: only the group SIGKILL ends both
    port = free_port()
    script = f"trap '' TERM; {sys.executable} -m http.server {port} --bind 127.0.0.1 & wait"
    sup = Supervisor(
        [ProcessSpec("stubborn", ["sh", "-c", script], ready=tcp_open("127.0.0.1", port))],
        tmp_path,
    )
    sup.start()
    pgid = sup.pid("stubborn")
    try:
        sup.stop(timeout=0.5)
    finally:
        sup.stop()  # idempotent
    wait_until(lambda: _group_gone(pgid), timeout=10, message="process group survived")
    assert not port_open("127.0.0.1", port)


def test_process_that_dies_before_ready_raises_with_log_and_stops_the_others(tmp_path):
    port = free_port()
    crash = ProcessSpec(
        "crash",
        [sys.executable, "-c", "print('boom: no config'); raise SystemExit(3)"],
        ready=lambda: False,
    )
    sup = Supervisor([_web("web", port, tmp_path), crash], tmp_path)
    with pytest.raises(SupervisorError, match=r"(?s)'crash' exited with code 3.*boom: no config"):
        sup.start()
    assert not sup.is_running("web")
    assert not port_open("127.0.0.1", port)


def test_ready_timeout_raises_clearly(tmp_path):
    spec = ProcessSpec(
        "sleeper",
        [sys.executable, "-c", "import time; time.sleep(60)"],
        ready=lambda: False,
        ready_timeout=0.5,
    )
    sup = Supervisor([spec], tmp_path)
    with pytest.raises(SupervisorError, match="'sleeper' not ready after 0.5s"):
        sup.start()
    assert not sup.is_running("sleeper")


def test_wait_reports_an_unexpected_exit_and_stops_the_rest(tmp_path, capsys):
    port = free_port()
    quitter = ProcessSpec("quitter", [sys.executable, "-c", "print('bye'); raise SystemExit(4)"])
    sup = Supervisor([_web("web", port, tmp_path), quitter], tmp_path)
    sup.start()
    web_pid = sup.pid("web")
    assert sup.wait(timeout=30) == "quitter"
    assert "'quitter' exited unexpectedly with code 4" in capsys.readouterr().err
    wait_until(lambda: _group_gone(web_pid), timeout=10, message="web survived")


def test_wait_returns_none_on_sigterm(tmp_path):
    port = free_port()
    sup = Supervisor([_web("web", port, tmp_path)], tmp_path)
    sup.start()
    web_pid = sup.pid("web")
    previous = signal.getsignal(signal.SIGTERM)
    signal.setitimer(signal.ITIMER_REAL, 0.3)  # deliver SIGALRM → send ourselves SIGTERM
    old_alarm = signal.signal(signal.SIGALRM, lambda *_: os.kill(os.getpid(), signal.SIGTERM))
    try:
        assert sup.wait(timeout=30) is None
    finally:
        signal.signal(signal.SIGALRM, old_alarm)
    assert signal.getsignal(signal.SIGTERM) is previous  # handler restored
    wait_until(lambda: _group_gone(web_pid), timeout=10, message="web survived")


def test_echo_prefixes_lines_with_the_name(tmp_path, capsys):
    spec = ProcessSpec(
        "talker", [sys.executable, "-c", "print('hello there', flush=True)"], env={"NO_COLOR": "1"}
    )
    sup = Supervisor([spec], tmp_path, echo=True)
    sup.start()
    # the log's header line quotes the argv, so wait for the line itself
    wait_until(
        lambda: "hello there" in (tmp_path / "talker.log").read_text().splitlines(), timeout=10
    )
    sup.stop()  # joins the reader thread, so the echo is complete
    assert "talker | hello there\n" in capsys.readouterr().out
