"""A directory of three systems on this test process's development CA: the population registry's keeper
(BCA.dancu, the provider), a province's one-stop system (HN.motcua, with a right to pre-fill) and social
insurance (BHXH.thu, with none)."""

import pytest

from motcua.exchange import directory, keys, members, published

PROVIDER, CONSUMER, STRANGER = "BCA.dancu", "HN.motcua", "BHXH.thu"
BASIS = "47/2020/ND-CP"


@pytest.fixture
def exchange_directory(seeded, settings):
    settings.EXCHANGE = {**settings.EXCHANGE, "SYSTEM": PROVIDER, "DIRECTORY_REFRESH_SECONDS": 0,
                         "REGISTRY_PROVIDER": PROVIDER}
    keys.forget()
    directory.forget()
    for code, name, kind in (("BCA", "Bộ Công an", "ministry"), ("HN", "UBND Thành phố Hà Nội", "province"),
                             ("BHXH", "Bảo hiểm xã hội Việt Nam", "agency")):
        members.add_member(code, name, kind=kind)
    for ident, name in ((PROVIDER, "Cơ sở dữ liệu quốc gia về dân cư"), (CONSUMER, "Cổng dịch vụ công Hà Nội"),
                        (STRANGER, "Hệ thống thu BHXH")):
        key = keys.local_key(ident)
        members.add_system(ident, name, "http://testserver", directory.pem(key.certificate))
    members.add_anchor(directory.pem(keys.local_key(PROVIDER).chain[1]))
    for code in published.REGISTRY_SERVICES:
        members.add_service(PROVIDER, code, code, request_schema=published.REQUEST_SCHEMA,
                            response_schema=published.RESPONSE_SCHEMA)
    members.add_service(PROVIDER, "exchange.allowed", "Dịch vụ được phép")
    members.grant(CONSUMER, PROVIDER, "population.person", {"prefill": BASIS, "dossier": BASIS})
    yield
    keys.forget()
    directory.forget()
