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


# How a citizen's e-ID account reaches level 2 (Nghị định 69/2024/NĐ-CP): in person, at a police office.
EID_LEVEL_2_HOW = (
    "Để có tài khoản định danh điện tử mức 2, hãy đến Công an cấp xã (xã, phường, đặc khu) bất kỳ, mang thẻ căn "
    "cước gắn chíp và điện thoại có số thuê bao đứng tên mình: cán bộ đối chiếu khuôn mặt, vân tay và kích hoạt "
    "mức 2 trên ứng dụng VNeID, thường trong 3 ngày làm việc. Nếu bạn chưa có hoặc thẻ căn cước đã hết hạn, làm "
    "cùng lúc với việc cấp thẻ (khoảng 7 ngày làm việc).",
    "To get a level-2 e-ID account, go to any commune or ward police office with your chip ID card and a phone "
    "whose number is registered in your name: the officer checks your face and fingerprints and activates level 2 "
    "in the VNeID app, usually within 3 working days. Without a valid ID card, it is done when the card is issued "
    "(about 7 working days).")


def eid_level_missing(actor: Actor | None, needed: int) -> bool:
    """A citizen logged in with an e-ID account below the level a procedure needs (no one logged in: not yet
    known)."""
    return actor is not None and actor.kind == "citizen" and (actor.eid_level or 0) < needed


def actor_for_official(official: Official) -> Actor:
    """The Actor of an ``identity.models.Official``."""
    return Actor("official", official.user.username, official.full_name, official.agency.code, Role(official.role))


def citizen_actor(id_number: str, name: str = "", eid_level: int | None = None,
                  organisation: str | None = None) -> Actor:
    return Actor("citizen", id_number, name, eid_level=eid_level, organisation=organisation)
