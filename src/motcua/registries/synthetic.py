"""Reproducible synthetic base registries: households of consistent people in real communes.

The same seed gives the same rows. People come in households (parents, children, sometimes a
grandparent) living in one commune; children's father/mother ID numbers point at their parents;
couples have a marriage event and certificate, children a birth event and birth certificate; some
households run a registered household business. ID numbers follow the national rules. Rows are
streamed in batches (PostgreSQL COPY, bulk inserts elsewhere), so memory stays flat up to 10 M people.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import connection, transaction
from django.db.models import Count, JSONField
from django.db.models.functions import Substr
from django.utils import timezone
from faker.providers.person.vi_VN import Provider as VietnameseNames
from psycopg.types.json import Jsonb

from motcua.catalog import divisions
from motcua.identity.id_number import compose
from motcua.registries.models import CivilEvent, Enterprise, HeldDocument, Person

SERIAL_BASE = 500_000  # generated serials live in [500000, 999999]; hand-made records use lower ones
SERIAL_SPAN = 500_000
SERIAL_STEP = 7919  # coprime with the span: a bijection, so serials look random but never repeat
TODAY = date(2026, 11, 24)
STREETS = ("Lê Lợi", "Trần Hưng Đạo", "Nguyễn Trãi", "Hai Bà Trưng", "Lý Thường Kiệt", "Phan Chu Trinh",
           "Hoàng Diệu", "Quang Trung", "Nguyễn Huệ", "Điện Biên Phủ")
TRADES = ("Tạp hóa", "Quán cơm", "Cà phê", "Sửa xe máy", "May đo", "Bán thuốc", "Cắt tóc", "Rau quả")


@dataclass
class Batch:
    # Plain dicts of field values: building model instances would cost more than everything else.
    people: list[dict] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)
    businesses: list[dict] = field(default_factory=list)
    documents: list[dict] = field(default_factory=list)


class Generator:
    def __init__(self, seed: int = 2026) -> None:
        self.rng = random.Random(seed)
        self.communes = sorted(divisions.communes().values(), key=lambda c: c.code)
        self.counters: dict[str, int] = {}
        self.register_number = 0
        self.business_number = 0
        self.first_household = 0

    def continue_after(self) -> Generator:
        """Carry on numbering after what is already in the database, so another run adds, never clashes."""
        generated = Person.objects.filter(id_number__regex=r"^[0-9]{6}[5-9]")
        for row in generated.annotate(prefix=Substr("id_number", 1, 6)).values("prefix").annotate(n=Count("id")):
            self.counters[row["prefix"]] = row["n"]
        self.register_number = CivilEvent.objects.count()
        self.business_number = Enterprise.objects.count()
        self.first_household = Person.objects.filter(household_code__startswith="HK0").values(
            "household_code").distinct().count()
        return self

    def _id_number(self, province: str, sex: str, birth: date) -> str:
        prefix = compose(province, sex, birth.year, 0)[:6]
        n = self.counters.get(prefix, 0)
        if n >= SERIAL_SPAN:
            raise OverflowError(f"more than {SERIAL_SPAN} synthetic people share the prefix {prefix}")
        self.counters[prefix] = n + 1
        return compose(province, sex, birth.year, SERIAL_BASE + (n * SERIAL_STEP) % SERIAL_SPAN)

    def _birth(self, min_age: int, max_age: int) -> date:
        return TODAY - timedelta(days=self.rng.randint(min_age * 365, max_age * 365))

    def _name(self, family: str, sex: str) -> str:
        given = VietnameseNames.first_names_male if sex == "M" else VietnameseNames.first_names_female
        return f"{family} {self.rng.choice(VietnameseNames.middle_names)} {self.rng.choice(given)}"

    def _person(self, batch: Batch, sex: str, birth: date, family: str, commune, household: str, address: str,
                father: str = "", mother: str = "") -> dict:
        # Most people were born in the province where they live; some moved.
        province = f"0{commune.province_code}" if self.rng.random() < 0.85 else self.rng.choice(
            [f"0{c}" for c in divisions.provinces()])
        person = dict(
            id_number=self._id_number(province, sex, birth), full_name=self._name(family, sex), birth_date=birth,
            birth_province=province, sex=sex, father_id_number=father, mother_id_number=mother,
            household_code=household, permanent_commune=commune.code, permanent_address=address,
            temporary_commune=self.rng.choice(self.communes).code if self.rng.random() < 0.05 else "", version=1,
        )
        batch.people.append(person)
        return person

    def _event(self, batch: Batch, kind: str, on: date, commune, subject: str, other: str = "") -> str:
        self.register_number += 1
        number = f"{kind[:2].upper()}-{on.year}-{self.register_number:09d}"
        batch.events.append(dict(kind=kind, register_number=number, date=on, commune_code=commune.code,
                                 subject_id_number=subject, other_id_number=other, data={}))
        return number

    def household(self, batch: Batch, index: int) -> None:
        rng = self.rng
        commune = rng.choice(self.communes)
        code = f"HK{index:010d}"
        address = f"Số {rng.randint(1, 300)} {rng.choice(STREETS)}, {commune.name}"
        family = rng.choice(VietnameseNames.last_names)
        father = self._person(batch, "M", self._birth(25, 60), family, commune, code, address)
        mother = self._person(batch, "F", self._birth(22, 55), rng.choice(VietnameseNames.last_names), commune,
                              code, address)
        wedding = max(father["birth_date"], mother["birth_date"]) + timedelta(days=rng.randint(20 * 365, 30 * 365))
        wedding = min(wedding, TODAY - timedelta(days=30))
        number = self._event(batch, "marriage", wedding, commune, father["id_number"], mother["id_number"])
        for spouse in (father, mother):
            batch.documents.append(dict(owner_id_number=spouse["id_number"], doc_type="giay_chung_nhan_ket_hon",
                                                number=number, issued_on=wedding,
                                                issuer_agency=f"H{commune.province_code}.X{commune.code}.UB", data={}))
        for _ in range(rng.choice((0, 1, 1, 2, 2, 3))):
            born = wedding + timedelta(days=rng.randint(300, 20 * 365))
            if born >= TODAY:
                continue
            child = self._person(batch, rng.choice("MF"), born, family, commune, code, address,
                                 father["id_number"], mother["id_number"])
            birth_number = self._event(batch, "birth", born, commune, child["id_number"], mother["id_number"])
            batch.documents.append(dict(owner_id_number=child["id_number"], doc_type="giay_khai_sinh",
                                                number=birth_number, issued_on=born,
                                                issuer_agency=f"H{commune.province_code}.X{commune.code}.UB", data={}))
        if rng.random() < 0.15:
            elder = self._person(batch, rng.choice("MF"), self._birth(70, 95), family, commune, code, address)
            if rng.random() < 0.1:
                self._event(batch, "death", TODAY - timedelta(days=rng.randint(1, 300)), commune, elder["id_number"])
        if rng.random() < 0.06:
            self.business_number += 1
            household = dict(
                registration_number=f"{commune.province_code}{self.business_number:011d}",
                tax_code=f"8{self.business_number:09d}", name=f"{rng.choice(TRADES)} {father['full_name']}",
                kind="household", owner_id_number=father["id_number"], representative_title="Chủ hộ kinh doanh",
                commune_code=commune.code, status="active", registered_on=TODAY - timedelta(days=rng.randint(30, 3650)))
            batch.businesses.append(household)
            if self.business_number % 5 == 0:  # one owner in five also runs a company (no draw: the rest is unchanged)
                self.business_number += 1
                code = f"0{commune.province_code}{self.business_number:07d}"  # an enterprise code is its tax code
                batch.businesses.append({**household, "registration_number": code, "tax_code": code,
                                         "name": f"Công ty TNHH {household['name']}", "kind": "enterprise",
                                         "representative_title": "Giám đốc"})

    def batches(self, people: int, batch_size: int = 20_000) -> Iterator[Batch]:
        batch, made, index = Batch(), 0, self.first_household
        while made < people:
            before = len(batch.people)
            self.household(batch, index)
            index += 1
            made += len(batch.people) - before
            if len(batch.people) >= batch_size:
                yield batch
                batch = Batch()
        if batch.people:
            yield batch


def _copy(model, rows: list[dict]) -> None:
    """PostgreSQL COPY of rows given as dicts of field values (timestamps filled here)."""
    fields = [f for f in model._meta.concrete_fields if f.column != "id"]
    columns = ", ".join(f.column for f in fields)
    now = timezone.now()
    stamped = {f.attname for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)}
    with connection.cursor() as cursor, cursor.connection.cursor().copy(
            f"COPY {model._meta.db_table} ({columns}) FROM STDIN") as copy:
        defaults = {f.attname: f.get_default() for f in fields}  # fields the generator leaves unset
        for row in rows:
            values = {**defaults, **row}
            copy.write_row([now if f.attname in stamped else Jsonb(values[f.attname]) if isinstance(f, JSONField)
                            else values[f.attname] for f in fields])


def write(batch: Batch) -> None:
    with transaction.atomic():
        for model, rows in ((Person, batch.people), (CivilEvent, batch.events), (Enterprise, batch.businesses),
                            (HeldDocument, batch.documents)):
            if not rows:
                continue
            if connection.vendor == "postgresql":
                _copy(model, rows)
            else:
                model.objects.bulk_create([model(**row) for row in rows], batch_size=2000)


def generate(people: int, seed: int = 2026, batch_size: int = 20_000,
             progress: Callable[[int, int], None] | None = None) -> int:
    """Create about ``people`` people (whole households); returns how many were written."""
    written = 0
    for batch in Generator(seed).continue_after().batches(people, batch_size):
        write(batch)
        written += len(batch.people)
        if progress:
            progress(written, people)
    return written
