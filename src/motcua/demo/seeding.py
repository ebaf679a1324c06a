"""Demo data: every agency, the bundled catalog, officials for two agencies, citizens and dossiers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from motcua.catalog.models import Agency
from motcua.catalog.services import PROCEDURES_DIR, import_procedures, seed_agencies
from motcua.dossiers import services
from motcua.dossiers.models import Dossier
from motcua.dossiers.pdf import OfficialForm
from motcua.identity.actors import Role, actor_for_official, citizen_actor
from motcua.identity.models import Official
from motcua.payments.fee_schedules import import_schedules

DEMO_PASSWORD = "motcua-demo"
DEMO_COMMUNE = "00070"  # Phường Hoàn Kiếm, Hà Nội
DEMO_AGENCIES = {"hoankiem": "H01.X00070.UB", "hoankiem.ca": "H01.X00070.CA", "hanoi.stp": "H01.STP",
                 "hanoi.sxd": "H01.SXD", "hanoi.ca": "H01.CA", "hanoi.bhxh": "H01.BHXH", "bca.xnc": "G01.QLXNC"}
ROLE_NAMES = {Role.RECEIVER: "motcua", Role.SPECIALIST: "chuyenvien", Role.LEADER: "lanhdao"}
OFFICIAL_NAMES = {
    Role.RECEIVER: "Trần Thị Thu", Role.SPECIALIST: "Lê Văn Minh", Role.LEADER: "Phạm Quốc Hùng",
}


@dataclass(frozen=True)
class DemoCitizen:
    id_number: str
    name: str
    phone: str
    birth_date: date
    sex: str
    eid_level: int


# Synthetic people with well-formed ID numbers (birth province, century/sex digit, birth year).
DEMO_CITIZENS = (
    DemoCitizen("001090012345", "Nguyễn Văn An", "0912345678", date(1990, 5, 17), "M", 2),
    DemoCitizen("001185004321", "Trần Thị Bình", "0987654321", date(1985, 9, 2), "F", 2),
    DemoCitizen("079078001122", "Lê Hoàng Cường", "0901122334", date(1978, 3, 8), "M", 1),
)


@dataclass(frozen=True)
class DemoOrganisation:
    code: str  # enterprise code (the tax code of an enterprise or a household business)
    registration_number: str
    name: str
    kind: str
    representative: DemoCitizen
    representative_title: str
    commune_code: str
    registered_on: date


# An's company: An logs in for it (organisation e-ID, level 2) and lets Bình file its customs rulings. Cường's
# household business has no organisation e-ID: his own account is level 1.
DEMO_ORGANISATIONS = (
    DemoOrganisation("0109876543", "0109876543", "Công ty TNHH Thương mại An Bình", "enterprise", DEMO_CITIZENS[0],
                     "Giám đốc", DEMO_COMMUNE, date(2021, 6, 15)),
    DemoOrganisation("8001234567", "79A8001234", "Tạp hóa Cường Lê", "household", DEMO_CITIZENS[2],
                     "Chủ hộ kinh doanh", "26506", date(2019, 3, 1)),
)


def portal_uris(path: str) -> str:
    """The portal's address (PUBLIC_URL), exactly, and loopback ones that only the demo lets use any port."""
    from django.conf import settings

    return " ".join(f"{base}{path}" for base in (settings.PUBLIC_URL, "http://127.0.0.1", "http://localhost"))


def seed_officials(password: str = DEMO_PASSWORD) -> list[str]:
    """Three officials (one per role) for each demo agency; usernames like hoankiem.motcua."""
    user_model = get_user_model()
    created = []
    for prefix, agency_code in DEMO_AGENCIES.items():
        agency = Agency.objects.get(code=agency_code)
        for role, suffix in ROLE_NAMES.items():
            username = f"{prefix}.{suffix}"
            user, made = user_model.objects.get_or_create(username=username)
            if made:
                user.set_password(password)
                user.save()
                created.append(username)
            Official.objects.update_or_create(
                user=user, defaults={"agency": agency, "role": role.value, "full_name": OFFICIAL_NAMES[role]})
    return created


