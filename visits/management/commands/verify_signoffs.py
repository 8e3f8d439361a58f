"""Recomputes every sign-off record's hashes and the chain between them, and
names each record that no longer matches. Exits 1 when anything is wrong, so it
can run from cron or a monitoring job."""

from django.core.management.base import BaseCommand, CommandError

from visits.signoffs.services import verify_all


class Command(BaseCommand):
    help = "Check every signed record, its signature, its evidence and the chain."

    def handle(self, *args, **options):
        checked, problems = verify_all()
        for problem in problems:
            self.stdout.write(
                self.style.ERROR(
                    f"record #{problem.record} (work order {problem.work_order}): {problem.what}"
                )
            )
        if problems:
            raise CommandError(
                f"{len(problems)} problem(s) in {checked} sign-off record(s); see above."
            )
        self.stdout.write(
            self.style.SUCCESS(f"{checked} sign-off record(s) verified: intact.")
        )
