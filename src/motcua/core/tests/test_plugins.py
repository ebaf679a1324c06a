"""The plug-in registry: discovery of a family's package, overrides by settings, and the system check."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from motcua.core.plugins import UnknownPlugin
from motcua.core.tests.gadgets import GADGETS, Gadget


class Heater(Gadget):
    pass


class NotAGadget:
    pass


def test_every_module_of_the_package_is_discovered():
    assert list(GADGETS) == ["fan", "lamp"] and "lamp" in GADGETS
    assert GADGETS["lamp"].__name__ == "Lamp" and GADGETS["lamp"].key == "lamp"
    with pytest.raises(UnknownPlugin, match=r"no gadget 'kettle' \(known: fan, lamp\)"):
        GADGETS["kettle"]


def test_a_key_is_registered_once():
    with pytest.raises(ValueError, match="gadget 'lamp' is registered twice"):
        GADGETS.register("lamp")(Heater)


def test_settings_replace_and_add_plugins_until_they_change_again(settings):
    lamp = GADGETS["lamp"]
    settings.GADGETS = {"lamp": f"{__name__}.Heater", "heater": f"{__name__}.Heater"}
    assert GADGETS["lamp"] is Heater and list(GADGETS) == ["fan", "heater", "lamp"]
    settings.GADGETS = {}
    assert GADGETS["lamp"] is lamp and list(GADGETS) == ["fan", "lamp"]


def test_an_unusable_override_is_refused(settings):
    settings.GADGETS = {"lamp": f"{__name__}.NotAGadget"}
    with pytest.raises(ImproperlyConfigured, match=r"GADGETS\['lamp'\] = '.*NotAGadget' is not a Gadget"):
        GADGETS["lamp"]


def test_the_system_check_reports_the_configured_plugin(settings):
    ids = {"unusable": "E1", "misconfigured": "E2"}
    assert GADGETS.system_check("lamp", **ids) == []
    [unknown] = GADGETS.system_check("kettle", **ids)
    assert (unknown.id, unknown.msg) == ("E1", "no gadget 'kettle' (known: fan, lamp)")
    [fan] = GADGETS.system_check("fan", **ids)
    assert (fan.id, fan.msg) == ("E2", "gadget 'fan': FAN_SPEED is not set")
    assert [e.msg for e in GADGETS.system_check(None, **ids)] == ["gadget 'fan': FAN_SPEED is not set"]
    settings.GADGETS = {"lamp": f"{__name__}.NotAGadget", "heater": "motcua.core.tests.nowhere.Heater"}
    problems = GADGETS.system_check("lamp", **ids)
    assert [e.id for e in problems] == ["E1", "E1"]
    assert "is not a Gadget" in problems[0].msg and "cannot be imported" in problems[1].msg


def test_the_default_configuration_passes_every_system_check():
    call_command("check")
