"""Two live servers, each its own process, database and development CA (so different keys and different CAs):
the population registry's keeper (BCA.dancu) and a province's one-stop portal (HN.motcua) whose
REGISTRY_SOURCES point at the keeper. This test process is the configuration authority: it registers both
systems' certificates, services and rights, signs the configuration file, and each server loads it. A pre-fill
then travels the exchange, equals the keeper's local one, and the person's "who read my data" at the keeper
names the province's system; every refusal comes back precise and signed across the two; a revoked certificate
is refused once the new configuration is loaded, and a configuration signed by anyone else is not loaded."""

import json
import shutil
import subprocess
import sys

import pytest

from motcua.demo import exchange
from motcua.demo.exchange import KEEPER, LEGAL_BASIS, PORTAL, motcua
from motcua.demo.seeding import DEMO_CITIZENS
from motcua.exchange import directory, keys, members

pytestmark = pytest.mark.own_servers

AN = DEMO_CITIZENS[0]
BASIS = LEGAL_BASIS

PREFILL = """
import json
from motcua.catalog.models import Procedure
from motcua.catalog.services import spec_of
from motcua.identity.actors import citizen_actor
from motcua.registries.access import Purpose
from motcua.registries.prefill import prefill
spec = spec_of(Procedure.objects.select_related("current_version").get(code="1.001193").current_version)
filled = prefill(spec, "{id}", citizen_actor("{id}"), Purpose("Điền sẵn biểu mẫu", spec.code)).as_dict()
print(json.dumps({{name: value["value"] for name, value in filled["values"].items()}}, sort_keys=True))
"""
READS = """
import json
from motcua.registries.access import access_log_for
print(json.dumps([[r.reader_kind, r.reader_id, r.reader_agency, r.procedure_code, r.registry]
                  for r in access_log_for("{id}")]))
"""
REFUSALS = """
import json, time, requests
from motcua.exchange import keys, services
key = keys.local_key("{portal}")

def send(service="population.person", consumer="{portal}", purpose="prefill", basis="{basis}", created=None,
         unsigned=False, tamper=False, twice=False):
    url = "{keeper}/exchange/v1/{provider}/" + service
    body = services._dump({{"id_number": "{id}"}})
    headers, _ = services.signed_request(key, consumer, url, body, services.Purpose(purpose, basis, "procedure:1.001193"),
                                         created=created)
    if unsigned:
        headers = {{"Content-Type": "application/json"}}
    if tamper:
        body = body.replace(b"{id}", b"001090000002")
    answer = requests.post(url, data=body, headers=headers, timeout=60)
    if twice:
        answer = requests.post(url, data=body, headers=headers, timeout=60)
    return [answer.status_code, answer.headers.get("Motcua-Outcome"), answer.headers.get("Signature", "")[:7]]

print(json.dumps({{
    "unsigned": send(unsigned=True), "unknown_member": send(consumer="XX.nobody"), "bad_signature": send(tamper=True),
    "expired": send(created=int(time.time()) - 3600), "replayed": send(twice=True),
    "no_right": send(service="dossiers.status"), "purpose_not_allowed": send(purpose="marketing"),
    "legal_basis_mismatch": send(basis="13/2023/ND-CP"), "unknown_service": send(service="land.parcel"),
}}))
"""
CALL_BACK = """
import json
from motcua.exchange import services
from motcua.exchange.protocol import Refused
answer = services.call("{portal}", "exchange.allowed", {{}}, services.Purpose("metadata", "{basis}"))
try:
    services.call("{portal}", "population.person", {{"id_number": "{id}"}}, services.Purpose("prefill", "{basis}"))
    refused = None
except Refused as exc:
    refused = exc.reason
print(json.dumps({{"allowed": answer, "refused": refused}}))
"""


def database_file(env) -> str:
    return env["MOTCUA_DATABASE_URL"].removeprefix("sqlite:///")


def shell(env, code: str):
    """Run code in a server's environment (its own database and keys) and read the JSON it prints last."""
    return json.loads(motcua(env, "shell", "-c", code).strip().splitlines()[-1])


