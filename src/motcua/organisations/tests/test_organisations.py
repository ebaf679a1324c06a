"""Organisations as applicants, through the whole stack: the organisation's e-ID login at the bundled provider
(a real OpenID Connect code flow, answered in-process) checked against the enterprise registry, its dossiers
filed and tracked, staff delegations used, revoked and expired."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client, RequestFactory
from django.utils import timezone
from oauth2_provider.models import Application

from motcua.catalog.models import Procedure
from motcua.catalog.services import spec_of
from motcua.demo.seeding import DEMO_CITIZENS, DEMO_ORGANISATIONS, DEMO_PASSWORD
from motcua.demo.testing import log_in_citizen, log_in_official, sample_value, scans_of
from motcua.dossiers import services
from motcua.dossiers.models import Dossier
from motcua.eid.models import EidAccount, EidOrganisation
from motcua.identity.actors import actor_for_official
from motcua.identity.callers import citizen_from_session
from motcua.identity.models import Official
from motcua.organisations.models import StaffDelegation
from motcua.registries.models import Enterprise

AN, BINH, CUONG = DEMO_CITIZENS
COMPANY = DEMO_ORGANISATIONS[0]
CUSTOMS = "1.000355"  # an advance tariff ruling: organisations and persons file it


@pytest.fixture
def portal_client(client, seeded):
    Application.objects.filter(client_id=settings.OIDC["CLIENT_ID"]).update(
        redirect_uris="http://testserver/dang-nhap/xong/", post_logout_redirect_uris="http://testserver/")
    return client


def csrf_token(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]*)"', page).group(1)


def organisation_login(client, person=AN, organisation=COMPANY.code):
    """The portal's organisation login, as a browser goes: to the provider, the person's own password, the
    choice of organisation there, back to the portal."""
    page = client.get("/dang-nhap/", {"to-chuc": "1", "next": "/to-chuc/"}, follow=True)
    assert page.request["PATH_INFO"] == "/eid/dang-nhap/"
    choice = client.post(page.request["PATH_INFO"] + "?" + page.request["QUERY_STRING"], {
        "username": person.id_number, "password": DEMO_PASSWORD, "next": page.context["next"]}, follow=True)
    assert choice.request["PATH_INFO"] == "/eid/authorize/"
    form = choice.context["form"]
    hidden = {name: form[name].value() or "" for name in form.fields if form[name].is_hidden}
    return client.post("/eid/authorize/", {**hidden, "organisation": organisation, "allow": "on"}, follow=True)


def test_an_organisation_logs_in_through_its_representative(portal_client):
    response = organisation_login(portal_client)
    assert response.request["PATH_INFO"] == "/to-chuc/", response.content.decode()[:2000]
    session = portal_client.session["citizen"]
    assert session["id_number"] == AN.id_number
    assert session["organisation"] == {"code": COMPANY.code, "tax_code": COMPANY.code, "name": COMPANY.name,
                                       "kind": "enterprise", "role": "Giám đốc"}
    page = response.content.decode()
    assert COMPANY.name in page and "Giám đốc" in page


def test_the_provider_offers_only_the_organisations_the_person_represents(portal_client):
    page = portal_client.get("/dang-nhap/", {"to-chuc": "1"}, follow=True)
    choice = portal_client.post(page.request["PATH_INFO"] + "?" + page.request["QUERY_STRING"], {
        "username": BINH.id_number, "password": DEMO_PASSWORD, "next": page.context["next"]}, follow=True)
    assert list(choice.context["organisations"]) == []
    form = choice.context["form"]
    hidden = {name: form[name].value() or "" for name in form.fields if form[name].is_hidden}
    refused = portal_client.post("/eid/authorize/", {**hidden, "organisation": COMPANY.code, "allow": "on"})
    assert refused.status_code == 400 and "citizen" not in portal_client.session


def test_a_person_the_registry_does_not_name_cannot_log_in_for_the_organisation(portal_client):
    # The provider's account says Bình represents the company; the enterprise registry says An does.
    EidOrganisation.objects.filter(code=COMPANY.code).update(
        representative=EidAccount.objects.get(id_number=BINH.id_number))
    response = organisation_login(portal_client, person=BINH)
    assert response.status_code == 403 and "citizen" not in portal_client.session
    page = response.content.decode()
    assert "không phải người đại diện theo pháp luật" in page and COMPANY.name in page


def file_for_the_organisation(client, code=CUSTOMS, organisation=COMPANY.code):
    """The portal's form for the organisation: pre-filled from the registry, then submitted."""
    form_page = client.get(f"/thu-tuc/{code}/nop/", {"to-chuc": organisation})
    if form_page.status_code != 200:
        return form_page
    spec = spec_of(Procedure.objects.get(code=code).current_version)
    key = form_page.context["idempotency_key"]
    data = {"to-chuc": organisation, "idempotency_key": key, "applicant.phone": "0912345678",
            "commune_code": "00070", "province_code": "01"}
    data.update({f"form.{f.name}": sample_value(f) for f in spec.fields})
    files = {f"file.{e.code}": scan for e in spec.evidence if e.required and not e.source and not e.filled_online
             for scan in [_upload(e.code)]}
    return client.post(f"/thu-tuc/{code}/nop/", {**data, **files})


def _upload(code):
    from django.core.files.uploadedfile import SimpleUploadedFile

    scan = scans_of(code)[0]
    return SimpleUploadedFile(scan.name, scan.data, content_type="application/pdf")


