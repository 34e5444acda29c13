from workerconfigs.models import WorkerConfig


def test_worker_config_changelist_shows_active_and_inactive(admin_client, make_config):
    make_config(config_name="on config")
    make_config(config_name="off config", is_active=False)
    page = admin_client.get("/admin/workerconfigs/workerconfig/").content.decode()
    assert "on config" in page and "off config" in page
    filtered = admin_client.get("/admin/workerconfigs/workerconfig/?is_active__exact=0")
    assert "on config" not in filtered.content.decode()


def test_deactivate_and_activate_actions(admin_client, make_config):
    config = make_config()
    url = "/admin/workerconfigs/workerconfig/"
    admin_client.post(url, {"action": "deactivate", "_selected_action": [config.pk]})
    assert WorkerConfig.objects.get(pk=config.pk).is_active is False
    admin_client.post(url, {"action": "activate", "_selected_action": [config.pk]})
    assert WorkerConfig.objects.get(pk=config.pk).is_active is True


def test_bulk_hard_delete_is_not_offered(admin_client, make_config):
    make_config()
    page = admin_client.get("/admin/workerconfigs/workerconfig/").content.decode()
    assert 'value="delete_selected"' not in page
