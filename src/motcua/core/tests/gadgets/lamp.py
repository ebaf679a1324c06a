from motcua.core.tests.gadgets import GADGETS, Gadget


@GADGETS.register("lamp")
class Lamp(Gadget):
    pass
