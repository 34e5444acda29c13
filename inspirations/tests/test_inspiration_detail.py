import pytest

from core.testing import error, ok
from inspirations.testing import EXAMPLE_INSPIRATION, INSPIRATION_KEYS


def test_detail_equals_the_create_response(api):
    created = ok(api.post("/api/inspirations", EXAMPLE_INSPIRATION, format="json"), 201)
    detail = ok(api.get(f"/api/inspirations/{created['id']}"))
    assert detail == created
    assert set(detail) == INSPIRATION_KEYS


def test_trailing_slash_works(api, make_inspiration):
    inspiration = make_inspiration()
    assert ok(api.get(f"/api/inspirations/{inspiration.id}/"))["id"] == inspiration.id


@pytest.mark.parametrize("inspiration_id", ["424242", "9223372036854775808"])
def test_unknown_id_is_404(api, inspiration_id):
    assert error(api.get(f"/api/inspirations/{inspiration_id}"), 404) == "Inspiration not found"


def test_deleted_inspiration_is_404(api, make_inspiration):
    inspiration = make_inspiration()
    ok(api.delete(f"/api/inspirations/{inspiration.id}"))
    assert error(api.get(f"/api/inspirations/{inspiration.id}"), 404) == "Inspiration not found"
