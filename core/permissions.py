from rest_framework.permissions import BasePermission

from core.roles import OPERATOR_GROUP, VIEWER_GROUP, Role

ANY_ROLE = frozenset(Role)


def request_role(request) -> str | None:
    """The role of whoever sent the request: a token's client, or a person of the console."""
    if hasattr(request, "_shortsgen_role"):
        return request._shortsgen_role
    user = request.user
    role = None
    if user is not None and user.is_authenticated:
        # Set by the token and signature authentications; people signed in have none.
        role = (user.api_role or None) if hasattr(user, "api_role") else _console_role(user)
    request._shortsgen_role = role
    return role


def _console_role(user) -> str | None:
    if not user.is_active or hasattr(user, "api_client"):
        return None
    if user.is_superuser:
        return Role.OPERATOR
    groups = set(user.groups.values_list("name", flat=True))
    if OPERATOR_GROUP in groups:
        return Role.OPERATOR
    if VIEWER_GROUP in groups:
        return Role.VIEWER
    return None


def allowed_roles(view, request) -> frozenset[str] | None:
    """The roles the view declares for this action (viewsets) or method (plain views).

    None when the request reaches no handler (the view answers 405 itself). A handler the
    view declares no roles for is open to nobody: a new endpoint is closed until listed.
    """
    action = getattr(view, "action", None) or request.method.lower()
    if action == "metadata" or request.method == "OPTIONS":
        return ANY_ROLE
    if hasattr(view, "action") and view.action is None:
        return None
    if not hasattr(view, "action") and not hasattr(view, request.method.lower()):
        return None  # a plain view without a handler for the method: it answers 405
    return frozenset(getattr(view, "roles", {}).get(action, ()))


class HasRole(BasePermission):
    """Each view says which roles may call each of its actions (`roles = {action: set}`)."""

    def has_permission(self, request, view):
        if request.user is None or not request.user.is_authenticated:
            return False
        allowed = allowed_roles(view, request)
        if allowed is None:
            return True
        role = request_role(request)
        if role in allowed:
            return True
        who = f"a {role} token" if role in {Role.WORKER, Role.N8N, Role.CLIENT} else None
        if role in {Role.OPERATOR, Role.VIEWER}:
            who = f"the {role} role"
        wanted = ", ".join(sorted(allowed)) or "nobody"
        self.message = (
            f"Forbidden for {who or 'a caller without a role'}: this endpoint is for {wanted}."
        )
        return False
