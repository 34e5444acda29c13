import re

from knox.auth import TokenAuthentication
from knox.crypto import hash_token
from rest_framework import exceptions

from core import token_cache
from core.models import ApiClient
from core.throttling import FailedAuthenticationThrottle
from core.token_cache import CachedToken, TokenUser

# What knox issues (hex, after an optional prefix) and what tokens of old looked like; anything
# else is refused before it reaches the database.
TOKEN_FORMAT = re.compile(r"[A-Za-z0-9_]{1,128}")


class ApiTokenAuthentication(TokenAuthentication):
    """knox's hashed tokens, sent as `Authorization: Token <key>` or `Bearer <key>`.

    The user it returns carries `api_role`, its client's role (no role: no API client, and
    every endpoint refuses it). Failed attempts are counted per address and throttled.
    A token found in the last `SHORTSGEN_TOKEN_CACHE_SECONDS` is served from this process's
    cache (core.token_cache) without a query; its user is then a `TokenUser`.
    """

    keywords = (b"token", b"bearer")

    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "").split()
        if not header or header[0].lower().encode() not in self.keywords:
            return None
        throttle = FailedAuthenticationThrottle()
        wait = throttle.seconds_blocked(request)
        if wait is not None:
            raise exceptions.Throttled(wait, "Too many failed authentication attempts.")
        if len(header) != 2 or not TOKEN_FORMAT.fullmatch(header[1]):
            throttle.record_failure(request)
            raise exceptions.AuthenticationFailed("Invalid token.")
        digest = hash_token(header[1])
        cached = token_cache.get(digest)
        if cached is not None:
            return TokenUser(cached), cached.auth_token(digest)
        try:
            user, token = self.authenticate_credentials(header[1].encode())
        except exceptions.AuthenticationFailed:
            throttle.record_failure(request)
            raise
        # A token of a user who is no API client (a person) has no role: it opens nothing.
        role = ApiClient.objects.filter(pk=user.pk).order_by().values_list("role", flat=True)
        user.api_role = role.first() or ""
        token_cache.put(
            token.digest,
            CachedToken(
                user_id=user.pk,
                username=user.get_username(),
                api_role=user.api_role,
                token_key=token.token_key,
                created=token.created,
                expiry=token.expiry,
            ),
        )
        return user, token

    def _cleanup_token(self, auth_token) -> bool:
        # knox deletes the client's expired tokens on every request, a query each time; ours
        # never expire (REST_KNOX TOKEN_TTL None), so a token without an expiry skips it.
        if auth_token.expiry is None:
            return False
        return super()._cleanup_token(auth_token)

    def authenticate_header(self, request):
        return "Token"
