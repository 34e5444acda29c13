from core.testing import error, ok
from inspirations.models import Inspiration


def test_contract_response_and_the_row_is_kept(api, make_inspiration):
    inspiration = make_inspiration()
    data = ok(api.delete(f"/api/inspirations/{inspiration.id}"))
    assert data == {"message": "Inspiration deleted successfully"}
    assert Inspiration.all_objects.get(id=inspiration.id).deleted_at is not None
    assert not Inspiration.objects.filter(id=inspiration.id).exists()


def test_deleting_twice_is_404(api, make_inspiration):
    inspiration = make_inspiration()
    ok(api.delete(f"/api/inspirations/{inspiration.id}/"))
    assert error(api.delete(f"/api/inspirations/{inspiration.id}/"), 404) == (
        "Inspiration not found"
    )


def test_deleted_inspiration_cannot_be_approved(api, make_inspiration):
    inspiration = make_inspiration(project_type_code="video_generation")
    ok(api.delete(f"/api/inspirations/{inspiration.id}"))
    assert error(api.post(f"/api/inspirations/{inspiration.id}/approve"), 404) == (
        "Inspiration not found"
    )


def test_unknown_id_is_404(api):
    assert error(api.delete("/api/inspirations/999"), 404) == "Inspiration not found"
