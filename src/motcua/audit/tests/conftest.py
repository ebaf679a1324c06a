import io
from dataclasses import dataclass

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from motcua.catalog.models import Procedure
from motcua.catalog.services import spec_of
from motcua.core.chained import triggers_off
from motcua.demo.seeding import DEMO_CITIZENS
from motcua.demo.testing import official_actor, sample_submission
from motcua.dossiers import services
from motcua.identity.actors import Role, citizen_actor
from motcua.payments.models import GatewayCallback
from motcua.registries.models import AccessLog

AN, BINH = DEMO_CITIZENS[0], DEMO_CITIZENS[1]


@dataclass(frozen=True)
class History:
    dossiers: tuple[str, ...]  # codes, each with a journal of 4 entries
    people: tuple[str, ...]  # ID numbers, each with 3 access-log entries


def make_history() -> History:
    """Two dossiers taken through three steps, three registry reads of two people, three gateway callbacks."""
    spec = spec_of(Procedure.objects.get(code="1.001193").current_version)
    codes = []
    for citizen in (AN, BINH):
        code = services.submit(sample_submission(spec, citizen), citizen_actor(citizen.id_number, citizen.name, 2))[0].code
        receiver = official_actor("H01.X00070.UB", Role.RECEIVER)
        services.act(code, "receive", receiver)
        services.act(code, "forward", receiver)
        services.act(code, "forward", official_actor("H01.X00070.UB", Role.SPECIALIST), reason="Hồ sơ đủ điều kiện")
        codes.append(code)
    for purpose in ("Điền sẵn biểu mẫu", "Kiểm tra lại", "Điền sẵn biểu mẫu"):
        for person in (AN, BINH):
            AccessLog.objects.create(person_id_number=person.id_number, registry="population", reader_kind="citizen",
                                     reader_id=person.id_number, reader_name=person.name, purpose=purpose,
                                     procedure_code="1.001193")
    for i, address in enumerate(("203.0.113.7", "2001:db8::7", None)):
        GatewayCallback.objects.create(channel="ipn", reference=f"HS{i}", signature_valid=i != 2,
                                       params={"vnp_Amount": str(200000 * i), "vnp_OrderInfo": "Thanh toán lệ phí",
                                               "ratio": 0.1 * i},
                                       answer_code="00", answer="Confirm Success", remote_addr=address)
    return History(tuple(codes), (AN.id_number, BINH.id_number))


@pytest.fixture
def history(seeded) -> History:
    return make_history()


def audit_verify() -> tuple[int, list[str]]:
    """``motcua audit verify``: its exit code and what it printed."""
    out = io.StringIO()
    try:
        call_command("audit", "verify", stdout=out)
    except CommandError as exc:
        return exc.returncode, out.getvalue().splitlines()
    return 0, out.getvalue().splitlines()


def tamper(table: str, sql: str, params=()) -> None:
    """What the table's owner can do: suspend the append-only triggers, change rows, restore the triggers."""
    with triggers_off(connection, table), connection.cursor() as cursor:
        cursor.execute(sql, params)
