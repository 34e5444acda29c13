"""The buttons on an inspiration's page: Approve (notes and score), Reject (notes), Regenerate."""

import pytest

from core.roles import Role
from core.testing import console_messages, session_client
from inspirations.models import Inspiration
from projects.models import Project
from projects.services import project_type_create

PAGE = "/admin/inspirations/inspiration/{}/change/"
ACTION = "/admin/inspirations/inspiration/{}/actions/{}/"


@pytest.fixture
def operator(db):
    return session_client("op", Role.OPERATOR)


@pytest.fixture
def viewer(db):
    return session_client("watcher", Role.VIEWER)


def buttons(client, inspiration) -> list[str]:
    page = client.get(PAGE.format(inspiration.pk)).content.decode()
    return [
        name
        for name in ("approve", "reject", "regenerate")
        if ACTION.format(inspiration.pk, name) in page
    ]


def test_a_draft_shows_approve_reject_and_regenerate(operator, make_inspiration):
    draft = make_inspiration(project_type_code="x")
    assert buttons(operator, draft) == ["approve", "reject", "regenerate"]


def test_only_the_buttons_that_apply_are_shown(operator, make_inspiration):
    assert buttons(operator, make_inspiration(status="approved", project_type_code="x")) == []
    assert buttons(operator, make_inspiration(status="rejected")) == ["regenerate"]
    # No project type: nothing to make a project of.
    assert buttons(operator, make_inspiration()) == ["reject", "regenerate"]


def test_the_approve_page_asks_for_notes_and_score(operator, make_inspiration):
    draft = make_inspiration(title="night city", project_type_code="x")
    response = operator.get(ACTION.format(draft.pk, "approve"))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="review_notes"' in page and 'name="score"' in page
    assert "csrfmiddlewaretoken" in page
    assert f'<a href="{PAGE.format(draft.pk)}">night city</a>' in page  # the breadcrumbs
    draft.refresh_from_db()
    assert draft.status == "draft"  # a GET changes nothing


def test_approve_stores_the_review_and_links_to_the_new_project(operator, make_inspiration):
    draft = make_inspiration(title="<b>night</b> city", project_type_code="x")
    response = operator.post(
        ACTION.format(draft.pk, "approve"), {"review_notes": "good one", "score": "4.5"}
    )
    assert response.status_code == 302
    assert response["Location"] == PAGE.format(draft.pk)
    project = Project.objects.get()
    said = console_messages(operator.get(response["Location"]))
    assert said == [
        (
            "success",
            f'<a href="{PAGE.format(draft.pk)}">Inspiration #{draft.pk}</a> approved; '
            f'<a href="/admin/projects/project/{project.pk}/change/">project #{project.pk} '
            "“&lt;b&gt;night&lt;/b&gt; city”</a> created.",
        )
    ]
    draft.refresh_from_db()
    assert (draft.status, draft.review_notes, draft.score) == ("approved", "good one", 4.5)
    assert (project.name, project.inspiration_id) == ("<b>night</b> city", draft.pk)


def test_approve_without_notes_keeps_the_review_it_had(operator, make_inspiration):
    draft = make_inspiration(project_type_code="x", review_notes="first look", score=3)
    operator.post(ACTION.format(draft.pk, "approve"), {"review_notes": "", "score": ""})
    draft.refresh_from_db()
    assert (draft.status, draft.review_notes, draft.score) == ("approved", "first look", 3)


def test_a_score_out_of_range_is_shown_beside_the_field_with_what_was_typed(
    operator, make_inspiration
):
    draft = make_inspiration(project_type_code="x")
    response = operator.post(
        ACTION.format(draft.pk, "approve"), {"review_notes": "keep me", "score": "7"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "less than or equal to 5" in page
    assert "keep me</textarea>" in page
    draft.refresh_from_db()
    assert draft.status == "draft"
    assert not Project.objects.exists()


def test_a_refusal_of_the_service_is_shown_on_the_form(operator, make_inspiration):
    # Parameters the type's schema refuses: the service says why, the notes stay typed.
    project_type_create(
        code="strict",
        name="Strict",
        parameter_schema={"type": "object", "properties": {"duration": {"type": "integer"}}},
    )
    draft = make_inspiration(project_type_code="strict")
    Inspiration.objects.filter(pk=draft.pk).update(parameters={"duration": "forever"})
    response = operator.post(ACTION.format(draft.pk, "approve"), {"review_notes": "keep me"})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'class="errornote"' in page and "keep me</textarea>" in page
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_approving_an_approved_inspiration_explains_and_changes_nothing(operator, make_inspiration):
    approved = make_inspiration(status="approved", project_type_code="x")
    for method in (operator.get, operator.post):
        response = method(ACTION.format(approved.pk, "approve"))
        assert response.status_code == 302
        assert console_messages(operator.get(response["Location"])) == [
            ("warning", f"Nothing was done: inspiration #{approved.pk} is approved.")
        ]
    assert not Project.objects.exists()


def test_reject_stores_the_notes(operator, make_inspiration):
    draft = make_inspiration()
    response = operator.post(ACTION.format(draft.pk, "reject"), {"review_notes": "seen it"})
    assert console_messages(operator.get(response["Location"])) == [
        ("success", f'<a href="{PAGE.format(draft.pk)}">Inspiration #{draft.pk}</a> rejected.')
    ]
    draft.refresh_from_db()
    assert (draft.status, draft.review_notes) == ("rejected", "seen it")


def test_regenerate_without_a_workflow_says_nothing_was_sent(operator, make_inspiration):
    failed = make_inspiration(status="failed", project_type_code="x")
    page = operator.get(ACTION.format(failed.pk, "regenerate")).content.decode()
    assert "asked to write it again" in page  # the confirmation page
    response = operator.post(ACTION.format(failed.pk, "regenerate"))
    [(level, text)] = console_messages(operator.get(response["Location"]))
    assert level == "warning"
    assert "is generating again" in text and "nothing was sent to n8n" in text
    failed.refresh_from_db()
    assert failed.status == "generating"


def test_a_viewer_sees_no_buttons_and_may_not_act(viewer, make_inspiration):
    draft = make_inspiration(project_type_code="x")
    assert viewer.get(PAGE.format(draft.pk)).status_code == 200
    assert buttons(viewer, draft) == []
    assert viewer.get(ACTION.format(draft.pk, "approve")).status_code == 403
    assert viewer.post(ACTION.format(draft.pk, "approve"), {"score": "4"}).status_code == 403
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_an_unknown_action_or_record_is_not_a_server_error(operator, make_inspiration):
    draft = make_inspiration()
    assert operator.get(ACTION.format(draft.pk, "explode")).status_code == 404
    response = operator.get(ACTION.format(999999, "approve"))
    assert response.status_code == 302  # to the admin's index, saying it does not exist


def test_a_deleted_inspiration_shows_no_review_buttons(operator, make_inspiration):
    draft = make_inspiration(project_type_code="x")
    Inspiration.objects.filter(pk=draft.pk).update(deleted_at=draft.created_at)
    assert buttons(operator, draft) == []
    response = operator.post(ACTION.format(draft.pk, "approve"))
    assert console_messages(operator.get(response["Location"])) == [
        ("warning", f"Nothing was done: inspiration #{draft.pk} is deleted.")
    ]
