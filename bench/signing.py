"""Signed results benchmark: generation + PAdES signing per second, and verifications per second.

    python bench/signing.py [--documents 200] [--processes 2]

Creates a throwaway PostgreSQL database, seeds the catalog and officials, and prepares birth-registration
dossiers at the deciding step. Then it times, in one run:
  1. render + sign: the result PDF drawn from a dossier's data and signed twice (the leader's certificate,
     then the agency seal), no database write; once with a timestamp on each signature from the bundled
     time-stamping authority (PAdES B-T, over HTTP to this site served on a thread) and once without (B-B),
     so the cost of a timestamp per signature shows;
  2. approval end to end: the leader's "complete" action, which appends to the journal, numbers, renders,
     signs and stores the result and puts it in the wallet, in one transaction;
  3. verification: every signature checked (integrity, chain to the trust root, revocation list);
  4. the public verification page (GET /xac-thuc/<id>) through Django, as a QR scan does;
and then (1) and (3) again in --processes worker processes, for the machine's throughput. It prints
figures; it asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack

from throwaway import throwaway_database

from motcua.identity.actors import citizen_actor


def line(label: str, count: int, seconds: float, samples: list[float] | None = None) -> None:
    text = f"{label:<44} {count / seconds:>8,.1f} /s"
    if samples and len(samples) >= 2:
        q = statistics.quantiles(samples, n=100)
        text += f"   p50 {q[49] * 1000:6.1f} ms   p99 {q[98] * 1000:6.1f} ms"
    print(text, flush=True)


def _setup_django() -> None:
    import django

    django.setup()


def _render_and_sign(args: tuple[list[str], int]) -> int:
    codes, repeat = args
    _setup_django()
    import uuid

    from django.utils import timezone

    from motcua.documents import issuing
    from motcua.documents.legal_forms import SignerTitle, office_of
    from motcua.documents.results import _short_title, render_result
    from motcua.documents.signers import SignerIdentity
    from motcua.documents.signing import Signature, sign_pdf
    from motcua.dossiers import services
    from motcua.identity.actors import Actor, Role

    done = 0
    for _ in range(repeat):
        for code in codes:
            dossier = services.get_dossier(code)
            actor = Actor("official", "hoankiem.lanhdao", "Phạm Quốc Hùng", dossier.agency.code, Role.LEADER)
            draft = issuing.Draft(uuid.uuid4(), "000001/2026/KQ", timezone.now(), "https://example.vn/xac-thuc/x")
            pdf = render_result(dossier, draft, (_short_title("Giấy khai sinh"), "Birth certificate"),
                                "Phạm Quốc Hùng", SignerTitle(office_of(dossier.agency.agency_type), False),
                                REGISTERED)
            sign_pdf(pdf, [Signature(SignerIdentity("official", actor.id, actor.name), "A", "Phê duyệt"),
                           Signature(SignerIdentity("agency", dossier.agency.code, dossier.agency.name_vi), "B",
                                     "Đóng dấu")])
            done += 1
    return done


# What the registries would allot the child (the benchmark does not write the registries while rendering).
REGISTERED = {"child_id_number": "001226000001", "register_number": "1/2026/KS.H01.X00070.UB",
              "register_book": "01/2026", "mother_name": "Trần Thị Bình", "father_name": ""}


def _verify(args: tuple[list[bytes], int]) -> int:
    datas, repeat = args
    _setup_django()
    from motcua.documents.signing import verify_pdf

    done = 0
    for _ in range(repeat):
        for data in datas:
            assert verify_pdf(data).valid
            done += 1
    return done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, default=200)
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()

    with throwaway_database("signing"):
        from django.test import Client

        from motcua.catalog.models import Procedure
        from motcua.catalog.services import spec_of
        from motcua.demo.testing import official_actor, sample_submission
        from motcua.documents.models import IssuedDocument
        from motcua.dossiers import services
        from motcua.identity.actors import Role

        print(f"motcua signing benchmark — {os.cpu_count()} CPUs, PostgreSQL, RSA-2048, "
              f"{args.documents} documents, 2 signatures each")
        spec = spec_of(Procedure.objects.get(code="1.001193").current_version)
        citizen = citizen_actor("001090012345", "Nguyễn Văn An", 2)
        receiver = official_actor("H01.X00070.UB", Role.RECEIVER)
        specialist = official_actor("H01.X00070.UB", Role.SPECIALIST)
        leader = official_actor("H01.X00070.UB", Role.LEADER)
        codes = []
        for i in range(args.documents):
            submission = sample_submission(spec)
            submission.form["child_full_name"] = f"Nguyễn Văn Thử {i}"  # one birth is registered once
            code = services.submit(submission, citizen)[0].code
            for actor, kind in ((receiver, "receive"), (receiver, "forward"), (specialist, "forward")):
                services.act(code, kind, actor)
            codes.append(code)

        from django.conf import settings

        from motcua.demo.local_site import bundled_timestamps

        timestamps = ExitStack()
        timestamps.enter_context(bundled_timestamps())  # the bundled time-stamping authority, served on a thread
        _render_and_sign((codes[:2], 1))  # certificates issued and keys loaded once, as in a warm server
        medians = {}
        for authority, label in (("none", "without timestamps, B-B"), ("bundled", "with timestamps, B-T")):
            settings.SIGNING = {**settings.SIGNING, "TSA": authority}
            _render_and_sign((codes[:1], 1))
            samples = []
            started = time.perf_counter()
            for code in codes:
                t = time.perf_counter()
                _render_and_sign(([code], 1))
                samples.append(time.perf_counter() - t)
            line(f"render + sign, {label} (1 process)", len(codes), time.perf_counter() - started, samples)
            medians[authority] = statistics.median(samples)
        print(f"{'cost of a timestamp per signature (median)':<44} "
              f"{(medians['bundled'] - medians['none']) / 2 * 1000:>8.1f} ms", flush=True)

        samples = []
        started = time.perf_counter()
        for code in codes:
            t = time.perf_counter()
            services.act(code, "complete", leader, data={"outcome": "approved"})
            samples.append(time.perf_counter() - t)
        line("approval end to end, stored (1 process)", len(codes), time.perf_counter() - started, samples)

        documents = list(IssuedDocument.objects.filter(kind="result"))
        datas = [d.file.read() for d in documents]
        samples = []
        started = time.perf_counter()
        for data in datas:
            t = time.perf_counter()
            _verify(([data], 1))
            samples.append(time.perf_counter() - t)
        line("verification (1 process)", len(datas), time.perf_counter() - started, samples)

        client = Client()
        samples = []
        started = time.perf_counter()
        for document in documents:
            t = time.perf_counter()
            assert client.get(f"/xac-thuc/{document.id}").status_code == 200
            samples.append(time.perf_counter() - t)
        line("verification page, GET /xac-thuc/<id>", len(documents), time.perf_counter() - started, samples)

        timestamps.close()
        settings.SIGNING = {**settings.SIGNING, "TSA": "none"}  # the workers have no site to ask
        from django.db import connections

        connections.close_all()
        n = args.processes
        with ProcessPoolExecutor(n) as pool:
            list(pool.map(_render_and_sign, [(codes[:1], 1)] * n))  # warm each worker
            started = time.perf_counter()
            done = sum(pool.map(_render_and_sign, [(codes[i::n], 1) for i in range(n)]))
            line(f"render + sign, B-B ({n} processes)", done, time.perf_counter() - started)
            started = time.perf_counter()
            done = sum(pool.map(_verify, [(datas[i::n], 1) for i in range(n)]))
            line(f"verification ({n} processes)", done, time.perf_counter() - started)


if __name__ == "__main__":
    main()
