"""The task graph drawn as SVG: boxes, one arrow per dependency, links, escaping, 60 tasks."""

import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from projects.models import Project
from projects.task_graph_svg import task_graph_svg, template_graph_svg
from tasks.models import Task, TaskDependency
from tasks.services import TaskSpec, tasks_create


def make_graph(project, count, fan=3, task_type="render"):
    """`count` tasks in layers of `fan`, each depending on one or two of the layer before."""
    specs = []
    for index in range(count):
        deps = []
        if index >= fan:
            deps = [f"t{index - fan}"]
            if index % 2 and index - fan - 1 >= 0:
                deps.append(f"t{index - fan - 1}")
        specs.append(
            TaskSpec(project_id=project.id, task_type=task_type, key=f"t{index}", dependencies=deps)
        )
    return tasks_create(specs)


def draw(project):
    tasks = list(Task.all_objects.filter(project=project).order_by("id"))
    edges = list(
        TaskDependency.objects.filter(task__project=project).values_list("task_id", "depends_on_id")
    )
    return str(task_graph_svg(tasks, edges)), tasks, edges


def test_every_task_is_a_linked_box_and_every_dependency_an_arrow(db):
    project = Project.objects.create(name="p", project_type="x")
    make_graph(project, 9)
    svg, tasks, edges = draw(project)
    assert svg.count('class="node"') == len(tasks) == 9
    assert svg.count('marker-end="url(#task-graph-arrow)"') == len(edges) > 0
    for task in tasks:
        assert f'href="{reverse("admin:tasks_task_change", args=[task.id])}"' in svg
    assert "<script" not in svg  # no JavaScript


def test_boxes_are_coloured_by_status_and_an_expired_lease_is_marked(db):
    project = Project.objects.create(name="p", project_type="x")
    done, running, stale = tasks_create(
        [TaskSpec(project_id=project.id, task_type=t) for t in ("a", "b", "c")]
    )
    now = timezone.now()
    Task.objects.filter(id=done.id).update(status="completed")
    Task.objects.filter(id=running.id).update(
        status="processing", lease_expires_at=now + timedelta(minutes=5), worker_id="gpu-1"
    )
    Task.objects.filter(id=stale.id).update(
        status="processing",
        lease_expires_at=now - timedelta(minutes=7),
        worker_id="gpu-2",
        error_message="out of memory",
    )
    svg, _, _ = draw(project)
    boxes = dict(re.findall(r'data-key="(\d+)">(.*?)</a>', svg, re.S))
    assert 'fill="#7fd18b"' in boxes[str(done.id)]
    assert "lease expired" not in boxes[str(running.id)]
    assert "stroke-dasharray" in boxes[str(stale.id)]
    assert ">processing · expired<" in boxes[str(stale.id)]
    tooltip = re.search(r"<title>(.*?)</title>", boxes[str(stale.id)], re.S).group(1)
    assert f"#{stale.id} c" in tooltip
    assert "worker: gpu-2" in tooltip and "error: out of memory" in tooltip
    assert "lease expired" in svg.split("<svg")[0]  # in the legend


def test_every_text_is_escaped(db):
    project = Project.objects.create(name="p", project_type="x")
    hostile = '<script>alert("x")</script>&'
    tasks_create([TaskSpec(project_id=project.id, task_type=hostile)])
    Task.objects.update(error_message="</title><script>alert(1)</script>", worker_id="<b>w</b>")
    svg, _, _ = draw(project)
    assert "<script" not in svg and "<b>" not in svg
    assert "&lt;script&gt;" in svg


def test_sixty_tasks_fit_a_scrolling_frame(db):
    project = Project.objects.create(name="p", project_type="x")
    make_graph(project, 60, fan=6)
    svg, _, edges = draw(project)
    assert svg.count('class="node"') == 60
    assert svg.count("marker-end=") == len(edges)
    width, height = map(int, re.search(r'width="(\d+)" height="(\d+)"', svg).groups())
    # Ten layers of six: boxes keep their size (readable) and the frame scrolls.
    assert (width, height) == (12 * 2 + 10 * 168 + 9 * 56, 12 * 2 + 6 * 42 + 5 * 14)
    assert "overflow:auto" in svg


def test_a_layer_is_one_after_the_deepest_dependency(db):
    project = Project.objects.create(name="p", project_type="x")
    a, b, c = tasks_create(
        [
            TaskSpec(project_id=project.id, task_type="a", key="a"),
            TaskSpec(project_id=project.id, task_type="b", key="b", dependencies=["a"]),
            TaskSpec(project_id=project.id, task_type="c", dependencies=["a", "b"]),
        ]
    )
    svg, _, _ = draw(project)
    x = {
        key: int(value)
        for key, value in re.findall(r'data-key="(\d+)"><title>.*?<rect x="(\d+)"', svg, re.S)
    }
    assert x[str(a.id)] < x[str(b.id)] < x[str(c.id)]


def test_a_template_is_drawn_by_key_without_links(demo_types):
    template = demo_types["video_generation"].task_template
    svg = str(template_graph_svg(template))
    assert svg.count('class="node"') == len(template)
    assert "href=" not in svg
    edges = sum(len(entry.get("depends_on") or []) for entry in template)
    assert svg.count("marker-end=") == edges
    for entry in template:
        assert f'data-key="{entry["key"]}"' in svg


def test_a_template_with_hostile_keys_or_a_cycle_never_breaks_the_page():
    hostile = [{"key": "<img src=x onerror=alert(1)>", "task_type": "<script>"}]
    svg = str(template_graph_svg(hostile))
    assert "<img" not in svg and "<script" not in svg
    cycle = [
        {"key": "a", "task_type": "t", "depends_on": ["b"]},
        {"key": "b", "task_type": "t", "depends_on": ["a"]},
    ]
    assert "cycle" in str(template_graph_svg(cycle))
    assert "No tasks" in str(template_graph_svg(None))
    assert "No tasks" in str(template_graph_svg([1, "x"]))


def test_the_project_page_and_the_type_page_show_the_pictures(admin_client, demo_types):
    project = Project.objects.create(name="p", project_type="video_generation")
    make_graph(project, 5)
    page = admin_client.get(reverse("admin:projects_project_change", args=[project.id]))
    assert page.status_code == 200
    assert page.content.decode().count('class="node"') == 5
    type_page = admin_client.get(
        reverse("admin:projects_projecttype_change", args=[demo_types["video_generation"].pk])
    )
    assert type_page.status_code == 200
    assert "task graph (saved template)" in type_page.content.decode().lower()
    assert 'marker-end="url(#task-graph-arrow)"' in type_page.content.decode()
