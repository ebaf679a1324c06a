"""A plug-in family for the plug-in registry's tests: one module per gadget, overridden by settings.GADGETS."""

from motcua.core.plugins import Plugin, PluginRegistry


class Gadget(Plugin):
    pass


GADGETS: PluginRegistry[Gadget] = PluginRegistry("gadget", Gadget, __name__, overrides_setting="GADGETS")
