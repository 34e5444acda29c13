from core.testing import console_messages
from inspirations.models import Inspiration
from projects.models import Project

CHANGELIST = "/admin/inspirations/inspiration/"


def act(client, action, *inspirations, rows="all", **extra):
    return client.post(
        f"{CHANGELIST}?deleted={rows}",
        {"action": action, "_selected_action": [i.pk for i in inspirations], **extra},
        follow=True,
    )


def test_changelist_columns_filters_and_date_hierarchy(admin_client, make_inspiration):
    make_inspiration(title="shown idea", status="rejected", project_type_code="tech_video")
    page = admin_client.get(CHANGELIST).content.decode()
    assert "shown idea" in page and "tech_video" in page
    assert "?status__exact=rejected" in page  # the status filter
    assert "?deleted=yes" in page  # the live / deleted filter
    assert "created_at__year=" in page  # the date hierarchy


def test_filter_and_search(admin_client, make_inspiration):
    make_inspiration(title="draft idea")
    make_inspiration(title="failed idea", status="failed")
    page = admin_client.get(f"{CHANGELIST}?status__exact=failed").content.decode()
    assert "failed idea" in page and "draft idea" not in page
    page = admin_client.get(f"{CHANGELIST}?q=draft").content.decode()
    assert "draft idea" in page and "failed idea" not in page


def test_approve_action_says_which_project_each_inspiration_made(admin_client, make_inspiration):
    first = make_inspiration(title="one", project_type_code="x")
    second = make_inspiration(title="two", project_type_code="x")
    said = console_messages(act(admin_client, "approve", first, second))
    assert set(Inspiration.objects.values_list("status", flat=True)) == {"approved"}
    one, two = Project.objects.order_by("id")
    assert (one.name, two.name) == ("one", "two")
    assert said == [
        (
            "success",
            f'<a href="{CHANGELIST}{first.pk}/change/">Inspiration #{first.pk}</a> approved; '
            f'<a href="/admin/projects/project/{one.pk}/change/">project #{one.pk} “one”</a> '
            "created.",
        ),
        (
            "success",
            f'<a href="{CHANGELIST}{second.pk}/change/">Inspiration #{second.pk}</a> approved; '
            f'<a href="/admin/projects/project/{two.pk}/change/">project #{two.pk} “two”</a> '
            "created.",
        ),
    ]


def test_approve_action_explains_the_rows_it_skipped(admin_client, make_inspiration):
    good = make_inspiration(title="good idea", project_type_code="x")
    untyped = make_inspiration(title="untyped idea")
    rejected = make_inspiration(title="rejected idea", status="rejected", project_type_code="x")
    said = console_messages(act(admin_client, "approve", good, untyped, rejected))
    assert [level for level, _ in said] == ["success", "warning"]
    assert said[1][1] == (
        f"Skipped by “Approve”: #{untyped.pk} has no project type; #{rejected.pk} is rejected."
    )
    assert Project.objects.count() == 1


def test_reject_action(admin_client, make_inspiration):
    draft = make_inspiration(title="meh")
    approved = make_inspiration(title="done deal", status="approved")
    said = console_messages(act(admin_client, "reject", draft, approved))
    assert said == [
        (
            "success",
            f'<a href="{CHANGELIST}{draft.pk}/change/">Inspiration #{draft.pk}</a> rejected.',
        ),
        ("warning", f"Skipped by “Reject”: #{approved.pk} is approved."),
    ]
    draft.refresh_from_db()
    approved.refresh_from_db()
    assert (draft.status, approved.status) == ("rejected", "approved")


def test_soft_delete_and_restore(admin_client, make_inspiration):
    inspiration = make_inspiration(title="come back")
    act(admin_client, "soft_delete", inspiration, post="yes")
    assert Inspiration.all_objects.get(pk=inspiration.pk).deleted_at is not None
    page = admin_client.get(f"{CHANGELIST}?deleted=yes").content.decode()
    assert "come back" in page
    act(admin_client, "restore", inspiration)
    assert Inspiration.objects.filter(pk=inspiration.pk).exists()


def test_delete_button_soft_deletes(admin_client, make_inspiration):
    inspiration = make_inspiration()
    response = admin_client.post(f"{CHANGELIST}{inspiration.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert Inspiration.all_objects.get(pk=inspiration.pk).deleted_at is not None


def test_edit_keeps_the_status_read_only(admin_client, make_inspiration):
    inspiration = make_inspiration(title="before", status="rejected")
    response = admin_client.post(
        f"{CHANGELIST}{inspiration.pk}/change/",
        {
            "title": "after",
            "description": "",
            "project_type_code": "",
            "source": "",
            "parameters": '{"a": 1}',
            "score": "4",
            "score_details": "null",
            "review_notes": "",
            "status": "approved",
        },
    )
    assert response.status_code == 302, response.content[:3000]
    inspiration.refresh_from_db()
    assert (inspiration.title, inspiration.status) == ("after", "rejected")
    assert (inspiration.parameters, inspiration.score) == ({"a": 1}, 4)


def test_edit_refuses_a_score_out_of_range_and_a_non_object(admin_client, make_inspiration):
    inspiration = make_inspiration(title="strict")
    base = {"title": "strict", "parameters": "{}", "score_details": "null"}
    for bad in ({"score": "7"}, {"parameters": "[1]"}):
        response = admin_client.post(f"{CHANGELIST}{inspiration.pk}/change/", {**base, **bad})
        assert response.status_code == 200  # the form again, with the error
    inspiration.refresh_from_db()
    assert (inspiration.score, inspiration.parameters) == (None, {})


def test_add_creates_a_draft(admin_client, db):
    response = admin_client.post(
        f"{CHANGELIST}add/", {"title": "from admin", "parameters": '{"style": "x"}'}
    )
    assert response.status_code == 302, response.content[:3000]
    inspiration = Inspiration.objects.get(title="from admin")
    assert (inspiration.status, inspiration.parameters) == ("draft", {"style": "x"})


def test_deleted_inspiration_opens_read_only(admin_client, make_inspiration):
    inspiration = make_inspiration()
    Inspiration.objects.filter(pk=inspiration.pk).update(deleted_at=inspiration.created_at)
    response = admin_client.get(f"{CHANGELIST}{inspiration.pk}/change/")
    assert response.status_code == 200
    assert 'name="title"' not in response.content.decode()


def test_bulk_hard_delete_is_not_offered(admin_client, make_inspiration):
    make_inspiration()
    page = admin_client.get(CHANGELIST).content.decode()
    assert 'value="delete_selected"' not in page
    assert 'value="approve"' in page and 'value="reject"' in page
