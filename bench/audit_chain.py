"""Audit chain benchmark: what the hash chain costs per append, and how fast ``motcua audit verify`` walks.

    python bench/audit_chain.py [--dossiers 100] [--appends 2000] [--rounds 3] [--reads 200000] [--people 20000]

Creates a throwaway PostgreSQL database, seeds the catalog and submits --dossiers dossiers. Then, in one run and
alternating in --rounds rounds so both see the same machine:
  1. journal appends as ``dossiers.services.act`` writes them (one transaction, the dossier row locked first),
     chained (``DossierAction.objects.create``: the stream's advisory lock, its head read, the digest) and
     unchained (the same row inserted by plain ``Model.save``, as before the chain; removed afterwards);
  2. access-log appends in autocommit, as a registry read writes them, chained and unchained;
then bulk-appends --reads access-log entries over --people people, seals, and times ``audit verify`` over every
entry. It prints figures; it asserts nothing.
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import time

from throwaway import throwaway_database


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dossiers", type=int, default=100)
    parser.add_argument("--appends", type=int, default=2000, help="appends per variant and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--reads", type=int, default=200_000)
    parser.add_argument("--people", type=int, default=20_000)
    args = parser.parse_args()

    with throwaway_database("audit", MOTCUA_OUTBOX_INLINE="0"):
        run(args)


def run(args) -> None:
    from django.db import connection, models, transaction
    from django.utils import timezone

    from motcua.audit import services as audit
    from motcua.catalog.models import Procedure
    from motcua.catalog.services import spec_of
    from motcua.core.chained import triggers_off
    from motcua.demo.testing import sample_submission
    from motcua.dossiers import services
    from motcua.dossiers.models import Dossier, DossierAction
    from motcua.identity.actors import citizen_actor
    from motcua.registries.models import AccessLog

    print(f"motcua audit chain benchmark — {os.cpu_count()} CPUs, PostgreSQL, {args.dossiers} dossiers, "
          f"{args.appends:,} appends per variant × {args.rounds} rounds")
    spec = spec_of(Procedure.objects.get(code="1.001193").current_version)
    citizen = citizen_actor("001090012345", "Nguyễn Văn An", 2)
    ids = [services.submit(sample_submission(spec), citizen)[0].id for _ in range(2 * args.dossiers)]
    chained_dossiers, plain_dossiers = ids[::2], ids[1::2]
    plain_seq = dict.fromkeys(plain_dossiers, 1)  # each has its submission entry

    def journal_append(dossier_id: int, chained: bool) -> None:
        with transaction.atomic():  # as act: the dossier row locked, then the entry appended
            Dossier.objects.select_for_update().filter(pk=dossier_id).values_list("pk").get()
            entry = DossierAction(dossier_id=dossier_id, kind="forward", at=timezone.now(), actor_kind="official",
                                  actor_id="bench.chuyenvien", actor_name="Cán bộ", actor_agency="H01.X00070.UB",
                                  actor_role="specialist", reason="", data={"to_step": 2})
            if chained:
                entry.save()
            else:
                plain_seq[dossier_id] += 1
                entry.seq, entry.prev_digest, entry.digest = plain_seq[dossier_id], "", ""
                models.Model.save(entry, force_insert=True)

    people = [f"0010{n:08d}" for n in range(1000)]
    plain_reads = itertools.count(1)

    def read_logged(chained: bool) -> None:
        entry = AccessLog(person_id_number=random.choice(people), registry="population", reader_kind="citizen",
                          reader_id="bench", purpose="Điền sẵn biểu mẫu")
        if chained:
            entry.save()
        else:
            entry.person_id_number, entry.seq, entry.prev_digest, entry.digest = "999999999999", next(plain_reads), "", ""
            models.Model.save(entry, force_insert=True)

    cases = {
        "journal append (act's transaction)": lambda chained, i: journal_append(
            (chained_dossiers if chained else plain_dossiers)[i % args.dossiers], chained),
        "access-log append (autocommit)": lambda chained, i: read_logged(chained),
    }
    for label, append in cases.items():
        spent = {True: 0.0, False: 0.0}
        for _ in range(args.rounds):
            for chained in (True, False):
                started = time.perf_counter()
                for i in range(args.appends):
                    append(chained, i)
                spent[chained] += time.perf_counter() - started
        n = args.appends * args.rounds
        print(f"{label:<38} chained {n / spent[True]:>7,.0f} /s   unchained {n / spent[False]:>7,.0f} /s   "
              f"chain cost {(spent[True] - spent[False]) / n * 1e6:>5,.0f} µs per append")

    for table, where in (("dossiers_dossieraction", "digest = ''"), ("registries_accesslog", "digest = ''")):
        with transaction.atomic(), triggers_off(connection, table), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE {where}")  # the unchained rows, as the owner

    started = time.perf_counter()
    batch = 5000
    for start in range(0, args.reads, batch):
        AccessLog.objects.bulk_create([
            AccessLog(person_id_number=f"0790{random.randrange(args.people):08d}", registry="residence",
                      reader_kind="system", reader_id="bench", purpose="Kiểm tra lại")
            for _ in range(min(batch, args.reads - start))])
    elapsed = time.perf_counter() - started
    print(f"{'access-log bulk append':<38} {args.reads / elapsed:>7,.0f} /s")

    started = time.perf_counter()
    seal = audit.seal()
    print(f"{'seal':<38} {time.perf_counter() - started:>7,.2f} s   ({seal.manifest.count(':[') :,} heads signed)")
    started = time.perf_counter()
    report = audit.verify()
    elapsed = time.perf_counter() - started
    assert not report.problems, report.problems[:5]
    print(f"{'verify':<38} {report.entries / elapsed:>7,.0f} entries/s   ({report.entries:,} entries, "
          f"{report.streams:,} streams, {elapsed:,.1f} s)")


if __name__ == "__main__":
    main()
