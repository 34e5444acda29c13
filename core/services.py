"""API clients and their tokens: created, given a role, rotated — by command and admin alike."""

from django.contrib.auth import get_user_model
from django.db import transaction
from knox.models import AuthToken

from core.exceptions import ApplicationError
from core.models import ApiClient
from core.roles import API_ROLES


def _check_role(role: str) -> None:
    if role not in API_ROLES:
        valid = ", ".join(API_ROLES)
        raise ApplicationError(f"role: {role!r} is not a role of API clients ({valid}).")


@transaction.atomic
def api_client_create(*, name: str, role: str) -> tuple[ApiClient, str]:
    """A new API client and its first token; the token is returned once and stored hashed."""
    _check_role(role)
    name = name.strip()
    if not name:
        raise ApplicationError("name: This field may not be blank.")
    User = get_user_model()
    if User.objects.filter(username=name).exists():
        raise ApplicationError(f"name: {name!r} is taken (by a client or a person).")
    user = User(username=name)
    # A program, not a person: it cannot sign in to the console with a password.
    user.set_unusable_password()
    user.save()
    client = ApiClient.objects.create(user=user, role=role)
    _, token = AuthToken.objects.create(user=user, expiry=None)
    return client, token


@transaction.atomic
def api_client_rotate_token(*, client: ApiClient) -> str:
    """Revoke every token of the client and issue one new one (shown once)."""
    AuthToken.objects.filter(user_id=client.user_id).delete()
    _, token = AuthToken.objects.create(user=client.user, expiry=None)
    return token


@transaction.atomic
def api_client_set_role(*, client: ApiClient, role: str) -> ApiClient:
    _check_role(role)
    ApiClient.objects.filter(pk=client.pk).update(role=role)
    client.role = role
    return client


@transaction.atomic
def api_client_revoke(*, client: ApiClient) -> int:
    """Revoke every token of the client; the client stays (its history names it)."""
    deleted, _ = AuthToken.objects.filter(user_id=client.user_id).delete()
    return deleted
