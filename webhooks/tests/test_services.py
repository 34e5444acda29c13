"""webhook_deliver on its own: which delivery key it uses, and what project_creation refuses."""

from datetime import UTC, datetime

import pytest

from core.exceptions import ApplicationError
from projects.models import Project
from projects.services import project_create
from webhooks.models import WebhookEvent
from webhooks.services import webhook_deliver

SIGNATURE = "sha256=" + "ab" * 32
SIGNED_AT = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)


def deliver_inspiration(inspiration, params, **signed):
    return webhook_deliver(
        endpoint=WebhookEvent.Endpoint.INSPIRATION,
        target_id=inspiration.id,
        payload=params,
        params=params,
        **signed,
    )


def test_a_signed_delivery_without_execution_id_is_keyed_by_its_signature(
    generating_inspiration,
):
    params = {"status": "success", "data": {"title": "generated"}}
    first = deliver_inspiration(
        generating_inspiration, params, signature=SIGNATURE, signed_at=SIGNED_AT
    )
    again = {"status": "success", "data": {"title": "replayed"}}
    assert deliver_inspiration(generating_inspiration, again, signature=SIGNATURE) == first
    event = WebhookEvent.objects.get()
    assert (event.delivery_key, event.execution_id, event.signed_at) == (
        SIGNATURE,
        None,
        SIGNED_AT,
    )
    generating_inspiration.refresh_from_db()
    assert generating_inspiration.title == "generated"


def test_an_execution_id_is_the_key_even_when_signed(generating_inspiration):
    params = {"status": "success", "data": {}, "executionId": "exec-7"}
    deliver_inspiration(generating_inspiration, params, signature=SIGNATURE, signed_at=SIGNED_AT)
    deliver_inspiration(generating_inspiration, params, signature="sha256=" + "cd" * 32)
    assert WebhookEvent.objects.get().delivery_key == "exec-7"


def test_a_token_delivery_without_execution_id_is_applied_every_time(generating_inspiration):
    params = {"status": "success", "data": {}}
    deliver_inspiration(generating_inspiration, params)
    deliver_inspiration(generating_inspiration, params)
    assert list(WebhookEvent.objects.values_list("delivery_key", "signed_at")) == [
        (None, None),
        (None, None),
    ]


def test_project_creation_refuses_an_inspiration_that_has_a_project(
    demo_types, approved_inspiration
):
    existing = project_create(
        name="first", project_type="image_post", inspiration_id=approved_inspiration.id
    )
    params = {
        "status": "success",
        "project": {"name": "second", "project_type": "image_post"},
        "executionId": "exec-2",
    }
    with pytest.raises(ApplicationError) as refused:
        webhook_deliver(
            endpoint=WebhookEvent.Endpoint.PROJECT_CREATION,
            target_id=approved_inspiration.id,
            payload=params,
            params=params,
        )
    assert refused.value.status_code == 409
    assert refused.value.data == {"project_id": existing.id}
    assert list(Project.objects.all()) == [existing]
    assert not WebhookEvent.objects.exists()
