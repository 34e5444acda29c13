"""Worker configs in the console: config_data an object, as in the API; deleting deactivates."""

from django.urls import reverse

from core.testing_console import errors_beside, shows_typed
from workerconfigs.models import WorkerConfig

ADD = "/admin/workerconfigs/workerconfig/add/"


def form(**changes):
    return {
        "config_name": "render",
        "config_type": "render",
        "worker_type": "video",
        "config_data": "{}",
        "description": "",
        "priority": "0",
        "is_active": "on",
        **changes,
    }


def test_config_data_must_be_an_object(admin_client):
    response = admin_client.post(ADD, form(config_data="[1]"))
    assert errors_beside(response, "config_data") == ["Must be a JSON object."]
    assert shows_typed(response, "[1]")
    assert not WorkerConfig.objects.exists()


def test_a_valid_form_creates_the_config_through_the_service(admin_client):
    response = admin_client.post(ADD, form(config_data='{"quality": "high"}'))
    assert response.status_code == 302
    assert WorkerConfig.objects.get().config_data == {"quality": "high"}


def test_the_delete_button_deactivates_as_the_api_does(admin_client, make_config, make_task):
    config = make_config()
    url = reverse("admin:workerconfigs_workerconfig_delete", args=[config.pk])
    html = admin_client.get(url).content.decode()
    assert "Deactivate the worker config" in html
    assert "Nothing is deleted: its 0 task assignment(s) stay." in html
    response = admin_client.post(url, {"post": "yes"})
    assert response.status_code == 302
    config.refresh_from_db()
    assert config.is_active is False
    # An inactive config has nothing left to delete.
    assert admin_client.get(url).status_code == 403
