"""The account form: credentials refused beside the field and never sent back; the services'
rules (the mask as a value, a taken name) shown beside their field; delete is soft."""

from django.urls import reverse

from accounts.crypto import MASK, decrypt_credentials
from accounts.models import PlatformAccount
from core.testing_console import errors_beside, shows_typed

ADD = "/admin/accounts/platformaccount/add/"


def form(**fields):
    return {
        "platform": "dreamina",
        "name": "main",
        "status": "active",
        "daily_limit": "100",
        **fields,
    }


def test_credentials_that_are_not_an_object_are_refused_and_not_sent_back(admin_client, db):
    typed = '["sk-typed-secret-123456"]'
    response = admin_client.post(ADD, form(credentials=typed))
    assert errors_beside(response, "credentials") == ["Must be a JSON object."]
    assert "sk-typed-secret-123456" not in response.content.decode()
    assert shows_typed(response, "main")
    assert not PlatformAccount.all_objects.exists()


def test_the_mask_as_a_value_is_refused_as_in_the_api(admin_client, db):
    response = admin_client.post(ADD, form(credentials=f'{{"api_key": "{MASK}"}}'))
    assert errors_beside(response, "credentials") == [
        'The value of "api_key" is the mask; send the real credential or leave credentials out.'
    ]


def test_a_taken_name_is_refused_beside_the_name(admin_client, make_account):
    make_account(platform="dreamina", name="main")
    response = admin_client.post(ADD, form(daily_limit="7"))
    assert errors_beside(response, "name") == [
        "An account of this platform with this name already exists."
    ]
    assert PlatformAccount.objects.count() == 1


def test_the_delete_page_says_what_happens_to_bound_tasks(admin_client, make_account):
    account = make_account(credentials={"api_key": "kept-secret-1234567"})
    url = reverse("admin:accounts_platformaccount_delete", args=[account.pk])
    html = admin_client.get(url).content.decode()
    assert "0 task(s) bound to it (0 not finished) keep the binding" in html
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    account = PlatformAccount.all_objects.get(pk=account.pk)
    assert account.deleted_at is not None
    assert decrypt_credentials(account.credentials_encrypted) == {"api_key": "kept-secret-1234567"}
