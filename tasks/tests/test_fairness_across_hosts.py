"""Fairness between task types holds across hosts: every claim, from whatever process of
whatever host, takes the next turn of one shared rotation (tasks/rotation.py), so a flood of
one type gets its share of the claims that list the others too, never all of them.

Processes stand for hosts: each has its own connections and its own Python state, as a
gunicorn worker of another machine has. PostgreSQL only (the rotation is a sequence there;
SQLite serves one host)."""

import contextlib
import multiprocessing
from collections import Counter

import pytest
from django.db import connection, connections

from projects.models import Project
from tasks.services import TaskSpec, tasks_claim_with_payloads, tasks_create
from tasks.testing import worker_actor

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the shared rotation is PostgreSQL's"
    ),
    pytest.mark.django_db(transaction=True),
]
FORK = multiprocessing.get_context("fork")
TYPES = ["flood", "trickle"]


def _host(actor, claims: int, results, one_at_a_time=None) -> None:
    """A host claiming one task at a time, listing both types; the types it got, in order.
    With `one_at_a_time` (a lock shared by the hosts) no two claims overlap."""
    connections.close_all()  # never share the parent's socket
    got = []
    try:
        for _ in range(claims):
            with one_at_a_time or contextlib.nullcontext():
                tasks, _ = tasks_claim_with_payloads(actor=actor, task_types=TYPES)
            got += [task.task_type for task in tasks]
    finally:
        results.put(got)
        connections.close_all()


def _run_hosts(count: int, claims: int, one_at_a_time=None) -> list[list[str]]:
    results = FORK.Queue()
    actors = [worker_actor(f"host{n}") for n in range(count)]
    connections.close_all()  # before forking: no host may inherit this process's socket
    hosts = [
        FORK.Process(target=_host, args=(actor, claims, results, one_at_a_time)) for actor in actors
    ]
    for host in hosts:
        host.start()
    try:
        return [results.get(timeout=120) for _ in hosts]
    finally:
        for host in hosts:
            host.join(timeout=30)
            if host.is_alive():
                host.kill()


@pytest.fixture
def flood_and_trickle():
    project = Project.objects.create(name="p", project_type="x")
    tasks_create([TaskSpec(project_id=project.id, task_type="flood")] * 300)
    tasks_create([TaskSpec(project_id=project.id, task_type="trickle")] * 20)


def test_hosts_making_one_claim_each_share_the_turns(flood_and_trickle):
    # With a rotation per process, every one of them would start at the same type: ten
    # hosts (or freshly recycled workers) making one claim each would all take the flood.
    got = _run_hosts(10, claims=1)
    assert Counter(task_type for types in got for task_type in types) == {
        "flood": 5,
        "trickle": 5,
    }


def test_a_trickle_waits_at_most_one_turn_behind_a_flood(flood_and_trickle):
    # Two hosts, 20 claims each, taking turns: every second claim anywhere starts at the
    # trickle, so its 20 tasks are all served within the 40 claims, beside 20 of the flood.
    # (Claims that overlap may pass over a row another claim holds at that moment: the rule
    # in docs/worker-protocol.md says so; this test keeps them apart to count exactly.)
    got = _run_hosts(2, claims=20, one_at_a_time=FORK.Lock())
    assert Counter(task_type for types in got for task_type in types) == {
        "flood": 20,
        "trickle": 20,
    }
    assert all(types for types in got)  # both hosts claimed
