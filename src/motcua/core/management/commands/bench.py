import runpy
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

BENCHMARKS = Path(__file__).resolve().parents[5] / "bench"


class Command(BaseCommand):
    help = "Run a benchmark script from the source tree's bench/ folder, e.g. `motcua bench http_load --seconds 10`."
    requires_system_checks: list[str] = []  # each script configures (and checks) the deployment it measures

    def add_arguments(self, parser):
        parser.add_argument("name", nargs="?", default="http_load")
        parser.add_argument("args", nargs="*", help="passed to the script (after --)")

    def handle(self, *args, name, **options):
        script = BENCHMARKS / f"{name}.py"
        if not script.exists():
            available = ", ".join(sorted(p.stem for p in BENCHMARKS.glob("*.py"))) or "none (not a source checkout)"
            raise CommandError(f"no benchmark '{name}'; available: {available}")
        sys.argv = [str(script), *options["args"]]
        runpy.run_path(str(script), run_name="__main__")
