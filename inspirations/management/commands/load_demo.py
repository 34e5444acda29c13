from django.core.management.base import BaseCommand

from projects.demo import load_demo_project_types


class Command(BaseCommand):
    help = "Install the demo data (project types, ...). Safe to run again: it refreshes them."

    def handle(self, *args, **options):
        types = load_demo_project_types()
        self.stdout.write(f"Project types: {', '.join(t.code for t in types)}")
