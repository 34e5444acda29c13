from accounts.demo import load_demo_accounts
from core.audit import AuditedCommand
from inspirations.demo import load_demo_inspiration
from projects.demo import load_demo_project_types


class Command(AuditedCommand):
    help = (
        "Install the demo data: project types, one platform account per platform, a draft "
        "inspiration. Safe to run again: it refreshes them and never duplicates them."
    )

    def handle(self, *args, **options):
        types = load_demo_project_types()
        self.stdout.write(f"Project types: {', '.join(t.code for t in types)}")
        accounts = load_demo_accounts()
        self.stdout.write(f"Platform accounts: {', '.join(str(a) for a in accounts)}")
        inspiration = load_demo_inspiration()
        self.stdout.write(f"Inspiration #{inspiration.id} ({inspiration.status}): {inspiration}")
