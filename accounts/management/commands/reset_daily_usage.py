from django.core.management.base import BaseCommand

from accounts.services import accounts_reset_daily_usage


class Command(BaseCommand):
    help = (
        "Set today's usage of every platform account to 0. Not needed at midnight (usage "
        "restarts by itself on a new UTC day); for schedulers and manual resets."
    )

    def handle(self, *args, **options):
        count = accounts_reset_daily_usage()
        self.stdout.write(f"Reset the daily usage of {count} platform account(s).")
