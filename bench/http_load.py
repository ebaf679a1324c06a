"""HTTP benchmark: online submissions and public status reads against a PostgreSQL-backed server.

    python bench/http_load.py [--seconds 20] [--clients 32] [--workers 4] [--communes 50]

Creates a throwaway PostgreSQL database, migrates and seeds it, starts gunicorn, drives it with
`wrk` (a C load generator, so the client takes little CPU from the server; a Python client is the
fallback), prints throughput and latency percentiles, checks that every 2xx created exactly one
dossier, and drops the database. It prints figures; it asserts nothing about speed.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from http.client import HTTPConnection
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
PG = os.environ.get("MOTCUA_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
CSRF = "b" * 32  # any 32-character secret: the cookie and the header must match

BIRTH_FORM = {
    "child_full_name": "Nguyễn Minh Khang", "child_birth_date": "2026-11-18", "child_sex": "M",
    "birth_place": "Bệnh viện Phụ sản Hà Nội", "mother_id_number": "001185004321", "relationship": "Cha",
}

WRK_SUBMIT = r"""
-- Each request: a different citizen session, a unique idempotency key.
local citizens = {CITIZENS}
local form = [[{FORM}]]
local n = 0
local thread_id = 0
function setup(thread) thread_id = thread_id + 1; thread:set("tid", thread_id) end
function request()
  n = n + 1
  local c = citizens[(n * 7 + tid * 13) % #citizens + 1]
  local body = '{"procedure_code":"1.001193","channel":"online","applicant":{"id_number":"' .. c[2] ..
    '","name":"Người nộp"},"commune_code":"' .. c[3] .. '","form":' .. form .. ',"evidence":["to_khai"]}'
  local headers = {
    ["Content-Type"] = "application/json",
    ["Cookie"] = "sessionid=" .. c[1] .. "; csrftoken={CSRF}",
    ["X-CSRFToken"] = "{CSRF}",
    ["Idempotency-Key"] = "{RUN}-" .. tid .. "-" .. n,
  }
  return wrk.format("POST", "/api/dossiers", headers, body)
end
{DONE}
"""

WRK_STATUS = r"""
local codes = {CODES}
local n = 0
function request()
  n = n + 1
  return wrk.format("GET", "/api/dossiers/" .. codes[n % #codes + 1] .. "/status")
end
{DONE}
"""

WRK_DONE = r"""
function done(summary, latency, requests)
  io.write(string.format("RESULT %d %d %d %d %d %d %d %d\n", summary.requests, summary.duration,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, summary.errors.status))
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def motcua(*args: str, env: dict) -> None:
    subprocess.run([sys.executable, "-m", "motcua.cli", *args], env=env, check=True, cwd=ROOT,
                   stdout=subprocess.DEVNULL)


def make_sessions(env: dict, count: int, communes: list[str]) -> list[tuple[str, str, str]]:
    """Citizen sessions created server-side, as a login would: (session key, ID number, commune)."""
    script = f"""
import json, django
django.setup()
from django.contrib.sessions.backends.db import SessionStore
out = []
communes = {communes!r}
for i in range({count}):
    id_number = "0010{{:02d}}{{:06d}}".format(90 - i % 50, i)
    s = SessionStore()
    s["citizen"] = {{"id_number": id_number, "name": "Người nộp", "eid_level": 2}}
    s.create()
    out.append((s.session_key, id_number, communes[i % len(communes)]))
print(json.dumps(out))
"""
    result = subprocess.run([sys.executable, "-c", script], env={**env, "DJANGO_SETTINGS_MODULE": "motcua.settings"},
                            check=True, capture_output=True, text=True, cwd=ROOT)
    return json.loads(result.stdout.strip().splitlines()[-1])


def pick_communes(count: int) -> list[str]:
    from vietnam_provinces import Ward

    codes = sorted(f"{w.code.value:05d}" for w in Ward.iter_all())
    return random.Random(7).sample(codes, count) if count > 1 else ["00070"]


@contextlib.contextmanager
def server(env: dict, workers: int, threads: int):
    port = free_port()
    cmd = [shutil.which("gunicorn") or "gunicorn", "motcua.wsgi:application", "--bind", f"127.0.0.1:{port}",
           "--workers", str(workers), "--worker-class", "gthread" if threads > 1 else "sync",
           "--threads", str(threads), "--backlog", "2048", "--log-level", "warning"]
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT)
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("the server did not start")
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=20)


def run_wrk(url: str, script: str, seconds: int, clients: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
    try:
        out = subprocess.run(["wrk", "-t2", f"-c{clients}", f"-d{seconds}s", "-s", f.name, url],
                             capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(f.name)
    m = re.search(r"RESULT (\d+) (\d+) (\d+) (\d+) (\d+) (\d+) (\d+) (\d+)", out)
    requests, duration_us, errors, p50, p90, p99, pmax, status_errors = map(int, m.groups())
    return {"requests": requests, "seconds": duration_us / 1e6, "errors": errors, "non_2xx": status_errors,
            "rate": requests / (duration_us / 1e6), "p50_ms": p50 / 1000, "p90_ms": p90 / 1000,
            "p99_ms": p99 / 1000, "max_ms": pmax / 1000}


def run_python(url: str, make_request, seconds: int, clients: int) -> dict:
    """Fallback load generator: keep-alive connections in threads (it competes for the CPU)."""
    host, port = url.removeprefix("http://").split(":")
    latencies: list[float] = []
    errors = [0]
    deadline = time.perf_counter() + seconds
    lock = threading.Lock()

    def client(cid: int):
        conn = HTTPConnection(host, int(port))
        n = 0
        mine = []
        while time.perf_counter() < deadline:
            n += 1
            method, path, headers, body = make_request(cid, n)
            t = time.perf_counter()
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            mine.append(time.perf_counter() - t)
            if response.status >= 300:
                with lock:
                    errors[0] += 1
        with lock:
            latencies.extend(mine)

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    q = statistics.quantiles(latencies, n=100)
    return {"requests": len(latencies), "seconds": elapsed, "errors": errors[0], "non_2xx": errors[0],
            "rate": len(latencies) / elapsed, "p50_ms": q[49] * 1000, "p90_ms": q[89] * 1000,
            "p99_ms": q[98] * 1000, "max_ms": max(latencies) * 1000}


def lua_list(rows) -> str:
    return "{" + ",".join("{" + ",".join(json.dumps(v) for v in row) + "}" if isinstance(row, (list, tuple))
                          else json.dumps(row) for row in rows) + "}"


def report(title: str, r: dict) -> None:
    print(f"{title:<34} {r['rate']:>8.0f} req/s   p50 {r['p50_ms']:6.1f} ms   p90 {r['p90_ms']:6.1f} ms   "
          f"p99 {r['p99_ms']:6.1f} ms   max {r['max_ms']:6.0f} ms   errors {r['errors']}  ({r['requests']} requests)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=1, help="threads per worker (gthread when > 1)")
    parser.add_argument("--communes", type=int, default=50, help="spread submissions over this many communes")
    args = parser.parse_args()

    use_wrk = shutil.which("wrk") is not None
    db = f"motcua_bench_{os.getpid()}"
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{db}"')
    env = {**os.environ, "MOTCUA_DATABASE_URL": f"{PG}/{db}", "MOTCUA_CONN_MAX_AGE": "600",
           "MOTCUA_LOG_LEVEL": "ERROR", "MOTCUA_DEBUG": "0",
           "MOTCUA_DEMO": "1",  # demo data: the published secrets and the sandbox payment gateway are allowed
           "MOTCUA_OUTBOX_INLINE": "0",  # roll-ups are a worker's job in a deployment of this size
           "PYTHONPATH": str(ROOT / "src")}
    try:
        print(f"motcua HTTP benchmark — {os.cpu_count()} CPUs, gunicorn {args.workers} workers × "
              f"{args.threads} threads, {args.clients} concurrent clients, {args.seconds} s per run, "
              f"load generator: {'wrk' if use_wrk else 'Python threads (install wrk for lower client overhead)'}")
        motcua("migrate", env=env)
        motcua("seed", "--no-dossiers", env=env)
        communes = pick_communes(args.communes)
        sessions = make_sessions(env, 2000, communes)
        single = [(key, id_number, "00070") for key, id_number, _ in sessions]
        with server(env, args.workers, args.threads) as url:
            warm_rows = [(key, id_number, commune) for key, id_number, commune in sessions]
            warm = (WRK_SUBMIT.replace("{CITIZENS}", lua_list(warm_rows)).replace("{CSRF}", CSRF)
                    .replace("{RUN}", "warmup").replace("{FORM}", json.dumps(BIRTH_FORM, ensure_ascii=False))
                    .replace("{DONE}", WRK_DONE))
            if use_wrk:  # every worker imports, connects and fills its caches before measuring
                run_wrk(url, warm, 3, args.clients)
            results = {}
            for label, rows in ((f"submit, {len(communes)} communes", sessions), ("submit, one commune", single)):
                if use_wrk:
                    script = (WRK_SUBMIT.replace("{CITIZENS}", lua_list(rows)).replace("{CSRF}", CSRF)
                              .replace("{RUN}", f"run{len(results)}")
                              .replace("{FORM}", json.dumps(BIRTH_FORM, ensure_ascii=False)).replace("{DONE}", WRK_DONE))
                    results[label] = run_wrk(url, script, args.seconds, args.clients)
                else:
                    def submit_request(cid, n, rows=rows, label=label):
                        key, id_number, commune = rows[(cid * 131 + n) % len(rows)]
                        body = json.dumps({"procedure_code": "1.001193", "channel": "online",
                                           "applicant": {"id_number": id_number, "name": "Người nộp"},
                                           "commune_code": commune, "form": BIRTH_FORM, "evidence": ["to_khai"]})
                        return "POST", "/api/dossiers", {
                            "Content-Type": "application/json", "X-CSRFToken": CSRF,
                            "Cookie": f"sessionid={key}; csrftoken={CSRF}",
                            "Idempotency-Key": f"bench-{label}-{cid}-{n}"}, body.encode()
                    results[label] = run_python(url, submit_request, args.seconds, args.clients)
                report(label, results[label])
            with psycopg.connect(f"{PG}/{db}") as conn:
                time.sleep(1)  # let requests in flight when the load generator stopped finish
                created, journal = conn.execute(
                    "select count(distinct d.id), count(a.id) from dossiers_dossier d "
                    "left join dossiers_dossieraction a on a.dossier_id = d.id "
                    "where d.idempotency_key not like 'warmup-%'").fetchone()
                codes = [r[0] for r in conn.execute("select code from dossiers_dossier order by random() limit 5000")]
            ok = sum(r["requests"] - r["non_2xx"] for r in results.values())
            # Requests still in flight when the load generator stops complete on the server uncounted.
            consistent = created == journal and 0 <= created - ok <= 2 * args.clients
            print(f"{'check':<34} {created} dossiers, {journal} journal rows, {ok} successful submissions "
                  f"counted by the client ({'consistent' if consistent else 'MISMATCH'})")
            if use_wrk:
                script = WRK_STATUS.replace("{CODES}", lua_list(codes)).replace("{DONE}", WRK_DONE)
                status = run_wrk(url, script, args.seconds, args.clients)
            else:
                status = run_python(url, lambda cid, n: ("GET", f"/api/dossiers/{codes[(cid * 97 + n) % len(codes)]}/status",
                                                         {}, None), args.seconds, args.clients)
            report("public status lookup", status)
        print("targets (2 cores): >= 500 submissions/s with p99 < 50 ms; >= 2,000 status reads/s")
    finally:
        with psycopg.connect(f"{PG}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')


if __name__ == "__main__":
    main()
