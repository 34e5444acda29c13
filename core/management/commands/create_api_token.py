from django.core.management.base import CommandError

from core.audit import AuditedCommand
from core.exceptions import ApplicationError
from core.models import ApiClient
from core.roles import API_ROLES
from core.services import api_client_create, api_client_rotate_token, api_client_set_role


class Command(AuditedCommand):
    help = (
        "Create the API client NAME with a role and print its token. Tokens are stored hashed "
        "and shown only here: for an existing client, --rotate revokes its tokens and prints "
        "a new one; --role alone changes its role."
    )

    def add_arguments(self, parser):
        parser.add_argument("name", help="Who uses the token, e.g. n8n or render-worker-1.")
        parser.add_argument(
            "--role",
            choices=[str(role) for role in API_ROLES],
            help="worker (claims and reports tasks), n8n (webhooks) or client (front ends); "
            "new clients default to client.",
        )
        parser.add_argument(
            "--rotate", action="store_true", help="Revoke the client's tokens, print a new one."
        )

    def handle(self, *args, name, role, rotate, **options):
        client = ApiClient.objects.select_related("user").filter(user__username=name).first()
        try:
            if client is None:
                client, token = api_client_create(name=name, role=role or "client")
                self.stdout.write(token)
                return
            if role and role != client.role:
                api_client_set_role(client=client, role=role)
                self.stderr.write(f"{name}: role is now {role}.")
            if rotate:
                self.stdout.write(api_client_rotate_token(client=client))
            elif not role:
                raise CommandError(
                    f"{name} exists; its token is stored hashed and cannot be shown again. "
                    "Use --rotate to issue a new one (the old ones stop working)."
                )
        except ApplicationError as exc:
            raise CommandError(exc.message) from None
