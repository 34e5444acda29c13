from tasks.models import TaskConfig
from tasks.task_configs import task_configs_assign


def test_task_config_changelist_and_change_page(admin_client, make_task, make_config):
    task = make_task()
    config = make_config(config_name="linked config")
    task_configs_assign(task_id=task.id, config_ids=[config.id], override_data={"k": 1})
    link = TaskConfig.objects.get()
    page = admin_client.get("/admin/tasks/taskconfig/").content.decode()
    assert "linked config" in page
    for query in (str(task.id), "linked", "not-a-number"):
        response = admin_client.get(f"/admin/tasks/taskconfig/?q={query}")
        assert response.status_code == 200
    change = admin_client.get(f"/admin/tasks/taskconfig/{link.pk}/change/")
    assert change.status_code == 200
    # The pair is fixed once linked; a new pair is added with raw id fields.
    assert 'class="vForeignKeyRawIdAdminField"' not in change.content.decode()
    add = admin_client.get("/admin/tasks/taskconfig/add/")
    assert 'class="vForeignKeyRawIdAdminField"' in add.content.decode()
