from django.core.management import CommandError
from django.core.management.commands import migrate

from core.migration_lock import MigrationLockNotHeld, migration_lock


class Command(migrate.Command):
    help = (
        "Django's migrate, one run at a time per database (a PostgreSQL advisory lock): hosts "
        "starting together migrate once, the others wait and then find nothing to apply."
    )

    def handle(self, *args, **options):
        def say_waiting():
            self.stdout.write("Another process is migrating this database; waiting for it.")

        try:
            with migration_lock(options["database"], on_wait=say_waiting):
                super().handle(*args, **options)
        except MigrationLockNotHeld as exc:
            raise CommandError(str(exc)) from None
