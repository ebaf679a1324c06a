"""Every page of the demo with its year of dossiers: server time per page.

    python bench/demo_pages.py [--dossiers 30000] [--repeat 20]
    python bench/demo_pages.py --var var        # the database of a demo already started in ./var

Without --var it starts the demo's database as `motcua demo` does on a first start, in a throwaway var directory
on SQLite (the demo's database): `motcua migrate`, then `motcua seed` with --dossiers dossiers of the year, and
prints how long each took (wall and CPU). Then, in this process and through Django's test client (the whole
request: middleware, views, templates and the database, which SQLite keeps in this process; no network), it walks
the demo's pages: the citizen portal anonymously and as the demo's An (logged in as the e-ID login leaves the
session), the back office as Hoàn Kiếm's reception officer, specialist and leader and the Hà Nội police, the
index dashboard (national; the two big cities and the demo's commune and agency; a ministry, its busiest sector,
procedure and province) and the public verification of a signed result. Each page is requested once to warm up,
then --repeat times; it prints p50 and p95 of the wall time and p50 of this process's CPU time per request (on a
machine shared with other work the wall time includes waiting for a core, the CPU time does not), and marks
the pages whose p50 is over 50 ms. Nothing is asserted.

The demo reads the registries through the exchange from its keeper process; here they are read from the same
database (the keeper is not started), so the pre-filled submission form does not include the exchange's round trip.
"""

from __future__ import annotations

import argparse
import gc
import logging
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_MS = 50.0


