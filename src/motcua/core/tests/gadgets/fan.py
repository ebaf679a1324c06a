from motcua.core.tests.gadgets import GADGETS, Gadget


@GADGETS.register("fan")
class Fan(Gadget):
    @classmethod
    def check(cls) -> list[str]:
        return ["FAN_SPEED is not set"]
