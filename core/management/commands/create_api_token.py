from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from rest_framework.authtoken.models import Token


class Command(BaseCommand):
    help = (
        "Print the API token of the client NAME (a worker, n8n, a front end), creating the "
        "client and its token when missing. --rotate replaces an existing token."
    )

    def add_arguments(self, parser):
        parser.add_argument("name", help="Who uses the token, e.g. n8n or render-worker-1.")
        parser.add_argument("--rotate", action="store_true", help="Replace an existing token.")

    @transaction.atomic
    def handle(self, *args, name, rotate, **options):
        user, created = get_user_model().objects.get_or_create(username=name)
        if created:
            # An API client, not a person: it cannot sign in to the admin with a password.
            user.set_unusable_password()
            user.save(update_fields=["password"])
        if rotate:
            Token.objects.filter(user=user).delete()
        token, _ = Token.objects.get_or_create(user=user)
        self.stdout.write(token.key)
