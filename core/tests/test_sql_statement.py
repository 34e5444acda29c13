"""core.sql_statement: hand-written SQL with named values around ORM-compiled parts."""

import pytest

from core.sql_statement import Statement, columns, table
from projects.models import Project
from tasks.models import Task


def test_named_values_and_compiled_parameters_keep_their_order():
    compiled = ("b = %s AND c = %s", (2, 3))
    inner = Statement.of("d = %(d)s")
    statement = Statement.of("SELECT 1 WHERE a = %(a)s AND ", compiled, " AND ", inner)
    assert statement.sql == "SELECT 1 WHERE a = %s AND b = %s AND c = %s AND d = %s"
    assert statement.params({"a": 1, "d": 4}) == [1, 2, 3, 4]
    with pytest.raises(KeyError):
        statement.params({"a": 1})


def test_hand_written_sql_is_sent_on_one_line_and_percent_signs_stay_escaped():
    statement = Statement.of("SELECT 7 %% 3\n    WHERE x = %(x)s\n")
    assert statement.sql == "SELECT 7 %% 3 WHERE x = %s "


@pytest.mark.django_db
def test_instances_are_built_as_raw_builds_them():
    project = Project.objects.create(name="p", project_type="x")
    task = Task.objects.create(project=project, task_type="t", task_output={"url": "s3://x"})
    statement = Statement.of(
        f"SELECT {columns(Task, 't')}, 42 AS extra FROM {table(Task)} t WHERE t.id = %(id)s"
    )
    [loaded] = statement.instances(Task, {"id": task.id})
    assert loaded == task
    assert loaded.task_output == {"url": "s3://x"}  # through the JSON field's converter
    assert loaded.created_at == task.created_at
    assert loaded.extra == 42
