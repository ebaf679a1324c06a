"""REGISTRY_SOURCES overrides and the sources' own settings are checked at start-up (Django system checks)."""

from django.core import checks

from motcua.registries.sources import RegistrySource


class UnconfiguredRemotePopulation(RegistrySource):
    @classmethod
    def check(cls) -> list[str]:
        return ["REMOTE_POPULATION_URL is not set"]


class NotASource:
    pass


def test_an_override_must_import_and_be_a_registry_source(settings):
    settings.REGISTRY_SOURCES = {"population": f"{__name__}.NotASource",
                                 "residence": "motcua.registries.nowhere.RemoteResidence"}
    found = [(e.id, e.msg) for e in checks.run_checks()]
    assert [error_id for error_id, _msg in found] == ["motcua.E101", "motcua.E101"]
    assert found[0][1] == f"REGISTRY_SOURCES['population'] = '{__name__}.NotASource' is not a RegistrySource"
    assert found[1][1].startswith("REGISTRY_SOURCES['residence'] = 'motcua.registries.nowhere.RemoteResidence' "
                                  "cannot be imported")


def test_a_source_reports_its_missing_settings(settings):
    settings.REGISTRY_SOURCES = {"population": f"{__name__}.UnconfiguredRemotePopulation"}
    assert [(e.id, e.msg) for e in checks.run_checks()] == [
        ("motcua.E102", "registry source 'population': REMOTE_POPULATION_URL is not set")]
