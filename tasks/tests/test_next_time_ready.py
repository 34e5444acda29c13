"""`selectors.next_time_ready`: when a waiting claim looks again with no notification."""

from datetime import UTC, datetime, time, timedelta

import pytest
from django.utils import timezone

from accounts.models import utc_today
from tasks.models import Task
from tasks.selectors import next_time_ready

pytestmark = pytest.mark.django_db


@pytest.fixture
def make(project):
    def make(status="pending", task_type="render", **fields) -> Task:
        return Task.objects.create(project=project, task_type=task_type, status=status, **fields)

    return make


def midnight() -> datetime:
    return datetime.combine(utc_today() + timedelta(days=1), time.min, tzinfo=UTC)


def test_nothing_to_come_is_the_next_midnight_when_quotas_start_again(make):
    make(task_type="other", available_at=timezone.now() + timedelta(minutes=1))
    assert next_time_ready(["render"]) == midnight()


def test_the_soonest_backoff_or_lease_of_its_types(make):
    now = timezone.now()
    make(available_at=now + timedelta(seconds=40))
    make(status="processing", lease_expires_at=now + timedelta(seconds=30), task_type="voice")
    make(status="processing", lease_expires_at=now + timedelta(seconds=10), task_type="other")
    assert next_time_ready(["render", "voice"]) == now + timedelta(seconds=30)
    assert next_time_ready(["render"]) == now + timedelta(seconds=40)


def test_what_is_ready_already_is_no_moment_to_come(make):
    """A task ready now and left unclaimed (no quota for it) must not wake its waiting
    claims again and again: only moments still to come count."""
    now = timezone.now()
    make(available_at=now - timedelta(seconds=5))
    make(status="processing", lease_expires_at=now - timedelta(seconds=5))
    make(status="completed", available_at=now + timedelta(seconds=5))
    assert next_time_ready(["render"]) == midnight()
