import secrets

from django.contrib.auth import get_user_model
from django.db import transaction

from core.audit import AuditedCommand
from core.models import ApiClient
from core.roles import API_ROLES
from core.services import api_client_create, api_client_rotate_token

ADMIN_USERNAME = "admin"


class Command(AuditedCommand):
    help = (
        "For demos and local development (make run): issue fresh tokens of the demo clients, "
        "one per role (demo-client, demo-worker, demo-n8n), and a fresh password of the "
        "console's superuser 'admin'; print them all. Never run it against production."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        for role in API_ROLES:
            name = f"demo-{role}"
            client = ApiClient.objects.filter(user__username=name).first()
            if client is None:
                token = api_client_create(name=name, role=role)[1]
            else:
                token = api_client_rotate_token(client=client)
            self.stdout.write(f"{role.upper()}_TOKEN={token}")
        password = secrets.token_urlsafe(12)
        User = get_user_model()
        admin = User.objects.filter(username=ADMIN_USERNAME).first()
        if admin is None:
            User.objects.create_superuser(ADMIN_USERNAME, "", password)
        else:
            admin.set_password(password)
            admin.is_superuser = admin.is_staff = admin.is_active = True
            admin.save()
        self.stdout.write(f"ADMIN_LOGIN={ADMIN_USERNAME} ADMIN_PASSWORD={password}")
