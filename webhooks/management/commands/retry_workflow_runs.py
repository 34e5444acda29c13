from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from core.audit import AuditedCommand
from core.models import WorkflowRun
from core.n8n import stale_pending_runs, workflow_run_retry, workflow_run_send
from webhooks.services import workflow_runs_expire

State = WorkflowRun.State


class Command(AuditedCommand):
    help = (
        "Send failed n8n workflow runs again (all of them, or the ids given), and runs left "
        "pending and never sent (the process stopped between the commit and the call) or "
        "left pending after an attempt (the process died while sending). Runs accepted but "
        "never called back within their deadline are expired first, and so retried too."
    )

    def add_arguments(self, parser):
        parser.add_argument("ids", nargs="*", type=int, help="Run ids (default: every failed run)")
        parser.add_argument(
            "--max-attempts",
            type=int,
            default=None,
            help="Skip runs already attempted this many times.",
        )
        parser.add_argument(
            "--unsent-after-minutes",
            type=int,
            default=5,
            help="Also send pending runs never attempted and older than this (default 5).",
        )

    def handle(self, *args, ids, max_attempts, unsent_after_minutes, **options):
        workflow_runs_expire()
        failed = WorkflowRun.objects.filter(Q(state=State.FAILED) | stale_pending_runs())
        cutoff = timezone.now() - timedelta(minutes=unsent_after_minutes)
        unsent = WorkflowRun.objects.filter(
            state=State.PENDING, last_attempt_at=None, created_at__lt=cutoff
        )
        if ids:
            failed, unsent = failed.filter(id__in=ids), unsent.filter(id__in=ids)
        if max_attempts is not None:
            failed = failed.filter(attempts__lt=max_attempts)
        succeeded = again = 0
        runs = [(run_id, workflow_run_retry) for run_id in failed.values_list("id", flat=True)]
        runs += [(run_id, workflow_run_send) for run_id in unsent.values_list("id", flat=True)]
        for run_id, send in sorted(runs):
            run = send(run_id=run_id)
            if run.state == State.SUCCEEDED:
                succeeded += 1
            else:
                again += 1
                self.stderr.write(f"Run {run.id} failed again: {run.error}")
        self.stdout.write(
            f"Retried {succeeded + again} run(s): {succeeded} succeeded, {again} failed."
        )
