from motcua.core.tests.gadgets import GADGETS, Gadget


@GADGETS.register("fan")
class Fan(Gadget):
    pass
