from accounts.demo import load_demo_accounts
from core.audit import AuditedCommand
from inspirations.demo import load_demo_day, load_demo_inspiration
from projects.demo import load_demo_project_types


class Command(AuditedCommand):
    help = (
        "Install the demo data: project types, platform accounts, a draft inspiration and, in "
        "a factory without projects, a day of activity for the console's overview. Safe to "
        "run again: it refreshes the types and accounts and never duplicates anything."
    )

    def handle(self, *args, **options):
        types = load_demo_project_types()
        self.stdout.write(f"Project types: {', '.join(t.code for t in types)}")
        accounts = load_demo_accounts()
        self.stdout.write(f"Platform accounts: {', '.join(str(a) for a in accounts)}")
        inspiration = load_demo_inspiration()
        self.stdout.write(f"Inspiration #{inspiration.id} ({inspiration.status}): {inspiration}")
        if load_demo_day():
            self.stdout.write(
                "A day of activity: inspirations, projects, tasks, workers, n8n runs."
            )
        else:
            self.stdout.write("The factory already has projects: no demo day added.")