@pytest.fixture
def servers(server_env, start_server, tmp_path, db, settings):
    refresh = {"MOTCUA_EXCHANGE_DIRECTORY_REFRESH_SECONDS": "0"}
    keeper = exchange.party_environment(tmp_path / "keeper", KEEPER, server_env, **refresh)
    portal = exchange.party_environment(tmp_path / "portal", PORTAL, server_env, **refresh, **exchange.portal_settings())
    # Both start from one database, migrated (as the servers' fixture left it) and seeded once: two seeds would
    # double the test's longest step and give the same rows.
    seeded = exchange.party_environment(tmp_path / "seeded", KEEPER, server_env)
    shutil.copy(database_file(server_env), database_file(seeded))
    motcua(seeded, "seed", "--no-dossiers")
    for env in (keeper, portal):
        shutil.copy(database_file(seeded), database_file(env))
    identities = {KEEPER: motcua(keeper, "exchange", "identity"), PORTAL: motcua(portal, "exchange", "identity")}
    ports = {name: start_server([sys.executable, "-m", "gunicorn", "motcua.wsgi", "--workers", "2",
                                 "--bind", "127.0.0.1:{port}"], **env)
             for name, env in ((KEEPER, keeper), (PORTAL, portal))}

    # The configuration authority: this process, with its own key and CA.
    settings.EXCHANGE = {**settings.EXCHANGE, "SYSTEM": exchange.AUTHORITY}
    keys.forget()
    exchange.register(identities, {name: f"http://127.0.0.1:{port}" for name, port in ports.items()})
    members.add_service(KEEPER, "dossiers.status", "Tình trạng hồ sơ")  # published, but no right for the portal

    def publish():
        exchange.publish(tmp_path, [keeper, portal])

    publish()
    yield keeper, portal, publish, f"http://127.0.0.1:{ports[KEEPER]}"
    keys.forget()


def test_a_prefill_travels_the_exchange_between_live_servers(servers, tmp_path):
    """One setup for all (each server takes a minute to migrate and seed)."""
    keeper, portal, publish, keeper_url = servers
    remote = shell(portal, PREFILL.format(id=AN.id_number))
    local = shell(keeper, PREFILL.format(id=AN.id_number))
    assert remote == local and remote  # the same values, fetched through the exchange
    reads = shell(keeper, READS.format(id=AN.id_number))
    by_portal = [r for r in reads if r[0] == "system"]
    assert by_portal and {tuple(r[1:4]) for r in by_portal} == {(PORTAL, "HN", "1.001193")}
    assert "civil_status" in {r[4] for r in by_portal}  # what this form reads
    # Both ends logged every call, and both logs are whole.
    for env in (keeper, portal):
        assert "the message log is whole" in motcua(env, "exchange", "verify-log")

    # Every refusal, precise and signed, between the two live servers (the portal's key, the keeper's checks).
    refusals = shell(portal, REFUSALS.format(portal=PORTAL, provider=KEEPER, keeper=keeper_url, basis=BASIS,
                                             id=AN.id_number))
    statuses = {"no_right": 403, "purpose_not_allowed": 403, "legal_basis_mismatch": 403, "unknown_service": 404}
    assert refusals == {reason: [statuses.get(reason, 401), reason, "motcua="] for reason in refusals}

    # The other way round, with the other key and CA: the keeper asks the portal.
    result = shell(keeper, CALL_BACK.format(portal=PORTAL, basis=BASIS, id=AN.id_number))
    assert result == {"allowed": {"services": []}, "refused": "unknown_service"}
    # The authority revokes the portal's certificate; once members load the new file, the keeper refuses it.
    members.revoke_certificate(members.serial_of(directory.load_pems(
        motcua(portal, "exchange", "identity"))[0]))
    publish()
    revoked = shell(keeper, "import json; from motcua.exchange.models import DirectoryState; "
                            "print(json.dumps(DirectoryState.objects.get(pk=1).revoked))")
    assert revoked, "the keeper loaded the revocation"
    after = shell(portal, CALL_BACK.replace('services.call("{portal}", "exchange.allowed", {{}}, '
                                            'services.Purpose("metadata", "{basis}"))', "None")
                  .format(portal=KEEPER, basis=BASIS, id=AN.id_number))
    assert after["refused"] == "certificate_revoked"

    # A configuration file signed by anyone but the authority is refused.
    forged = tmp_path / "forged.json"
    motcua(portal, "exchange", "member", "EVIL", "Kẻ giả mạo")
    motcua(portal, "exchange", "export-config", str(forged))  # signed, but by the portal's own key
    done = subprocess.run([sys.executable, "-m", "motcua.cli", "exchange", "load-config", str(forged),
                           "--anchors", str(tmp_path / "authority.pem")], env=keeper, capture_output=True, text=True)
    assert done.returncode != 0 and "not a trusted configuration authority" in done.stderr
