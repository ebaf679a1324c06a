from django.conf import settings
from django.core import checks

from motcua.exchange import protocol


@checks.register()
def exchange_settings(app_configs, **kwargs) -> list[checks.Error]:
    """This instance's system id has the directory's form (E181); the configuration anchors file exists (E182)."""
    from pathlib import Path

    exchange = settings.EXCHANGE
    problems = []
    for name in ("SYSTEM", "REGISTRY_PROVIDER"):
        if exchange[name] and not protocol.SYSTEM_ID.fullmatch(exchange[name]):
            problems.append(checks.Error(f"MOTCUA_EXCHANGE_{name} = {exchange[name]!r} is not a system id "
                                         "(<MEMBER>.<system>, e.g. BCA.dancu)", id="motcua.E181"))
    if exchange["ANCHORS"] and not Path(exchange["ANCHORS"]).is_file():
        problems.append(checks.Error(f"MOTCUA_EXCHANGE_ANCHORS: {exchange['ANCHORS']} is not a file",
                                     id="motcua.E182"))
    return problems
