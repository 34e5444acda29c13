from workerconfigs import services
from workerconfigs.models import TaskConfig, WorkerConfig


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


def test_task_config_changelist_and_change_page(admin_client, make_task, make_config):
    task = make_task()
    config = make_config(config_name="linked config")
    services.task_configs_assign(task_id=task.id, config_ids=[config.id], override_data={"k": 1})
    link = TaskConfig.objects.get()
    page = admin_client.get("/admin/workerconfigs/taskconfig/").content.decode()
    assert "linked config" in page
    for query in (str(task.id), "linked", "not-a-number"):
        response = admin_client.get(f"/admin/workerconfigs/taskconfig/?q={query}")
        assert response.status_code == 200
    change = admin_client.get(f"/admin/workerconfigs/taskconfig/{link.pk}/change/")
    assert change.status_code == 200
    # The pair is fixed once linked; a new pair is added with raw id fields.
    assert 'class="vForeignKeyRawIdAdminField"' not in change.content.decode()
    add = admin_client.get("/admin/workerconfigs/taskconfig/add/")
    assert 'class="vForeignKeyRawIdAdminField"' in add.content.decode()
