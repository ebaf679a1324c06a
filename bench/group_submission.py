"""Interlinked group submission benchmark: what filing a birth group costs against filing the birth alone, and how
soon the waiting members are handed over once the birth is approved.

    python bench/group_submission.py [--submissions 200] [--handovers 50]

Creates a throwaway PostgreSQL database, seeds the catalog, agencies and the demo registries, and then, in one
run, alternating one of each so that both see the same state of the machine:
  1. group submission: a birth-group application (``dossiers.groups.submit_group``, LT.KHAISINH, three members:
     the birth registration filed at once at the commune, residence and the health-insurance card waiting for
     its result), each for another child under its own idempotency key;
  2. single submission: the birth registration alone (``dossiers.services.submit``), the same form the group
     files for its birth member;
then the hand-over: group birth members and single births are brought to the deciding step, and the leader's
approval (``act … complete``: journal, numbering, the result rendered, signed and stored, the registries'
effects) is timed for both, alternating; in a group the same transaction files the two waiting members with
the child's new ID number, so the time from the approval to both members being filed is that approval's, and
the difference from a single birth's approval is the hand-over's own cost. The outbox is left to workers
(``MOTCUA_OUTBOX_INLINE=0``), as a deployment runs. It prints figures; it asserts nothing beyond the members
being filed.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import os
import statistics
import time

from throwaway import throwaway_database

MIDDLE = ("Minh", "Gia", "Bảo", "Đức", "An", "Thanh", "Ngọc", "Hoàng", "Quốc", "Phương")
GIVEN = ("Khang", "Huy", "Ngọc", "Anh", "Nhiên", "Long", "Vy", "Linh", "Nam", "Châu", "Hà", "Sơn", "Trang", "Tú",
         "Lâm", "Hải", "Mai", "Phúc", "Tâm", "Yến")


def children():
    """Distinct children's names (2,000 of them)."""
    for first, second, given in itertools.product(MIDDLE, MIDDLE, GIVEN):
        yield f"Nguyễn {first} {second} {given}"


def summary(label: str, samples: list[float]) -> float:
    q = statistics.quantiles(samples, n=100)
    mean = statistics.fmean(samples)
    print(f"{label:<52} n={len(samples):<5} p50 {q[49] * 1000:7.1f} ms   p95 {q[94] * 1000:7.1f} ms   "
          f"mean {mean * 1000:7.1f} ms", flush=True)
    return mean


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--submissions", type=int, default=200, help="of each kind")
    parser.add_argument("--handovers", type=int, default=50, help="approvals of each kind")
    args = parser.parse_args()
    if 2 * (args.submissions + args.handovers) + 10 > 2000:
        parser.error("at most 2,000 distinct children: lower --submissions or --handovers")

    with throwaway_database("groups", MOTCUA_OUTBOX_INLINE="0"):
        from motcua.catalog.services import published_spec
        from motcua.demo.seeding import BIRTH_FORM, DEMO_CITIZENS
        from motcua.demo.testing import SAMPLE_COMMUNE, SAMPLE_PROVINCE, official_actor
        from motcua.dossiers import groups, services
        from motcua.dossiers.lifecycle import Status
        from motcua.dossiers.models import DossierGroup, GroupMember
        from motcua.identity.actors import citizen_actor

        an = DEMO_CITIZENS[0]
        actor = citizen_actor(an.id_number, an.name, 2)
        group_form = {**BIRTH_FORM, "father_id_number": an.id_number, "residence_address": "12 Hàng Bạc",
                      "residence_commune": SAMPLE_COMMUNE, "dwelling_basis": "family", "card_format": "electronic"}
        birth_spec = published_spec("1.001193")
        names = children()

        def file_group(key: str) -> DossierGroup:
            app = groups.GroupApplication("LT.KHAISINH", [], an.id_number, an.name, applicant_phone=an.phone,
                                          commune_code=SAMPLE_COMMUNE, province_code=SAMPLE_PROVINCE,
                                          form={**group_form, "child_full_name": next(names)}, idempotency_key=key)
            group, created = groups.submit_group(app, actor)
            assert created
            return group

        def file_single(key: str) -> services.Dossier:
            form = groups.group_spec("LT.KHAISINH").member_form(
                "1.001193", {**group_form, "child_full_name": next(names)}, {}, birth_spec)
            dossier, created = services.submit(services.Submission(
                procedure_code="1.001193", channel="online", applicant_id_number=an.id_number,
                applicant_name=an.name, applicant_phone=an.phone, commune_code=SAMPLE_COMMUNE,
                province_code=SAMPLE_PROVINCE, form=form, idempotency_key=key), actor)
            assert created
            return dossier

        print(f"motcua group submission benchmark — {os.cpu_count()} CPUs, PostgreSQL, birth group LT.KHAISINH "
              f"(3 members, 1 filed at once) against the birth registration alone")
        for i in range(5):  # warm up: caches, prepared routes, the first daily sequence rows
            file_group(f"warm-group-{i}")
            file_single(f"warm-single-{i}")
        gc.collect()
        gc.freeze()

        group_samples, single_samples = [], []
        for i in range(args.submissions):
            t = time.perf_counter()
            file_group(f"group-{i}")
            group_samples.append(time.perf_counter() - t)
            t = time.perf_counter()
            file_single(f"single-{i}")
            single_samples.append(time.perf_counter() - t)
        group_mean = summary("group application (submit_group)", group_samples)
        single_mean = summary("birth registration alone (services.submit)", single_samples)
        print(f"{'ratio group / single':<52} mean {group_mean / single_mean:.2f}×   "
              f"p50 {statistics.median(group_samples) / statistics.median(single_samples):.2f}×", flush=True)

        # --- hand-over: the birth member's approval files the two waiting members ---------------------------
        def to_deciding_step(code: str) -> None:
            spec = services.spec_of(services.get_dossier(code).procedure_version)
            while True:
                state = services.state_of(services.get_dossier(code))
                if state.status == Status.NEW:
                    kind, role = "receive", spec.workflow.steps[0].role
                elif state.step == spec.workflow.deciding_step:
                    return
                else:
                    kind, role = "forward", spec.workflow.steps[state.step].role
                services.act(code, kind, official_actor(state.agency_code, role))

        def approve(code: str) -> float:
            state = services.state_of(services.get_dossier(code))
            leader = official_actor(state.agency_code, services.spec_of(
                services.get_dossier(code).procedure_version).workflow.steps[state.step].role)
            t = time.perf_counter()
            services.act(code, "complete", leader, data={"outcome": "approved"})
            return time.perf_counter() - t

        pending = []
        for i in range(args.handovers):
            group = file_group(f"handover-group-{i}")
            birth = GroupMember.objects.get(group=group, after="").dossier
            single = file_single(f"handover-single-{i}")
            to_deciding_step(birth.code)
            to_deciding_step(single.code)
            pending.append((group, birth.code, single.code))
        approve(pending[0][1])
        approve(pending[0][2])  # warm: the signers' keys and the result templates
        handover_samples, approval_samples = [], []
        for group, birth_code, single_code in pending[1:]:
            handover_samples.append(approve(birth_code))
            states = sorted(group.members.exclude(after="").values_list("state", flat=True))
            assert states == ["started", "started"], states
            approval_samples.append(approve(single_code))
        handover_mean = summary("approve group birth → both waiting members filed", handover_samples)
        approval_mean = summary("approve a single birth (no members waiting)", approval_samples)
        print(f"{'hand-over own cost (difference of means)':<52} {(handover_mean - approval_mean) * 1000:.1f} ms "
              f"for 2 members", flush=True)


if __name__ == "__main__":
    main()
