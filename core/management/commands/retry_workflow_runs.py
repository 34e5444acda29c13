from django.core.management.base import BaseCommand

from core.models import WorkflowRun
from core.n8n import workflow_run_retry


class Command(BaseCommand):
    help = "Send failed n8n workflow runs again (all of them, or the ids given)."

    def add_arguments(self, parser):
        parser.add_argument("ids", nargs="*", type=int, help="Run ids (default: every failed run)")
        parser.add_argument(
            "--max-attempts",
            type=int,
            default=None,
            help="Skip runs already attempted this many times.",
        )

    def handle(self, *args, ids, max_attempts, **options):
        runs = WorkflowRun.objects.filter(state=WorkflowRun.State.FAILED).order_by("id")
        if ids:
            runs = runs.filter(id__in=ids)
        if max_attempts is not None:
            runs = runs.filter(attempts__lt=max_attempts)
        succeeded = failed = 0
        for run_id in runs.values_list("id", flat=True):
            run = workflow_run_retry(run_id=run_id)
            if run.state == WorkflowRun.State.SUCCEEDED:
                succeeded += 1
            else:
                failed += 1
                self.stderr.write(f"Run {run.id} failed again: {run.error}")
        self.stdout.write(
            f"Retried {succeeded + failed} run(s): {succeeded} succeeded, {failed} failed."
        )
