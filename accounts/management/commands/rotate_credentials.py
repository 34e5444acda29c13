from django.core.management.base import CommandError

from accounts.crypto import CredentialsDecryptionError
from accounts.services import accounts_rotate_credentials
from core.audit import AuditedCommand


class Command(AuditedCommand):
    help = (
        "Re-encrypt every platform account's credentials with the first key of "
        "SHORTSGEN_CREDENTIALS_KEY, so that the keys after it can be removed."
    )

    def handle(self, *args, **options):
        try:
            count = accounts_rotate_credentials()
        except CredentialsDecryptionError as exc:
            raise CommandError(f"{exc}; nothing was changed.") from None
        self.stdout.write(f"Re-encrypted the credentials of {count} platform account(s).")