def cpu_seconds_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def prepare(dossiers: int | None) -> None:
    """The demo's first start, up to serving: migrate, seed (with the year), each timed."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    year = [] if dossiers is None else ["--year-dossiers", str(dossiers)]
    for command in (["migrate", "-v0"], ["seed", *year]):
        wall, cpu = time.perf_counter(), cpu_seconds_of_children()
        subprocess.run([sys.executable, "-m", "motcua.cli", *command], env=env, check=True, cwd=ROOT,
                       stdout=subprocess.DEVNULL)
        print(f"motcua {' '.join(command):<36} {time.perf_counter() - wall:7.1f} s wall, "
              f"{cpu_seconds_of_children() - cpu:7.1f} s CPU", flush=True)


def pages() -> list[tuple[str, str, str]]:
    """(section, who, path) of every page walked, chosen from what the demo holds."""
    from django.urls import reverse

    from motcua.demo.seeding import DEMO_AGENCIES, DEMO_CITIZENS
    from motcua.documents.models import IssuedDocument
    from motcua.dossiers.models import Dossier
    from motcua.metrics import queries

    an = DEMO_CITIZENS[0].id_number
    hoankiem = DEMO_AGENCIES["hoankiem"]
    ans = Dossier.objects.filter(applicant_id_number=an).order_by("-submitted_at").first()
    year = Dossier.objects.filter(competent_agency__code=hoankiem).exclude(applicant_id_number=an).order_by(
        "submitted_at").first()
    open_one = Dossier.objects.filter(agency__code=hoankiem, finished_at__isnull=True).order_by("submitted_at").first()
    result = IssuedDocument.objects.filter(kind="result").order_by("issued_at").first()
    period = queries.Period.parse(None, None, None)

    def busiest(level: str, parent: str | None = None) -> str:
        return max(queries.counts_by_scope(level, period, parent).items(), key=lambda kv: kv[1].received)[0]

    ministry = busiest("M")
    sector = busiest("MS", ministry)
    procedure = busiest("MF", sector)
    province = busiest("MP", procedure)
    walk = [
        ("portal", "", "/"), ("portal", "", "/thu-tuc/"), ("portal", "", "/thu-tuc/1.001193/"),
        ("portal", "", f"/tra-cuu/{year.code}"), ("portal", "", "/phan-anh-kien-nghi/"),
        ("portal", "", "/quyen-rieng-tu/"),
        ("portal", "an", "/ho-so/"), ("portal", "an", f"/ho-so/{ans.code}/"), ("portal", "an", "/thu-tuc/1.001193/nop/"),
        ("portal", "an", "/kho-du-lieu/"), ("portal", "an", "/ai-da-xem-du-lieu/"), ("portal", "an", "/thong-bao/"),
        ("portal", "an", "/uy-quyen/"), ("portal", "an", "/phan-anh-kien-nghi/cua-toi/"), ("portal", "an", "/to-chuc/"),
        ("back office", "hoankiem.motcua", "/backoffice/"),
        ("back office", "hoankiem.motcua", "/backoffice/?status=10"),
        ("back office", "hoankiem.motcua", "/backoffice/?flag=overdue"),
        ("back office", "hoankiem.motcua", f"/backoffice/ho-so/{year.code}/"),
        ("back office", "hoankiem.motcua", f"/backoffice/ho-so/{ans.code}/"),
        ("back office", "hoankiem.motcua", "/backoffice/tiep-nhan/"),
        ("back office", "hoankiem.motcua", "/backoffice/tiep-nhan/1.001193/"),
        ("back office", "hoankiem.motcua", "/backoffice/phan-anh-kien-nghi/"),
        ("back office", "hoankiem.motcua", "/backoffice/thong-bao/"),
        ("back office", "hoankiem.motcua", "/backoffice/bieu-phi/"),
        ("back office", "hoankiem.chuyenvien", "/backoffice/"),
        ("back office", "hoankiem.lanhdao", "/backoffice/"),
        ("back office", "hoankiem.ca.motcua", "/backoffice/phan-anh-du-lieu/"),
        ("back office", "hanoi.ca.motcua", "/backoffice/"),
        ("back office", "hanoi.ca.motcua", "/backoffice/doi-soat-thanh-toan/"),
        ("dashboard", "", "/chi-so/"), ("dashboard", "", "/chi-so/?period=month"),
        ("dashboard", "", "/chi-so/tinh/01/"), ("dashboard", "", "/chi-so/tinh/79/"),
        ("dashboard", "", "/chi-so/xa/00070/"), ("dashboard", "", f"/chi-so/co-quan/{hoankiem}/"),
        ("dashboard", "", reverse("metrics:ministry", args=[ministry])),
        ("dashboard", "", reverse("metrics:ministry_sector", args=sector.split("|"))),
        ("dashboard", "", reverse("metrics:ministry_procedure", args=procedure.split("|"))),
        ("dashboard", "", reverse("metrics:ministry_procedure_province", args=province.split("|"))),
        ("dashboard", "", "/chi-so/tinh/79/?format=csv"),
        ("verification", "", "/xac-thuc/"),
    ]
    if open_one is not None:
        walk.append(("back office", "hoankiem.motcua", f"/backoffice/ho-so/{open_one.code}/"))
    if result is not None:
        walk.append(("verification", "", f"/xac-thuc/{result.id}"))
    return walk


def client_for(who: str):
    from django.test import Client

    from motcua.demo.seeding import DEMO_CITIZENS
    from motcua.demo.testing import log_in_citizen, log_in_official

    client = Client()
    if who == "an":
        return log_in_citizen(client, DEMO_CITIZENS[0])
    if who:
        return log_in_official(client, who)
    return client


def measure(repeat: int) -> None:
    from django.conf import settings

    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "track": 10**9, "verify": 10**9}  # one address asks them all
    logging.getLogger("motcua.security").setLevel(logging.WARNING)  # the walk's logins, not worth a line each
    walk = pages()
    clients = {who: client_for(who) for who in {w for _, w, _ in walk}}
    for _, who, path in walk:  # warm-up: templates compiled, caches filled, as on a server that has served once
        response = clients[who].get(path)
        assert response.status_code == 200, f"{path}: {response.status_code}"
    gc.freeze()  # as the server processes do after start-up (motcua.wsgi)
    print(f"\n{'page':<66} {'p50':>8} {'p95':>8} {'CPU p50':>8}")
    over = []
    for section, who, path in walk:
        walls, cpus = [], []
        for _ in range(repeat):
            wall, cpu = time.perf_counter(), time.process_time()
            clients[who].get(path)
            cpus.append(time.process_time() - cpu)
            walls.append(time.perf_counter() - wall)
        p50 = statistics.median(walls) * 1000
        p95 = statistics.quantiles(walls, n=20)[18] * 1000 if repeat >= 2 else p50
        cpu50 = statistics.median(cpus) * 1000
        label = f"{section}: {path}" + (f"  ({who})" if who else "")
        mark = "  > 50 ms" if p50 > TARGET_MS else ""
        print(f"{label[:66]:<66} {p50:6.1f}ms {p95:6.1f}ms {cpu50:6.1f}ms{mark}", flush=True)
        if p50 > TARGET_MS:
            over.append(label)
    print(f"\n{len(walk)} pages, {len(over)} over {TARGET_MS:.0f} ms at p50" + (": " + "; ".join(over) if over else ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=None, help="dossiers of the year (default: the demo's)")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--var", help="the var directory of a demo already started (its database is used)")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    throwaway = None
    if args.var:
        var = Path(args.var).resolve()
    else:
        var = throwaway = Path(tempfile.mkdtemp(prefix="motcua-demo-pages-"))
    os.environ.update({"DJANGO_SETTINGS_MODULE": "motcua.settings", "MOTCUA_VAR_DIR": str(var), "MOTCUA_DEMO": "1",
                       "MOTCUA_LOG_LEVEL": "ERROR", "MOTCUA_DATABASE_URL": f"sqlite:///{var / 'motcua.sqlite3'}"})
    os.environ.pop("MOTCUA_DATABASE_URL_TEST", None)
    try:
        if throwaway is not None:
            prepare(args.dossiers)
        import django

        django.setup()
        from django.conf import settings

        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        measure(args.repeat)
    finally:
        if throwaway is not None:
            shutil.rmtree(throwaway, ignore_errors=True)


if __name__ == "__main__":
    main()
