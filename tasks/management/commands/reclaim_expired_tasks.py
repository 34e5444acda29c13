from core.audit import AuditedCommand
from tasks.services import tasks_reclaim_expired


class Command(AuditedCommand):
    help = (
        "Put tasks whose lease ran out back to pending (or fail them when out of attempts). "
        "Not needed for correctness: the claim picks expired leases up by itself."
    )

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=10_000, help="At most this many tasks.")

    def handle(self, *args, limit, **options):
        result = tasks_reclaim_expired(limit=limit)
        self.stdout.write(
            f"Requeued {result['requeued']} task(s); failed {result['failed']} out of attempts."
        )
