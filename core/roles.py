"""Who may call what: the roles of the API's callers and the sets the views declare.

API clients (tokens) have one role each: `worker`, `n8n` or `client`. People use the console
(the admin, and the API with their session): `operator` (superusers and the "operator" group)
or `viewer` (the read-only "viewer" group). docs/roles.md is the table of which role may call
which endpoint; a test walks every route with every role and compares it with that table.
"""

from django.db import models


class Role(models.TextChoices):
    WORKER = "worker", "worker (claims and reports tasks)"
    N8N = "n8n", "n8n (webhook callbacks)"
    CLIENT = "client", "client (front ends and integrations)"
    OPERATOR = "operator", "operator (a person, from the console)"
    VIEWER = "viewer", "viewer (a person, read-only)"


# The roles a token may have; the two others belong to people signed in to the console.
API_ROLES = (Role.WORKER, Role.N8N, Role.CLIENT)
API_ROLE_CHOICES = [(role.value, role.label) for role in API_ROLES]
# Tokens that existed before roles were introduced were given this one (see the migration).
DEFAULT_API_ROLE = Role.CLIENT

OPERATOR_GROUP = "operator"
VIEWER_GROUP = "viewer"

# The sets a view declares per action. Binding an account (a client's right) and seeing its
# decrypted credentials (a worker's, in its own claim) never fall to one role.
READERS = frozenset({Role.CLIENT, Role.OPERATOR, Role.VIEWER})
WRITERS = frozenset({Role.CLIENT, Role.OPERATOR})
WORKERS = frozenset({Role.WORKER})
N8N = frozenset({Role.N8N})
