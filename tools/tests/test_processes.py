"""GunicornServer: ready on entry, and no process of it left, however its start ends."""

import os
import socket

import pytest
import requests

from tools.processes import GunicornServer, ServerFailedToStart, free_port, group_members


def server(tmp_path, app: str, **options) -> GunicornServer:
    return GunicornServer(
        env=dict(os.environ),
        port=options.pop("port", None) or free_port(),
        workers=2,
        log_path=tmp_path / "gunicorn.log",
        app=app,
        **options,
    )


def test_a_ready_server_answers_inside_and_is_gone_with_its_workers_after(tmp_path):
    with server(tmp_path, "tools.tests.wsgi_apps:ready", ready_path="/") as running:
        assert requests.get(running.url, timeout=5).text == "ready"
        assert len(group_members(running.process.pid)) == 3  # the master and two workers
    assert group_members(running.process.pid) == []


def test_a_server_that_fails_to_boot_raises_with_its_log_and_leaves_no_process(tmp_path):
    failing = server(tmp_path, "tools.tests.no_such_module:app")
    with pytest.raises(ServerFailedToStart, match="exited with") as raised:
        failing.start()
    assert "Worker failed to boot" in str(raised.value)  # gunicorn's own lines
    assert group_members(failing.process.pid) == []


def test_a_server_that_never_gets_ready_is_stopped_after_the_bounded_wait(tmp_path):
    stalled = server(tmp_path, "tools.tests.wsgi_apps:never_ready", ready_seconds=2)
    with pytest.raises(ServerFailedToStart, match=r"did not answer .* within 2 s"):
        stalled.start()
    assert group_members(stalled.process.pid) == []


def test_a_taken_port_is_refused_before_any_process_starts(tmp_path):
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        blocked = server(tmp_path, "tools.tests.wsgi_apps:ready", port=port)
        with pytest.raises(ServerFailedToStart, match=f"port {port} is taken"):
            blocked.start()
    assert blocked.process is None


def test_a_server_left_running_by_a_killed_run_is_stopped_by_the_next_run(tmp_path):
    pidfile = tmp_path / "gunicorn.pid"
    left = server(tmp_path, "tools.tests.wsgi_apps:ready", ready_path="/", pidfile=pidfile)
    left.start()  # and never stopped, as by a run killed with SIGKILL
    try:
        with server(tmp_path, "tools.tests.wsgi_apps:ready", ready_path="/", pidfile=pidfile):
            assert group_members(left.process.pid) == []
    finally:
        left.stop()
