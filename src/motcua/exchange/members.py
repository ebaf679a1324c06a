"""Managing the member directory (the back office and ``motcua exchange`` call these): members, their systems
and certificates, the services they publish, access rights, approved CAs and revoked certificates. Input is
checked field by field; every change counts the directory's generation up."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cryptography import x509
from django.db import transaction

from motcua.core.errors import FieldError, Invalid, NotFound
from motcua.exchange import directory, protocol
from motcua.exchange.models import AccessRight, DirectoryState, Member, Service, System


def _invalid(field: str, vi: str, en: str) -> Invalid:
    return Invalid("invalid", vi, en, field)


def _certificates(text: str, field: str = "certificates") -> str:
    try:
        certs = directory.load_pems(text)
    except ValueError:
        certs = []
    if text.strip() and not certs:
        raise _invalid(field, "Không đọc được chứng thư số (PEM).", "The certificate (PEM) cannot be read.")
    return "".join(directory.pem(c) for c in certs)


def add_member(code: str, name_vi: str, name_en: str = "", kind: str = "agency") -> Member:
    errors = []
    if not protocol.MEMBER_CODE.fullmatch(code):
        errors.append(FieldError("code", "invalid", "Mã thành viên gồm chữ in hoa, chữ số, dấu gạch ngang.",
                                 "A member code is capital letters, digits and hyphens."))
    if not name_vi.strip():
        errors.append(FieldError("name_vi", "required", "Cần tên thành viên.", "The member's name is required."))
    if kind not in dict(Member.KINDS):
        errors.append(FieldError("kind", "invalid", "Loại thành viên không hợp lệ.", "Unknown kind of member."))
    if errors:
        raise Invalid("invalid", errors[0].vi, errors[0].en, errors=errors)
    member, _ = Member.objects.update_or_create(code=code, defaults={"name_vi": name_vi.strip(),
                                                                     "name_en": name_en.strip(), "kind": kind})
    return member


def add_system(ident: str, name_vi: str, address: str = "", certificates: str = "", name_en: str = "") -> System:
    if not protocol.SYSTEM_ID.fullmatch(ident):
        raise _invalid("ident", "Mã hệ thống có dạng <MÃ THÀNH VIÊN>.<mã hệ thống>, ví dụ BCA.dancu.",
                       "A system id is <MEMBER>.<system>, e.g. BCA.dancu.")
    if address and not address.startswith(("https://", "http://")):
        raise _invalid("address", "Địa chỉ phải là URL http(s).", "The address must be an http(s) URL.")
    member = Member.objects.filter(code=ident.split(".")[0]).first()
    if member is None:
        raise _invalid("ident", "Chưa có thành viên này trong danh bạ.", "No such member in the directory.")
    system, _ = System.objects.update_or_create(ident=ident, defaults={
        "member": member, "name_vi": name_vi.strip() or ident, "name_en": name_en.strip(),
        "address": address.rstrip("/"), "certificates": _certificates(certificates)})
    return system


def add_certificate(ident: str, certificate_pem: str) -> System:
    system = System.objects.filter(ident=ident).first()
    if system is None:
        raise NotFound(ident)
    system.certificates = _certificates(system.certificates + _certificates(certificate_pem, "certificate"))
    system.save(update_fields=["certificates"])
    return system


def add_service(provider: str, code: str, title_vi: str, title_en: str = "",
                request_schema: Mapping[str, Any] | None = None,
                response_schema: Mapping[str, Any] | None = None) -> Service:
    system = System.objects.filter(ident=provider).first()
    if system is None:
        raise _invalid("provider", "Chưa có hệ thống này trong danh bạ.", "No such system in the directory.")
    if not protocol.SERVICE_CODE.fullmatch(code):
        raise _invalid("code", "Mã dịch vụ có dạng chữ thường nối bằng dấu chấm, ví dụ population.person.",
                       "A service code is lower-case words joined by dots, e.g. population.person.")
    service, _ = Service.objects.update_or_create(provider=system, code=code, defaults={
        "title_vi": title_vi.strip() or code, "title_en": title_en.strip(),
        "request_schema": dict(request_schema or {}), "response_schema": dict(response_schema or {})})
    return service


def grant(consumer: str, provider: str, service: str, purposes: Mapping[str, str]) -> AccessRight:
    """Let ``consumer`` call ``provider``'s ``service`` for these purposes (code → legal basis); replaces the
    purposes of an existing right."""
    system = System.objects.filter(ident=consumer).first()
    if system is None:
        raise _invalid("consumer", "Chưa có hệ thống này trong danh bạ.", "No such system in the directory.")
    found = Service.objects.filter(provider__ident=provider, code=service).first()
    if found is None:
        raise _invalid("service", "Hệ thống cung cấp không công bố dịch vụ này.",
                       "The providing system publishes no such service.")
    if not purposes:
        raise _invalid("purposes", "Cần ít nhất một mục đích và căn cứ pháp lý.",
                       "At least one purpose and its legal basis are required.")
    for code, basis in purposes.items():
        if not protocol.TOKEN.fullmatch(code) or not protocol.TOKEN.fullmatch(basis):
            raise _invalid("purposes", "Mục đích và căn cứ pháp lý là mã ASCII, ví dụ prefill=47/2020/ND-CP.",
                           "Purposes and legal bases are ASCII codes, e.g. prefill=47/2020/ND-CP.")
    right, _ = AccessRight.objects.update_or_create(consumer=system, service=found,
                                                    defaults={"purposes": dict(purposes)})
    return right


def withdraw(consumer: str, provider: str, service: str) -> int:
    deleted, _ = AccessRight.objects.filter(consumer__ident=consumer, service__provider__ident=provider,
                                            service__code=service).delete()
    return deleted


@transaction.atomic
def add_anchor(certificate_pem: str) -> int:
    """Approve a CA: certificates it issues may sign members' calls."""
    new = directory.load_pems(_certificates(certificate_pem, "certificate"))
    state, _ = DirectoryState.objects.select_for_update().get_or_create(pk=1)
    known = directory.load_pems(state.trust_anchors)
    merged = known + [c for c in new if c not in known]
    DirectoryState.objects.filter(pk=1).update(trust_anchors="".join(directory.pem(c) for c in merged))
    directory.changed()
    return len(merged)


@transaction.atomic
def revoke_certificate(serial_hex: str) -> None:
    serial = serial_hex.lower().removeprefix("0x")
    try:
        int(serial, 16)
    except ValueError:
        raise _invalid("serial", "Số hiệu chứng thư là số hệ 16.", "A certificate serial is hexadecimal.") from None
    state, _ = DirectoryState.objects.select_for_update().get_or_create(pk=1)
    DirectoryState.objects.filter(pk=1).update(revoked=sorted(set(state.revoked) | {serial}))
    directory.changed()


def serial_of(certificate: x509.Certificate) -> str:
    return format(certificate.serial_number, "x")