def test_an_organisation_files_a_dossier_and_tracks_it(portal_client):
    organisation_login(portal_client)
    response = file_for_the_organisation(portal_client)
    assert response.status_code == 302, response.content.decode()[:3000]
    dossier = Dossier.objects.get()
    assert (dossier.applicant_kind, dossier.applicant_id_number, dossier.applicant_name) == (
        "organisation", COMPANY.code, COMPANY.name)
    assert (dossier.filer_id_number, dossier.filed_as, dossier.mandate) == (
        AN.id_number, "legal_representative", f"enterprise:{COMPANY.code}")
    assert dossier.provenance["applicant.name"]["registry"] == "organisation"
    assert dossier.provenance["evidence.thong_tin_doanh_nghiep"]["found"] is True
    assert dossier.code in portal_client.get("/to-chuc/").content.decode()
    assert portal_client.get(f"/ho-so/{dossier.code}/").status_code == 200
    # The customs department's official sees the organisation and who filed for it.
    user = get_user_model().objects.create_user("hq.tiepnhan", password=DEMO_PASSWORD)
    Official.objects.create(user=user, agency=dossier.agency, role="receiver", full_name="Cán bộ hải quan")
    page = log_in_official(Client(), "hq.tiepnhan").get(f"/backoffice/ho-so/{dossier.code}/").content.decode()
    assert 'data-testid="applicant-organisation"' in page and COMPANY.name in page and COMPANY.code in page
    assert AN.name in page and "Người đại diện theo pháp luật của tổ chức" in page
    # Received at the customs: the organisation tracks it.
    services.act(dossier.code, "receive", actor_for_official(Official.objects.get(user=user)))
    tracked = portal_client.get("/to-chuc/").content.decode()
    assert Dossier.objects.get().get_status_display() in tracked


def session_actor(client):
    """The Actor of a test client's portal session."""
    request = RequestFactory().get("/")
    request.session = client.session
    return citizen_from_session(request)


def delegate(client, staff=BINH, procedures=(CUSTOMS,), days=30):
    return client.post("/to-chuc/giao-quyen/", {"staff_id_number": staff.id_number, "staff_name": staff.name,
                                                "expires_on": (timezone.localdate() + timedelta(days=days)).isoformat(),
                                                "procedures": list(procedures)})


def test_a_staff_delegation_is_used_then_revoked(portal_client):
    organisation_login(portal_client)
    assert delegate(portal_client).status_code == 302
    delegation = StaffDelegation.objects.get()
    assert (delegation.staff_id_number, delegation.procedures) == (BINH.id_number, [CUSTOMS])
    staff = log_in_citizen(Client(), BINH)
    assert f"?to-chuc={COMPANY.code}" in staff.get("/to-chuc/").content.decode()
    assert file_for_the_organisation(staff).status_code == 302
    dossier = Dossier.objects.get()
    assert (dossier.filer_id_number, dossier.filed_as, dossier.mandate) == (
        BINH.id_number, "staff", f"delegation:{delegation.pk}")
    assert staff.get(f"/ho-so/{dossier.code}/").status_code == 200
    assert dossier.code in portal_client.get("/to-chuc/").content.decode()  # the representative sees it too
    # Staff act on the organisation's dossiers, for the organisation, as the journal records.
    file_for_the_organisation(portal_client)
    by_an = Dossier.objects.get(filer_id_number=AN.id_number)
    assert staff.get(f"/ho-so/{by_an.code}/").status_code == 200
    services.act(by_an.code, "withdraw", session_actor(staff), "Khai nhầm hàng hóa")
    assert by_an.actions.last().actor_organisation == COMPANY.code
    # Another procedure is outside the delegation.
    outside = file_for_the_organisation(staff, code="2.001610")
    assert outside.status_code == 403 and "chỉ giao cho bạn nộp" in outside.content.decode()
    # Revoked: refused at once, to file and to read.
    assert portal_client.post(f"/to-chuc/giao-quyen/{delegation.pk}/thu-hoi/").status_code == 302
    refused = file_for_the_organisation(staff)
    assert refused.status_code == 403 and "đã thu hồi" in refused.content.decode()
    assert staff.get(f"/ho-so/{dossier.code}/").status_code == 403
    assert dossier.code not in staff.get("/ho-so/").content.decode()


def test_an_expired_delegation_is_refused(portal_client):
    organisation_login(portal_client)
    delegate(portal_client, days=0)
    StaffDelegation.objects.update(expires_on=timezone.localdate() - timedelta(days=1))
    staff = log_in_citizen(Client(), BINH)
    refused = file_for_the_organisation(staff)
    assert refused.status_code == 403 and "đã hết hạn" in refused.content.decode()


def test_only_the_representative_grants(portal_client):
    staff = log_in_citizen(Client(), BINH)
    assert staff.get("/to-chuc/giao-quyen/").status_code == 403
    organisation_login(portal_client)
    bad = delegate(portal_client, staff=AN)
    assert bad.status_code == 422 and not StaffDelegation.objects.exists()


def test_a_representative_the_registry_no_longer_names_loses_the_organisation_at_once(portal_client):
    organisation_login(portal_client)
    assert file_for_the_organisation(portal_client).status_code == 302
    dossier = Dossier.objects.get()
    Enterprise.objects.filter(tax_code=COMPANY.code).update(owner_id_number=BINH.id_number)  # a new director
    assert portal_client.get(f"/ho-so/{dossier.code}/").status_code == 403
    assert dossier.code not in portal_client.get("/ho-so/").content.decode()
    refused = file_for_the_organisation(portal_client)
    assert refused.status_code == 403 and "không còn là người đại diện" in refused.content.decode()
