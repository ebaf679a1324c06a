"""A procedure's workflow as declarative data: ordered steps, the role of each, its share of the
statutory time. Pure Python (no Django import)."""

from __future__ import annotations

from dataclasses import dataclass

from motcua.identity.actors import Role


@dataclass(frozen=True)
class Step:
    code: str
    role: Role
    share: float
    label_vi: str = ""
    label_en: str = ""
    decides: bool = False


@dataclass(frozen=True)
class Workflow:
    """A procedure's ordered steps; exactly one step ``decides`` and it is not the last."""

    steps: tuple[Step, ...]
    statutory_days: int

    def __post_init__(self) -> None:
        deciding = [i for i, s in enumerate(self.steps) if s.decides]
        if len(deciding) != 1 or deciding[0] == 0 or deciding[0] == len(self.steps) - 1:
            raise ValueError("a workflow needs one deciding step, neither first nor last")

    @property
    def deciding_step(self) -> int:
        return next(i for i, s in enumerate(self.steps) if s.decides)

    def step_offset(self, index: int) -> int:
        """Working days from the clock start by which step ``index`` is due."""
        total = sum(s.share for s in self.steps) or 1.0
        done = sum(s.share for s in self.steps[: index + 1]) / total
        return min(self.statutory_days, round(done * self.statutory_days))
