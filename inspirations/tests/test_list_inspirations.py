import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.testing import error, ok
from inspirations.testing import INSPIRATION_KEYS


def test_contract_query_filters_by_status(api, make_inspiration):
    draft = make_inspiration(title="draft one")
    make_inspiration(status="approved")
    make_inspiration(status="rejected")
    response = api.get("/api/inspirations?skip=0&limit=100&status=draft")
    rows = ok(response)
    assert [row["id"] for row in rows] == [draft.id]
    assert set(rows[0]) == INSPIRATION_KEYS
    assert rows[0]["title"] == "draft one"
    assert response["X-Total-Count"] == "1"


def test_lists_newest_first_with_total_header(api, make_inspiration):
    made = [make_inspiration(title=f"i{n}") for n in range(3)]
    response = api.get("/api/inspirations")
    assert [row["id"] for row in ok(response)] == [i.id for i in reversed(made)]
    assert response["X-Total-Count"] == "3"


def test_skip_and_limit_select_a_page(api, make_inspiration):
    made = [make_inspiration(title=f"i{n}") for n in range(5)]
    response = api.get("/api/inspirations?skip=1&limit=2")
    assert [row["id"] for row in ok(response)] == [made[3].id, made[2].id]
    assert response["X-Total-Count"] == "5"


def test_several_statuses_at_once(api, make_inspiration):
    failed = make_inspiration(status="failed")
    generating = make_inspiration(status="generating")
    make_inspiration(status="draft")
    rows = ok(api.get("/api/inspirations?status=failed&status=generating"))
    assert {row["id"] for row in rows} == {failed.id, generating.id}


def test_filter_by_project_type_code(api, make_inspiration):
    wanted = make_inspiration(project_type_code="tech_video")
    make_inspiration(project_type_code="image_post")
    rows = ok(api.get("/api/inspirations?project_type_code=tech_video"))
    assert [row["id"] for row in rows] == [wanted.id]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            "status=done",
            'status: "done" is not a valid choice. Valid choices: draft, generating, approved, '
            "rejected, failed.",
        ),
        ("skip=x", "skip: A valid integer is required."),
        ("limit=0", "limit: Ensure this value is greater than or equal to 1."),
    ],
)
def test_bad_query_values_are_refused(api, make_inspiration, query, message):
    make_inspiration()
    assert error(api.get(f"/api/inspirations?{query}"), 400) == message


def test_deleted_inspirations_are_not_listed(api, make_inspiration):
    kept = make_inspiration()
    gone = make_inspiration()
    ok(api.delete(f"/api/inspirations/{gone.id}"))
    assert [row["id"] for row in ok(api.get("/api/inspirations"))] == [kept.id]


def test_no_token_is_refused(anon):
    assert error(anon.get("/api/inspirations"), 401)


def test_query_count_does_not_grow_with_rows(api, make_inspiration, django_assert_num_queries):
    make_inspiration()
    with CaptureQueriesContext(connection) as one_row:
        assert len(ok(api.get("/api/inspirations"))) == 1
    queries_for_one = len(one_row)
    for n in range(5):
        make_inspiration(title=f"more{n}")
    with django_assert_num_queries(queries_for_one):
        assert len(ok(api.get("/api/inspirations"))) == 6