APP_CLIENT_ID = "motcua-app"  # the citizens' mobile app, a public client of the e-ID provider (docs/api-access.md)


def app_redirect_uris() -> str:
    """The app's own scheme (RFC 8252 §7.1) and a loopback address for an app on a computer (§7.3)."""
    from django.conf import settings

    return f"{settings.APP_URI_SCHEME}:/oauth/callback http://127.0.0.1/oauth/callback"


def seed_eid(password: str = DEMO_PASSWORD) -> int:
    """Accounts at the bundled e-ID provider for the demo citizens, the portal's OIDC client and the mobile app's
    client (public: no secret, PKCE; the person is asked to consent to the scopes it wants)."""
    from django.conf import settings
    from oauth2_provider.models import Application

    from motcua.eid.models import EidAccount, EidOrganisation

    user_model = get_user_model()
    created = 0
    for c in DEMO_CITIZENS:
        user, made = user_model.objects.get_or_create(username=c.id_number)
        if made:
            user.set_password(password)
            user.save()
            created += 1
        EidAccount.objects.update_or_create(user=user, defaults={
            "id_number": c.id_number, "full_name": c.name, "birth_date": c.birth_date, "sex": c.sex,
            "level": c.eid_level})
    for o in DEMO_ORGANISATIONS:
        if o.representative.eid_level == 2:  # an organisation's e-ID goes through a level-2 personal one
            EidOrganisation.objects.update_or_create(code=o.code, defaults={
                "tax_code": o.code, "name": o.name, "kind": o.kind, "representative_role": o.representative_title,
                "representative": EidAccount.objects.get(id_number=o.representative.id_number)})
    # The portal's addresses follow where this demo is served now (a restart on another address included).
    addresses = {"redirect_uris": portal_uris("/dang-nhap/xong/"), "post_logout_redirect_uris": portal_uris("/")}
    if not Application.objects.filter(client_id=settings.OIDC["CLIENT_ID"]).update(**addresses):
        Application.objects.create(
            name="motcua portal", client_id=settings.OIDC["CLIENT_ID"], client_secret=settings.OIDC["CLIENT_SECRET"],
            client_type=Application.CLIENT_CONFIDENTIAL, authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
            algorithm=Application.RS256_ALGORITHM, skip_authorization=True, **addresses)
    if not Application.objects.filter(client_id=APP_CLIENT_ID).exists():
        Application.objects.create(
            name="Ứng dụng Dịch vụ công", client_id=APP_CLIENT_ID, client_type=Application.CLIENT_PUBLIC,
            authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE, redirect_uris=app_redirect_uris(),
            algorithm=Application.RS256_ALGORITHM, skip_authorization=False)
    return created


