from accounts.crypto import decrypt_credentials
from accounts.models import PlatformAccount
from accounts.testing import yesterday

CHANGELIST = "/admin/accounts/platformaccount/"


def form_data(**fields):
    data = {"platform": "dreamina", "name": "admin_made", "status": "active", "daily_limit": 100}
    data.update(fields)
    return data


def test_changelist_shows_usage_and_availability(admin_client, make_account):
    make_account(name="busy_one", daily_limit=100, used_today=25)
    page = admin_client.get(CHANGELIST).content.decode()
    assert "busy_one" in page
    assert "25 / 100, 75 left" in page
    assert "· exhausted" not in page


def test_changelist_marks_an_exhausted_account(admin_client, make_account):
    make_account(name="spent_one", daily_limit=10, used_today=10)
    page = admin_client.get(CHANGELIST).content.decode()
    assert "10 / 10, 0 left" in page
    assert "· exhausted" in page


def test_changelist_counts_yesterday_as_zero(admin_client, make_account):
    make_account(name="stale_one", daily_limit=10, used_today=10, usage_date=yesterday())
    page = admin_client.get(CHANGELIST).content.decode()
    assert "0 / 10" in page


def test_changelist_shows_live_accounts_unless_asked_for_deleted_ones(admin_client, make_account):
    make_account(name="alive_account")
    gone = make_account(name="deleted_account")
    PlatformAccount.objects.filter(pk=gone.pk).update(deleted_at=gone.created_at)
    page = admin_client.get(CHANGELIST).content.decode()
    assert "alive_account" in page and "deleted_account" not in page
    page = admin_client.get(f"{CHANGELIST}?deleted=all").content.decode()
    assert "alive_account" in page and "deleted_account" in page
    deleted_only = admin_client.get(f"{CHANGELIST}?deleted=yes").content.decode()
    assert "deleted_account" in deleted_only and "alive_account" not in deleted_only


def test_filters_and_search(admin_client, make_account):
    make_account(platform="runway", name="runway_one")
    make_account(platform="dreamina", name="dreamina_one")
    page = admin_client.get(f"{CHANGELIST}?platform__exact=runway").content.decode()
    assert "runway_one" in page and "dreamina_one" not in page
    page = admin_client.get(f"{CHANGELIST}?q=dreamina_one").content.decode()
    assert "dreamina_one" in page and "runway_one" not in page


def test_change_page_masks_the_credentials(admin_client, make_account):
    account = make_account(credentials={"api_key": "sk-admin-secret-77"})
    page = admin_client.get(f"{CHANGELIST}{account.pk}/change/").content.decode()
    assert "sk-admin-secret-77" not in page
    assert "api_key …t-77" in page


def test_empty_credentials_field_keeps_the_stored_ones(admin_client, make_account):
    account = make_account(name="keep", credentials={"api_key": "kept"})
    response = admin_client.post(
        f"{CHANGELIST}{account.pk}/change/", form_data(name="keep", daily_limit=7, credentials="")
    )
    assert response.status_code == 302, response.content[:2000]
    account.refresh_from_db()
    assert account.daily_limit == 7
    assert decrypt_credentials(account.credentials_encrypted) == {"api_key": "kept"}


def test_filled_credentials_field_replaces_them(admin_client, make_account):
    account = make_account(name="swap", credentials={"api_key": "old", "secret": "old"})
    response = admin_client.post(
        f"{CHANGELIST}{account.pk}/change/",
        form_data(name="swap", credentials='{"api_key": "new-admin-key"}'),
    )
    assert response.status_code == 302
    account.refresh_from_db()
    assert decrypt_credentials(account.credentials_encrypted) == {"api_key": "new-admin-key"}
    assert "new-admin-key" not in account.credentials_encrypted


def test_credentials_must_be_a_json_object(admin_client, make_account):
    account = make_account(name="strict", credentials={"api_key": "k"})
    for bad in ('["a"]', "not json"):
        response = admin_client.post(
            f"{CHANGELIST}{account.pk}/change/", form_data(name="strict", credentials=bad)
        )
        assert response.status_code == 200  # the form again, with the error
    account.refresh_from_db()
    assert decrypt_credentials(account.credentials_encrypted) == {"api_key": "k"}


def test_add_encrypts_the_credentials(admin_client, db):
    response = admin_client.post(
        f"{CHANGELIST}add/", form_data(credentials='{"api_key": "added-in-admin"}')
    )
    assert response.status_code == 302
    account = PlatformAccount.objects.get(name="admin_made")
    assert "added-in-admin" not in account.credentials_encrypted
    assert decrypt_credentials(account.credentials_encrypted) == {"api_key": "added-in-admin"}


def test_duplicate_name_is_a_form_error(admin_client, make_account):
    make_account(platform="dreamina", name="admin_made")
    response = admin_client.post(f"{CHANGELIST}add/", form_data())
    assert response.status_code == 200
    assert "An account of this platform with this name already exists." in response.content.decode()
    assert PlatformAccount.objects.filter(name="admin_made").count() == 1


def test_reset_usage_action(admin_client, make_account):
    account = make_account(daily_limit=10, used_today=10)
    response = admin_client.post(
        CHANGELIST, {"action": "reset_usage", "_selected_action": [account.pk]}
    )
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.used_today == 0 and account.is_available


def test_soft_delete_action_keeps_the_row(admin_client, make_account):
    account = make_account()
    admin_client.post(
        CHANGELIST, {"action": "soft_delete", "_selected_action": [account.pk], "post": "yes"}
    )
    assert PlatformAccount.all_objects.get(pk=account.pk).deleted_at is not None


def test_delete_button_soft_deletes(admin_client, make_account):
    account = make_account()
    response = admin_client.post(f"{CHANGELIST}{account.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert PlatformAccount.all_objects.get(pk=account.pk).deleted_at is not None


def test_restore_action_restores(admin_client, make_account):
    account = make_account()
    PlatformAccount.objects.filter(pk=account.pk).update(deleted_at=account.created_at)
    admin_client.post(
        f"{CHANGELIST}?deleted=yes", {"action": "restore", "_selected_action": [account.pk]}
    )
    assert PlatformAccount.objects.filter(pk=account.pk).exists()


def test_restore_is_refused_when_the_name_was_taken(admin_client, make_account):
    old = make_account(platform="runway", name="reused")
    PlatformAccount.objects.filter(pk=old.pk).update(deleted_at=old.created_at)
    make_account(platform="runway", name="reused")
    response = admin_client.post(
        f"{CHANGELIST}?deleted=yes",
        {"action": "restore", "_selected_action": [old.pk]},
        follow=True,
    )
    assert "cannot be restored" in response.content.decode()
    assert PlatformAccount.all_objects.get(pk=old.pk).deleted_at is not None


def test_deleted_account_opens_read_only(admin_client, make_account):
    account = make_account()
    PlatformAccount.objects.filter(pk=account.pk).update(deleted_at=account.created_at)
    response = admin_client.get(f"{CHANGELIST}{account.pk}/change/")
    assert response.status_code == 200
    assert 'name="daily_limit"' not in response.content.decode()


def test_bulk_hard_delete_is_not_offered(admin_client, make_account):
    make_account()
    page = admin_client.get(CHANGELIST).content.decode()
    assert 'value="delete_selected"' not in page
    assert 'value="reset_usage"' in page
