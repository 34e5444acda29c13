from core.audit import AuditedCommand
from webhooks.services import workflow_runs_expire


class Command(AuditedCommand):
    help = (
        "Mark failed the n8n workflow runs that were accepted but never called back within "
        "their kind's deadline (N8N_RUN_DEADLINE_MINUTES and the per-kind settings), and move "
        "their inspiration or project where a retry can start again."
    )

    def handle(self, *args, **options):
        expired = workflow_runs_expire()
        for run in expired:
            self.stderr.write(f"Run {run.id} ({run.kind} {run.target_id}): {run.error}")
        self.stdout.write(f"Expired {len(expired)} run(s).")
