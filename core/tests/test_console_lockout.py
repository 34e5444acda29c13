"""Finding 7: the console's sign-in locks a username out after repeated failures."""

from django.test import Client

PASSWORD = "correct-horse-battery-staple"


def sign_in(client, password):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": "ops", "password": password},
        REMOTE_ADDR="192.0.2.10",
    )


def test_five_failures_lock_the_account_even_for_the_right_password(
    db, settings, django_user_model
):
    settings.AXES_FAILURE_LIMIT = 5
    django_user_model.objects.create_superuser("ops", "ops@example.com", PASSWORD)
    client = Client()
    for _ in range(4):
        response = sign_in(client, "wrong")
        assert response.status_code == 200  # the form again, with its error
    locked = sign_in(client, "wrong")
    assert locked.status_code == 429
    assert sign_in(client, PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_success_before_the_limit_resets_the_count(db, settings, django_user_model):
    settings.AXES_FAILURE_LIMIT = 3
    django_user_model.objects.create_superuser("ops", "ops@example.com", PASSWORD)
    client = Client()
    sign_in(client, "wrong")
    sign_in(client, "wrong")
    assert sign_in(client, PASSWORD).status_code == 302
    client.logout()
    sign_in(client, "wrong")
    assert sign_in(client, PASSWORD).status_code == 302
