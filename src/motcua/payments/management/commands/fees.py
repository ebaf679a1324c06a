from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from motcua.catalog.services import FEES_DIR
from motcua.core.errors import NotFound
from motcua.payments.fee_schedules import export_schedule, import_schedules, parse_files


class Command(BaseCommand):
    help = "Import, check or export fee schedules of provinces and ministries (YAML, JSON or CSV files)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        for name in ("import", "check"):
            p = sub.add_parser(name, help=f"{name} schedule files or folders")
            p.add_argument("paths", nargs="*", type=Path, default=[FEES_DIR])
        p = sub.add_parser("export", help="write the current schedule of an authority (a province code, or a "
                                          "ministry's agency code)")
        p.add_argument("authority")
        p.add_argument("target", type=Path, help="a file, or a folder to write <authority>.<format> in")
        p.add_argument("--format", choices=["yaml", "csv"], default="yaml")

    def handle(self, *args, action, **options):
        if action == "export":
            try:
                path = export_schedule(options["authority"], options["target"], options["format"])
            except NotFound:
                raise CommandError(f"there is no fee schedule for {options['authority']}") from None
            self.stdout.write(f"exported the schedule of {options['authority']} to {path}")
            return
        if action == "check":
            parsed, problems = parse_files(options["paths"])
        else:
            report = import_schedules(options["paths"])
            problems = report.problems
        for path, problem in problems:
            self.stderr.write(f"{path}:{problem.line or ''}: {problem.path or '(file)'}: {problem.message}")
        if problems:
            raise CommandError(f"{len(problems)} problem(s); nothing was imported")
        if action == "check":
            self.stdout.write(f"{len(parsed)} fee schedules are valid")
        else:
            self.stdout.write(f"new versions: {', '.join(report.created) or 'none'}; "
                              f"unchanged: {', '.join(report.unchanged) or 'none'}")
