from django.conf import settings
from django.core.management.base import BaseCommand

from core.idempotency import idempotency_records_purge


class Command(BaseCommand):
    help = (
        "Delete the Idempotency-Key records older than SHORTSGEN_IDEMPOTENCY_KEY_TTL_HOURS. "
        "They already count as unused; this keeps the table small (for schedulers, daily)."
    )

    def handle(self, *args, **options):
        count = idempotency_records_purge()
        hours = settings.IDEMPOTENCY_KEY_TTL_HOURS
        self.stdout.write(f"Deleted {count} idempotency record(s) older than {hours} h.")