def seed_demo_registry(extra_people: int = 300) -> int:
    """The demo citizens in the base registries (An and Bình married in Hoàn Kiếm, their baby born at the
    hospital and not registered yet: the hospital's birth certificate is the mother's; An's trading company in
    Hoàn Kiếm; Cường with a household business in Hồ Chí Minh City), plus generated households. Idempotent."""
    from motcua.registries.models import CivilEvent, Enterprise, HeldDocument, Person
    from motcua.registries.synthetic import generate

    if Person.objects.exists():
        return 0
    an, binh, cuong = DEMO_CITIZENS
    home = {"household_code": "HK-DEMO-1", "permanent_commune": DEMO_COMMUNE,
            "permanent_address": "Số 12 Hàng Bài, Phường Hoàn Kiếm"}
    for c, place, status in ((an, home, "married"), (binh, home, "married"),
                             (cuong, {"household_code": "HK-DEMO-2", "permanent_commune": "26506",
                                      "permanent_address": "Số 5 Lê Lợi, Phường Vũng Tàu"}, "single")):
        Person.objects.create(id_number=c.id_number, full_name=c.name, birth_date=c.birth_date,
                              birth_province=c.id_number[:3], sex=c.sex, marital_status=status, **place)
    CivilEvent.objects.create(kind="marriage", register_number="KH-2020-000000001", date=date(2020, 10, 10),
                              commune_code=DEMO_COMMUNE, subject_id_number=an.id_number, other_id_number=binh.id_number)
    for spouse in (an, binh):
        HeldDocument.objects.create(owner_id_number=spouse.id_number, doc_type="giay_chung_nhan_ket_hon",
                                    number="KH-2020-000000001", issued_on=date(2020, 10, 10),
                                    issuer_agency="H01.X00070.UB")
    HeldDocument.objects.create(owner_id_number=binh.id_number, doc_type="giay_chung_sinh", number="CS-2026-0042",
                                issued_on=date(2026, 11, 18), issuer_agency="H01.SYT",
                                data={"hospital": "Bệnh viện Phụ sản Hà Nội", "child": "Nguyễn Minh Khang"})
    for o in DEMO_ORGANISATIONS:
        Enterprise.objects.create(registration_number=o.registration_number, tax_code=o.code, name=o.name,
                                  kind=o.kind, owner_id_number=o.representative.id_number,
                                  representative_title=o.representative_title, commune_code=o.commune_code,
                                  registered_on=o.registered_on)
    return 4 + _seed_demo_family(an, binh, cuong) + generate(extra_people, seed=2026)


# People some demo citizen may file for: An's daughter (a minor), Bình's ward (her nephew, a guardianship in
# the civil-status register) and Cường's late mother. Serials above 999000 are never drawn for generated people.
DEMO_DAUGHTER = ("001316999001", "Nguyễn Bảo Anh", date(2016, 5, 20), "F")
DEMO_WARD = ("001212999002", "Trần Minh Tú", date(2012, 2, 29), "M")
DEMO_LATE_MOTHER = ("079150999003", "Phạm Thị Hoa", date(1950, 1, 15), "F")


def _seed_demo_family(an, binh, cuong) -> int:
    from motcua.registries.models import CivilEvent, HeldDocument, Person

    home = {"household_code": "HK-DEMO-1", "permanent_commune": DEMO_COMMUNE,
            "permanent_address": "Số 12 Hàng Bài, Phường Hoàn Kiếm"}
    daughter, ward, mother = DEMO_DAUGHTER, DEMO_WARD, DEMO_LATE_MOTHER
    Person.objects.create(id_number=daughter[0], full_name=daughter[1], birth_date=daughter[2], sex=daughter[3],
                          birth_province="001", father_id_number=an.id_number, mother_id_number=binh.id_number,
                          marital_status="single", **home)
    CivilEvent.objects.create(kind="birth", register_number="KS-2016-000000101", date=date(2016, 6, 1),
                              commune_code=DEMO_COMMUNE, subject_id_number=daughter[0], other_id_number=binh.id_number,
                              data={"book": "01/2016", "father_id_number": an.id_number})
    HeldDocument.objects.create(owner_id_number=daughter[0], doc_type="giay_khai_sinh", number="KS-2016-000000101",
                                issued_on=date(2016, 6, 1), issuer_agency="H01.X00070.UB")
    Person.objects.create(id_number=ward[0], full_name=ward[1], birth_date=ward[2], sex=ward[3], birth_province="001",
                          marital_status="single", **home)
    CivilEvent.objects.create(kind="guardianship", register_number="GH-2022-000000007", date=date(2022, 3, 14),
                              commune_code=DEMO_COMMUNE, subject_id_number=ward[0], other_id_number=binh.id_number,
                              data={"book": "01/2022", "ended_on": None})
    Person.objects.create(id_number=mother[0], full_name=mother[1], birth_date=mother[2], sex=mother[3],
                          birth_province="079", marital_status="widowed", permanent_commune="26506",
                          permanent_address="Số 5 Lê Lợi, Phường Vũng Tàu", deceased_on=date(2025, 6, 10),
                          death_place="Phường Vũng Tàu")
    CivilEvent.objects.create(kind="death", register_number="KT-2025-000000011", date=date(2025, 6, 12),
                              commune_code="26506", subject_id_number=mother[0],
                              data={"book": "01/2025", "date_of_death": "2025-06-10"})
    Person.objects.filter(id_number=cuong.id_number).update(mother_id_number=mother[0])
    return 3


