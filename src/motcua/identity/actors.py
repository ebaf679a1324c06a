"""Who acts on a dossier: citizens, officials in a role, the system. Pure Python (no Django import)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # for the annotation only: this module imports no Django at run time
    from motcua.identity.models import Official


class Role(StrEnum):
    RECEIVER = "receiver"  # one-stop reception officer (cán bộ một cửa)
    SPECIALIST = "specialist"  # chuyên viên
    LEADER = "leader"  # lãnh đạo


ROLE_LABELS = {
    Role.RECEIVER: ("Cán bộ một cửa", "One-stop officer"),
    Role.SPECIALIST: ("Chuyên viên", "Specialist"),
    Role.LEADER: ("Lãnh đạo", "Leader"),
}


@dataclass(frozen=True)
class Actor:
    kind: str  # "citizen" | "official" | "system"
    id: str  # personal ID number for citizens, username for officials
    name: str = ""
    agency_code: str | None = None
    role: Role | None = None
    eid_level: int | None = None  # citizens: assurance level of the e-ID login
    # citizens: the organisation (enterprise code) this login acts for, when the e-ID login was an organisation's
    organisation: str | None = None


def actor_for_official(official: Official) -> Actor:
    """The Actor of an ``identity.models.Official``."""
    return Actor("official", official.user.username, official.full_name, official.agency.code, Role(official.role))


def citizen_actor(id_number: str, name: str = "", eid_level: int | None = None,
                  organisation: str | None = None) -> Actor:
    return Actor("citizen", id_number, name, eid_level=eid_level, organisation=organisation)
