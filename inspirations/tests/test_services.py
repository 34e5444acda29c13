import threading

import pytest
from django.db import connection

from core.exceptions import ApplicationError, NotFoundError
from inspirations import services
from inspirations.models import Inspiration
from projects.models import Project


def test_create_makes_a_draft(db):
    inspiration = services.inspiration_create(title="t", parameters={"a": 1})
    assert inspiration.status == Inspiration.Status.DRAFT
    assert Inspiration.objects.get(pk=inspiration.pk).parameters == {"a": 1}


def test_update_refuses_a_transition_and_saves_nothing(make_inspiration):
    inspiration = make_inspiration(status="approved", title="t")
    with pytest.raises(ApplicationError, match="Invalid status transition from approved to draft"):
        services.inspiration_update(inspiration=inspiration, status="draft", title="changed")
    assert Inspiration.objects.get(pk=inspiration.pk).title == "t"


def test_services_refuse_a_row_deleted_meanwhile(make_inspiration):
    inspiration = make_inspiration(project_type_code="x")
    services.inspiration_delete(inspiration=inspiration)
    for call in (
        lambda: services.inspiration_update(inspiration=inspiration, title="x"),
        lambda: services.inspiration_approve(inspiration=inspiration),
        lambda: services.inspiration_reject(inspiration=inspiration),
        lambda: services.inspiration_regenerate(inspiration=inspiration),
    ):
        with pytest.raises(NotFoundError, match="Inspiration not found"):
            call()


def test_approve_reads_the_row_again_rather_than_the_callers_copy(make_inspiration):
    inspiration = make_inspiration(project_type_code="x")
    stale_copy = Inspiration.objects.get(pk=inspiration.pk)
    Inspiration.objects.filter(pk=inspiration.pk).update(status="rejected")
    with pytest.raises(ApplicationError, match="from rejected to approved"):
        services.inspiration_approve(inspiration=stale_copy)


def test_a_failing_project_creation_rolls_the_approval_back(make_inspiration, monkeypatch):
    inspiration = make_inspiration(project_type_code="x")

    def broken_project_create(**kwargs):
        Project.objects.create(name="half-made", project_type="x")
        raise RuntimeError("boom")

    monkeypatch.setattr(services, "project_create", broken_project_create)
    with pytest.raises(RuntimeError):
        services.inspiration_approve(inspiration=inspiration, score=4)
    inspiration.refresh_from_db()
    assert (inspiration.status, inspiration.score) == ("draft", None)
    assert not Project.objects.exists()


def test_restore_brings_a_deleted_inspiration_back(make_inspiration):
    inspiration = make_inspiration(status="rejected")
    services.inspiration_delete(inspiration=inspiration)
    services.inspiration_restore(inspiration=inspiration)
    assert Inspiration.objects.get(pk=inspiration.pk).status == "rejected"


@pytest.mark.django_db(transaction=True)
def test_concurrent_approvals_make_exactly_one_project(make_inspiration):
    inspiration = make_inspiration(project_type_code="x")
    threads = 8
    barrier = threading.Barrier(threads)
    outcomes: list[str] = []

    def approve():
        try:
            barrier.wait()
            services.inspiration_approve(inspiration=inspiration)
            outcomes.append("approved")
        except ApplicationError as exc:
            outcomes.append(exc.message)
        finally:
            connection.close()

    pool = [threading.Thread(target=approve) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    assert outcomes.count("approved") == 1
    assert outcomes.count("Inspiration is already approved") == threads - 1
    assert Project.objects.filter(inspiration_id=inspiration.id).count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_approve_and_reject_leave_one_decision(make_inspiration):
    inspiration = make_inspiration(project_type_code="x")
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def act(name, call):
        try:
            barrier.wait()
            call(inspiration=inspiration)
            outcomes[name] = "ok"
        except ApplicationError as exc:
            outcomes[name] = exc.message
        finally:
            connection.close()

    pool = [
        threading.Thread(target=act, args=("approve", services.inspiration_approve)),
        threading.Thread(target=act, args=("reject", services.inspiration_reject)),
    ]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    assert sorted(outcomes.values()).count("ok") == 1
    final = Inspiration.objects.get(pk=inspiration.pk).status
    assert (final == "approved") == Project.objects.filter(inspiration_id=inspiration.id).exists()
