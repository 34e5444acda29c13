from accounts.services import accounts_reset_daily_usage
from core.audit import AuditedCommand


class Command(AuditedCommand):
    help = (
        "Set today's usage of every platform account to 0. Not needed at midnight (usage "
        "restarts by itself on a new UTC day); for schedulers and manual resets."
    )

    def handle(self, *args, **options):
        count = accounts_reset_daily_usage()
        self.stdout.write(f"Reset the daily usage of {count} platform account(s).")
