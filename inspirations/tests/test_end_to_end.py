"""From an idea to a finished project, through the HTTP API only."""

from core.testing import ok


def test_inspiration_to_completed_project(api, worker_api, demo_types):
    # Accounts for the platforms the video_generation tasks use (a claim may need their quota).
    for platform in ("midjourney", "dreamina", "runway"):
        account = {"platform": platform, "name": f"{platform}_e2e", "credentials": {"k": "v"}}
        ok(api.post("/api/platform-accounts", account, format="json"), 201)

    idea = {
        "title": "城市夜景延时",
        "description": "A night city in 30 seconds",
        "project_type_code": "video_generation",
        "source": "user_input",
        "parameters": {"style": "cinematic"},
    }
    inspiration = ok(api.post("/api/inspirations", idea, format="json"), 201)
    approved = ok(
        api.post(
            f"/api/inspirations/{inspiration['id']}/approve",
            {"review_notes": "go", "score": 4.5},
            format="json",
        )
    )
    assert approved["status"] == "approved"
    project_id = approved["project_id"]

    project = ok(api.get(f"/projects/{project_id}"))
    assert project["name"] == "城市夜景延时"
    assert project["project_type"] == "video_generation"
    assert project["inspiration_id"] == inspiration["id"]
    assert project["initial_parameters"]["style"] == "cinematic"
    assert project["status"] == "pending"
    assert project["total_tasks"] == 6
    tasks = {task["id"]: task for task in project["tasks"]}
    assert len(tasks) == 6
    task_types = sorted({task["task_type"] for task in tasks.values()})

    completed: list[int] = []
    while True:
        response = worker_api.post("/api/tasks/claim", {"task_types": task_types}, format="json")
        body = response.json()
        if body["code"] == 1:
            assert body == {
                "code": 1,
                "msg": "No pending tasks available for the given types.",
                "data": None,
            }
            break
        claimed = ok(response)
        assert claimed["status"] == "processing"
        assert claimed["project_id"] == project_id
        # Only a task whose dependencies are all done can be claimed.
        assert set(tasks[claimed["id"]]["dependencies"]) <= set(completed)
        assert ok(api.get(f"/projects/{project_id}"))["status"] == "processing"
        # The worker reports under the lease of its claim.
        report = {
            "status": "completed",
            "task_output": {"ok": True},
            "lease_token": claimed["lease_token"],
        }
        done = ok(worker_api.patch(f"/api/tasks/{claimed['id']}", report, format="json"))
        assert done["status"] == "completed"
        completed.append(claimed["id"])

    assert sorted(completed) == sorted(tasks)
    finished = ok(api.get(f"/projects/{project_id}"))
    assert finished["status"] == "completed"
    assert (finished["completed_tasks"], finished["failed_tasks"]) == (6, 0)
    assert {task["status"] for task in finished["tasks"]} == {"completed"}
    # The inspiration stays approved, and approving it again is refused.
    assert ok(api.get(f"/api/inspirations/{inspiration['id']}"))["status"] == "approved"
    assert api.post(f"/api/inspirations/{inspiration['id']}/approve").status_code == 400