def _official_actor(username: str):
    return actor_for_official(Official.objects.select_related("user", "agency").get(user__username=username))


BIRTH_FORM = {
    "child_full_name": "Nguyễn Minh Khang", "child_birth_date": "2026-11-18", "child_sex": "M",
    "birth_place": "Bệnh viện Phụ sản Hà Nội", "mother_id_number": "001185004321", "relationship": "Cha",
}


BABY_NAMES = (("M", "Gia Huy"), ("F", "Bảo Ngọc"), ("M", "Minh Đức"), ("F", "An Nhiên"), ("M", "Đức Anh"))


def _generated_parents(count: int) -> list[tuple[Any, str]]:
    """Fathers of generated couples, with their wives' ID numbers: the applicants of the sample dossiers."""
    from motcua.registries.models import CivilEvent, Person

    couples = CivilEvent.objects.filter(kind="marriage").exclude(register_number__startswith="KH-2020")
    fathers = {p.id_number: p for p in Person.objects.filter(
        id_number__in=couples.values_list("subject_id_number", flat=True), deceased_on__isnull=True)}
    return [(fathers[c.subject_id_number], c.other_id_number) for c in couples.order_by("id")
            if c.subject_id_number in fathers][:count]


def seed_dossiers() -> int:
    """Birth registrations in different statuses, dated over the last days: An's for his newborn son waits
    at the counter (approving it creates the child in the population registry); generated families' are
    further along, one of them filed as a birth group."""
    if Dossier.objects.exists():
        return 0
    citizen = DEMO_CITIZENS[0]
    actor = citizen_actor(citizen.id_number, citizen.name, citizen.eid_level)
    receiver, specialist, leader = (_official_actor(f"hoankiem.{s}") for s in ROLE_NAMES.values())
    now = timezone.now()
    plans = [
        (6, ["receive", "forward", "forward", "complete", "return_result"]),
        (4, ["receive", "forward", "forward", "complete"]),
        (3, ["receive", "forward"]),
        (2, ["receive"]),
        (1, ["request_supplement"]),
    ]
    actors = {"receive": receiver, "forward": None, "complete": leader, "return_result": receiver,
              "request_supplement": receiver}
    families = _generated_parents(len(plans))
    births = [(actor, citizen.name, citizen.phone, {**BIRTH_FORM, "father_id_number": citizen.id_number},
               now - timedelta(hours=1), [])]
    for (days_ago, steps), (father, mother_id), (sex, given) in zip(plans, families, BABY_NAMES, strict=False):
        at = now - timedelta(days=days_ago, hours=1)
        form = {**BIRTH_FORM, "child_full_name": f"{father.full_name.split()[0]} {given}", "child_sex": sex,
                "child_birth_date": (at - timedelta(days=3)).date().isoformat(), "mother_id_number": mother_id,
                "father_id_number": father.id_number, "birth_place": "Bệnh viện Đa khoa Xanh Pôn"}
        births.append((citizen_actor(father.id_number, father.full_name, 2), father.full_name, "0987654321", form, at,
                       steps))
    for applicant, name, phone, form, at, steps in births:
        sub = services.Submission(
            procedure_code="1.001193", channel="online", applicant_id_number=applicant.id,
            applicant_name=name, applicant_phone=phone, commune_code=DEMO_COMMUNE, form=form, evidence=["to_khai"],
        )
        dossier, _ = services.submit(sub, applicant, now=at)
        for i, kind in enumerate(steps):
            who = actors[kind] or (receiver if dossier.step == 0 else specialist)
            reason = "Thiếu bản sao giấy tờ tùy thân của người đi khai sinh." if kind == "request_supplement" else ""
            dossier, _ = services.act(dossier.code, kind, who, reason, {}, now=at + timedelta(minutes=10 * (i + 1)))
    return (len(births) + seed_dossier_owing_a_fee(citizen, actor, now - timedelta(days=1))
            + seed_birth_group(now - timedelta(days=1)))


