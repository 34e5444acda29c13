"""API clients and their tokens: created, given a role, rotated — by command and admin alike."""

from django.contrib.auth import get_user_model
from django.db import transaction
from knox.models import AuthToken

from core import audit, token_cache
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
    audit.record(
        action="api_client.create", target=client, reason=f"role {role}; a first token issued"
    )
    return client, token


@transaction.atomic
def api_client_rotate_token(*, client: ApiClient) -> str:
    """Revoke every token of the client and issue one new one (shown once)."""
    revoked, _ = AuthToken.objects.filter(user_id=client.user_id).delete()
    token_cache.forget_user(client.user_id)
    _, token = AuthToken.objects.create(user=client.user, expiry=None)
    audit.record(
        action="api_client.rotate",
        target=client,
        reason=f"{revoked} token(s) revoked, a new one issued",
        changes={"token": [audit.HIDDEN, audit.HIDDEN]},
    )
    return token


@transaction.atomic
def api_client_set_role(*, client: ApiClient, role: str) -> ApiClient:
    _check_role(role)
    old = ApiClient.objects.select_for_update().filter(pk=client.pk).values_list("role", flat=True)
    old = old.first()
    ApiClient.objects.filter(pk=client.pk).update(role=role)
    token_cache.forget_user(client.user_id)
    client.role = role
    if old != role:
        changes = {"role": [old, role]}
        audit.record(action="api_client.set_role", target=client, changes=changes)
    return client


@transaction.atomic
def api_client_revoke(*, client: ApiClient) -> int:
    """Revoke every token of the client; the client stays (its history names it)."""
    deleted, _ = AuthToken.objects.filter(user_id=client.user_id).delete()
    token_cache.forget_user(client.user_id)
    audit.record(action="api_client.revoke", target=client, reason=f"{deleted} token(s) revoked")
    return deleted
