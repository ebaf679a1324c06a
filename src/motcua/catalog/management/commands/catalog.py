from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from motcua.catalog.services import (
    GROUPS_DIR,
    PROCEDURES_DIR,
    export_procedures,
    import_procedures,
    parse_files,
    parse_group_files,
)


class Command(BaseCommand):
    help = "Import, check or export procedure definitions (YAML or JSON files)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        for name in ("import", "check"):
            p = sub.add_parser(name, help=f"{name} definition files or folders")
            p.add_argument("paths", nargs="*", type=Path, default=[PROCEDURES_DIR])
            p.add_argument("--groups", nargs="*", type=Path, default=None,
                           help="interlinked group files or folders, checked against those procedures "
                                "(by default the shipped groups, when the shipped procedures are checked)")
        p = sub.add_parser("export", help="write every current definition to a folder")
        p.add_argument("target", type=Path)
        p.add_argument("--format", choices=["yaml", "json"], default="yaml")

    def handle(self, *args, action, **options):
        if action == "export":
            written = export_procedures(options["target"], options["format"])
            self.stdout.write(f"exported {len(written)} procedures to {options['target']}")
            return
        parsed, errors = parse_files(options["paths"])
        group_paths = options["groups"]
        if group_paths is None:
            group_paths = [GROUPS_DIR] if options["paths"] == [PROCEDURES_DIR] else []
        groups, group_errors = parse_group_files(group_paths, {spec.code: spec for _, spec, _ in parsed})
        errors += group_errors
        if action == "import" and not errors:
            report = import_procedures(options["paths"])
            errors = report.errors
        for path, issue in errors:
            self.stderr.write(f"{path}: {issue.path or '(file)'}: {issue.message}")
        if errors:
            raise CommandError(f"{len(errors)} problem(s); nothing was imported")
        if action == "check":
            self.stdout.write(f"{len(parsed)} definitions and {len(groups)} interlinked groups are valid")
        else:
            self.stdout.write(f"created {len(report.created)}, updated {len(report.updated)}, "
                              f"unchanged {len(report.unchanged)}")