@cache
def sample_scan() -> bytes:
    """A one-page PDF standing for a scanned document."""
    pdf = OfficialForm()
    pdf.add_page()
    pdf.heading("BẢN QUÉT GIẤY TỜ (DỮ LIỆU MẪU)", "Scanned document (sample data)")
    return bytes(pdf.output())


# Dossiers of procedures a ministry's department decides, so that the ministry ranking shows the ministries of
# Foreign Affairs and Finance beside those governing the birth registrations (Justice), the judicial record and
# the residence (Public Security) and the health-insurance card (Health; Finance through the social security).
MINISTRY_DOSSIERS = (
    ("1.001471", 0, 3, {"birth_date": DEMO_CITIZENS[0].birth_date.isoformat(), "request_kind": "renewal",
                        "previous_passport_number": "C1234567", "with_chip": True}, ["anh_chan_dung"]),
    ("2.002352", 1, 2, {"birth_date": DEMO_CITIZENS[1].birth_date.isoformat(), "passport_kind": "official",
                        "sending_agency": "Sở Tư pháp Thành phố Hà Nội", "position": "Chuyên viên",
                        "destination": "Nhật Bản", "departure_date": "2027-03-02"},
     ["quyet_dinh_cu_di_cong_tac", "anh_chan_dung"]),
    ("1.002032", 0, 2, {"birth_date": DEMO_CITIZENS[0].birth_date.isoformat(),
                        "bar_association": "Đoàn Luật sư Thành phố Hà Nội", "basis": "probation_passed"},
     ["giay_chung_nhan_suc_khoe", "bang_cu_nhan_luat"]),
    ("1.000355", 0, 1, {"goods_description": "Máy pha cà phê gia dụng, công suất 1.450 W", "proposed_code": "85167100",
                        "direction": "import", "phone": DEMO_CITIZENS[0].phone}, ["tai_lieu_ky_thuat"]),
)


def seed_ministry_dossiers(now) -> int:
    """One dossier of each procedure of :data:`MINISTRY_DOSSIERS`, filed online days ago; the Immigration
    Department has received the passport renewal and its specialist is appraising it."""
    if Dossier.objects.filter(procedure_version__procedure__code__in=[m[0] for m in MINISTRY_DOSSIERS]).exists():
        return 0
    for code, citizen_index, days_ago, form, files in MINISTRY_DOSSIERS:
        citizen = DEMO_CITIZENS[citizen_index]
        at = now - timedelta(days=days_ago)
        sub = services.Submission(
            procedure_code=code, channel="online", applicant_id_number=citizen.id_number, applicant_name=citizen.name,
            applicant_phone=citizen.phone, form=form,
            files=[services.IncomingFile(e, f"{e}.pdf", sample_scan()) for e in files])
        dossier, _ = services.submit(sub, citizen_actor(citizen.id_number, citizen.name, citizen.eid_level), now=at)
        if code == "1.001471":
            receiver = _official_actor("bca.xnc.motcua")
            services.act(dossier.code, "receive", receiver, now=at + timedelta(minutes=30))
            services.act(dossier.code, "forward", receiver, now=at + timedelta(minutes=40))
    return len(MINISTRY_DOSSIERS)


