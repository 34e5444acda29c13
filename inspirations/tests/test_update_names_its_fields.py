import pytest

from inspirations import services


def test_inspiration_update_refuses_fields_it_does_not_name(db):
    inspiration = services.inspiration_create(title="idea")
    with pytest.raises(TypeError, match="deleted_at"):
        services.inspiration_update(inspiration=inspiration, title="x", deleted_at=None)
    inspiration.refresh_from_db()
    assert inspiration.title == "idea"