def seed_birth_group(at) -> int:
    """A generated family's birth group (one application, Nghị định 63/2024/NĐ-CP): the birth is registered, and
    the child's residence and health-insurance card wait in the commune police's and the social security
    office's queues, with the child's new ID number handed on."""
    from motcua.dossiers import groups

    families = _generated_parents(6)
    if len(families) < 6:
        return 0
    father, mother_id = families[5]
    form = {**BIRTH_FORM, "child_full_name": f"{father.full_name.split()[0]} Khánh Linh", "child_sex": "F",
            "child_birth_date": (at - timedelta(days=2)).date().isoformat(), "mother_id_number": mother_id,
            "father_id_number": father.id_number, "residence_address": "Số 8 Hàng Bài", "residence_commune": DEMO_COMMUNE,
            "dwelling_basis": "family", "card_format": "electronic"}
    applicant = citizen_actor(father.id_number, father.full_name, 2)
    group, _ = groups.submit_group(groups.GroupApplication(
        "LT.KHAISINH", [], father.id_number, father.full_name, applicant_phone="0987654321",
        commune_code=DEMO_COMMUNE, form=form), applicant, now=at)
    birth = group.members.get(procedure_code="1.001193").dossier
    receiver, specialist, leader = (_official_actor(f"hoankiem.{s}") for s in ROLE_NAMES.values())
    for minutes, (kind, who) in enumerate((("receive", receiver), ("forward", receiver), ("forward", specialist),
                                           ("complete", leader)), start=1):
        services.act(birth.code, kind, who, now=at + timedelta(minutes=10 * minutes))
    return group.members.count()


def seed_dossier_owing_a_fee(citizen, actor, at) -> int:
    """A judicial record certificate waiting for its 200.000 đ fee: try paying it in the sandbox gateway."""
    sub = services.Submission(
        procedure_code="3.000333", channel="online", applicant_id_number=citizen.id_number,
        applicant_name=citizen.name, applicant_phone=citizen.phone, province_code="01",
        form={"certificate_type": "1", "purpose": "Bổ sung hồ sơ xin việc", "copies": 1, "result_form": "electronic",
              "residence_history": "Từ 2004 đến nay: Phường Hoàn Kiếm, Thành phố Hà Nội"},
        evidence=["to_khai"],
    )
    dossier, _ = services.submit(sub, actor, now=at)
    receiver, specialist = (_official_actor(f"hanoi.ca.{s}") for s in ("motcua", "chuyenvien"))
    services.act(dossier.code, "receive", receiver, now=at + timedelta(minutes=20))
    services.act(dossier.code, "forward", receiver, now=at + timedelta(minutes=30))
    services.act(dossier.code, "request_payment", specialist)
    return 1


# (days ago received, answered after … days or None, rated satisfied, kind, about, subject, content, may publish)
DEMO_PETITIONS = (
    (30, 6, True, "petition", "procedure", "Đề nghị cho nộp bản chụp giấy chứng sinh",
     "Đề nghị cho phép nộp ảnh chụp giấy chứng sinh thay cho bản sao chứng thực khi đăng ký khai sinh trực tuyến.",
     True),
    (25, 20, False, "feedback", "agency", "Chờ lâu tại bộ phận một cửa",
     "Sáng thứ Hai tôi chờ hơn một giờ tại bộ phận một cửa mà chỉ có một quầy làm việc.", True),
    (20, None, None, "feedback", "procedure", "Biểu mẫu tờ khai khó hiểu",
     "Mục nơi sinh trong tờ khai không ghi rõ cần ghi tên bệnh viện hay địa chỉ.", False),
    (2, None, None, "petition", "agency", "Đề nghị mở thêm quầy chiều thứ Bảy",
     "Đề nghị bộ phận một cửa làm việc thêm buổi chiều thứ Bảy cho người đi làm.", False),
)
DEMO_PETITION_ANSWER = ("Cảm ơn ông/bà đã phản ánh. Ủy ban nhân dân phường đã tiếp thu và sẽ điều chỉnh trong "
                        "tháng này.")


def seed_petitions() -> int:
    """A few petitions to the demo commune: answered on time and late, rated, one still open past its due date,
    so the index's petition metrics show something measured."""
    from motcua.petitions import services as petitions
    from motcua.petitions.models import Petition

    if Petition.objects.exists():
        return 0
    now = timezone.now()
    officer = _official_actor("hoankiem.motcua")
    for i, (days_ago, answered_after, satisfied, kind, about, subject, content, publish) in enumerate(DEMO_PETITIONS):
        citizen = DEMO_CITIZENS[i % len(DEMO_CITIZENS)]
        sender = citizen_actor(citizen.id_number, citizen.name, citizen.eid_level)
        at = now - timedelta(days=days_ago)
        petition = petitions.send(petitions.Draft(
            kind, about, subject, content, publish, procedure_code="1.001193", commune_code=DEMO_COMMUNE,
            agency_code=DEMO_AGENCIES["hoankiem"], phone=citizen.phone), sender, now=at)
        if answered_after is not None:
            petitions.answer(petition.code, officer, DEMO_PETITION_ANSWER, now=at + timedelta(days=answered_after))
            petitions.rate_answer(petition.code, sender, satisfied, now=at + timedelta(days=answered_after, hours=2))
    return len(DEMO_PETITIONS)


def seed_demo_offers() -> int:
    """Offers at the demo citizens' first login: Bình turned 40 last year and the registry knows no identity card
    of hers, so the daily job, caught up to that birthday, offers her the renewal (generated people reaching a
    renewal age since then get theirs too); completed birth registrations have offered the parents the rest of
    the birth group already."""
    from motcua.proactive.milestones import birthday
    from motcua.proactive.services import run_daily

    today = timezone.localdate()
    reached = birthday(DEMO_CITIZENS[1].birth_date, 40)
    return run_daily(today, catch_up_days=max(0, (today - reached).days)).offers


@transaction.atomic
def seed_demo_delegations() -> int:
    """An's company lets Bình file its advance customs rulings for a year."""
    from motcua.organisations.models import StaffDelegation

    company, binh = DEMO_ORGANISATIONS[0], DEMO_CITIZENS[1]
    if StaffDelegation.objects.filter(organisation_code=company.code).exists():
        return 0
    StaffDelegation.objects.create(organisation_code=company.code, organisation_name=company.name,
                                   staff_id_number=binh.id_number, staff_name=binh.name, procedures=["1.000355"],
                                   expires_on=timezone.localdate() + timedelta(days=365),
                                   granted_by=company.representative.id_number)
    return 1


def seed_all(with_dossiers: bool = True, demo_people: bool = False, year_dossiers: int = 0,
             progress: Callable[[int, int], None] | None = None) -> dict[str, int]:
    """Agencies and the bundled catalog; with ``demo_people`` (the demo and the tests only) also the demo's
    officials and e-ID accounts, whose password is published, the synthetic registries and sample dossiers, and
    with ``year_dossiers`` that many dossiers of the last twelve months across the country (``year.seed_year``,
    its ``progress`` reported)."""
    agencies = seed_agencies()
    report = import_procedures([PROCEDURES_DIR])
    if not report.ok:
        raise RuntimeError("; ".join(f"{p}: {i}" for p, i in report.errors))
    fee_report = import_schedules()  # before any dossier: the fees they are asked follow the schedules
    if fee_report.problems:
        raise RuntimeError("; ".join(f"{p}: {i}" for p, i in fee_report.problems))
    counts = {"agencies": agencies, "procedures": len(report.created) + len(report.updated),
              "fee schedules": len(fee_report.created)}
    if demo_people:
        counts["officials"] = len(seed_officials())
        seed_eid()
        counts["registry people"] = seed_demo_registry()
        counts["dossiers"] = seed_dossiers() + seed_ministry_dossiers(timezone.now()) if with_dossiers else 0
        counts["offers"] = seed_demo_offers() if with_dossiers else 0
        counts["petitions"] = seed_petitions() if with_dossiers else 0
        counts["staff delegations"] = seed_demo_delegations() if with_dossiers else 0
        if with_dossiers and year_dossiers:
            from motcua.demo.year import seed_year  # it takes the demo's sample scan from here

            counts["dossiers of the year"] = seed_year(year_dossiers, progress=progress)
    return counts
