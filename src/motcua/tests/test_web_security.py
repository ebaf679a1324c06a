"""Production settings pass Django's deployment checks; behind a TLS proxy the site is HTTPS-only; every page
carries a strict Content-Security-Policy and keeps to it (no inline script or style)."""

import base64
import re
import secrets
import subprocess
import sys
from urllib.parse import urlencode

import pytest
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client

from motcua.catalog.models import Procedure
from motcua.catalog.services import spec_of
from motcua.demo.seeding import APP_CLIENT_ID, DEMO_CITIZENS, app_redirect_uris
from motcua.demo.testing import log_in_citizen, log_in_official, official_actor, sample_submission
from motcua.dossiers import services
from motcua.eid.models import EidAccount
from motcua.identity.actors import Role, citizen_actor
from motcua.petitions import services as petitions
from motcua.proactive.models import Offer

PUBLIC_HOST = "dichvucong.example.vn"
# The documented production configuration: HTTPS behind a proxy, no published default secret, a real gateway.
PRODUCTION = {
    "MOTCUA_HTTPS": "1",
    "MOTCUA_DEBUG": "0",
    "MOTCUA_DEMO": "0",
    "MOTCUA_SECRET_KEY": secrets.token_urlsafe(50),
    "MOTCUA_VNPAY_HASH_SECRET": secrets.token_urlsafe(32),
    "MOTCUA_OIDC_CLIENT_SECRET": secrets.token_urlsafe(32),
    "MOTCUA_KEY_ENCRYPTION_KEYS": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
    "MOTCUA_ALLOWED_HOSTS": f"{PUBLIC_HOST},127.0.0.1",  # the public name, and the address the proxy probes
    "MOTCUA_PUBLIC_URL": f"https://{PUBLIC_HOST}",
    "MOTCUA_OIDC_DISCOVERY_URL": "https://eid.example.vn/.well-known/openid-configuration",
    "MOTCUA_VNPAY_PAY_URL": "https://gateway.example.vn/paymentv2/vpcpay.html",
    "MOTCUA_VNPAY_API_URL": "https://gateway.example.vn/merchant_webapi/api/transaction",
    "MOTCUA_NATIONAL_PORTAL_URL": "https://dichvucong.example.vn/api/integration",
    "MOTCUA_NATIONAL_PORTAL_USERNAME": "motcua-province",
    "MOTCUA_NATIONAL_PORTAL_PASSWORD": secrets.token_urlsafe(32),
    "MOTCUA_SIGNING_BACKEND": "pkcs12",  # the deployment's own keys, never the development CA
    "MOTCUA_SIGNING_TSA": "http",  # a trusted time-stamping authority's, never the bundled one
    "MOTCUA_SIGNING_TSA_URL": "https://tsa.example.vn/tsr",
    "MOTCUA_PRIVACY_CONTROLLER": "Văn phòng Ủy ban nhân dân thành phố Hà Nội",
    "MOTCUA_PRIVACY_CONTACT": "dulieucanhan@example.vn",
    "MOTCUA_UPLOAD_SCANNER": "clamav",
    "MOTCUA_CLAMD_ADDRESS": "unix:///run/clamav/clamd.ctl",
    "MOTCUA_SMTP_HOST": "smtp.example.vn",  # notifications by e-mail, over TLS
    "MOTCUA_SMTP_SECURITY": "starttls",
}
INLINE = re.compile(r"""<style|\sstyle\s*=|\son[a-z]+\s*=|javascript:|<script(?![^>]*\ssrc=)""", re.I)


@pytest.mark.own_servers
def test_the_production_configuration_passes_the_deployment_checks(server_env):
    # The settings are read when imported: check them in a process of their own.
    result = subprocess.run([sys.executable, "-m", "motcua.cli", "check", "--deploy", "--fail-level", "WARNING"],
                            env={**server_env, **PRODUCTION, "MOTCUA_SIGNING_PKCS12_DIR": server_env["MOTCUA_VAR_DIR"]},
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.own_servers
def test_behind_the_tls_proxy_the_site_is_https_only(start_server):
    port = start_server([sys.executable, "-m", "gunicorn", "motcua.wsgi", "--bind", "127.0.0.1:{port}"],
                        **PRODUCTION)
    site = f"http://127.0.0.1:{port}"
    through_proxy = {"Host": PUBLIC_HOST, "X-Forwarded-Proto": "https"}

    plain = requests.get(f"{site}/thu-tuc/", headers={"Host": PUBLIC_HOST}, allow_redirects=False, timeout=10)
    assert plain.status_code == 301 and plain.headers["Location"] == f"https://{PUBLIC_HOST}/thu-tuc/"

    page = requests.get(f"{site}/", headers=through_proxy, timeout=10)
    assert page.status_code == 200
    assert page.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert "form-action 'self' https://dichvucong.example.vn https://eid.example.vn https://gateway.example.vn" \
        in page.headers["Content-Security-Policy"]
    csrf_cookie = next(c for c in page.cookies if c.name == "__Host-csrftoken")  # this host only, whole site
    assert csrf_cookie.secure and csrf_cookie.path == "/" and not csrf_cookie.domain_specified
    assert page.headers["Cache-Control"] == "no-store, private"

    def switch_language(origin: str) -> int:
        return requests.post(f"{site}/i18n/setlang/", data={"language": "en", "next": "/",
                                                            "csrfmiddlewaretoken": csrf_cookie.value},
                             headers={**through_proxy, "Origin": origin, "Referer": f"{origin}/"},
                             cookies={"__Host-csrftoken": csrf_cookie.value}, allow_redirects=False, timeout=10).status_code

    assert switch_language(f"https://{PUBLIC_HOST}") == 302  # a form posted from the public address is accepted
    assert switch_language("https://elsewhere.example") == 403
    # The proxy's own health probe speaks plain HTTP.
    assert requests.get(f"{site}/api/health", headers={"Host": PUBLIC_HOST}, allow_redirects=False,
                        timeout=10).status_code == 200


@pytest.fixture
def pages(client, seeded):
    """Every kind of page, with a dossier to show: (client, url) for the public, a citizen and an official."""
    an = DEMO_CITIZENS[0]
    spec = spec_of(Procedure.objects.get(code="1.001193").current_version)
    code = services.submit(sample_submission(spec), citizen_actor(an.id_number, an.name, 2))[0].code
    asked = services.submit(sample_submission(spec), citizen_actor(an.id_number, an.name, 2))[0]  # a supplement
    receiver = official_actor(asked.agency.code, Role.RECEIVER)
    services.act(asked.code, "receive", receiver)
    services.act(asked.code, "request_supplement", receiver, "Thiếu giấy chứng sinh",
                 {"missing_evidence": ["giay_chung_sinh"], "fields_to_correct": ["birth_place"]})
    offer = Offer.objects.create(person_id_number=an.id_number, rule="id-card-renewal", procedure_code="1.014063",
                                 subject="40", prefill={"renewal_age": "40"}, reason_vi="Đến tuổi cấp đổi thẻ.",
                                 reason_en="A renewal age.")  # the inbox's "Suggested for you" section
    petition = petitions.send(petitions.Draft("feedback", "dossier", "Chờ lâu", "Chờ lâu.", dossier_code=code),
                              citizen_actor(an.id_number, an.name, 2))
    citizen, official = Client(), Client()
    log_in_citizen(citizen, an)
    log_in_official(official, "hoankiem.motcua")
    public = ["/", "/thu-tuc/?q=khai+sinh", "/thu-tuc/1.001193/", "/thu-tuc/1.013225/", "/tra-cuu/", f"/tra-cuu/{code}",
              "/dang-nhap/xong/", "/eid/dang-nhap/", "/backoffice/dang-nhap/", "/chi-so/", "/chi-so/tinh/01/",
              "/chi-so/xa/00070/", "/chi-so/?partial=1", "/chi-so/bo/BTP/", "/chi-so/bo/BTP/linh-vuc/ho_tich/",
              "/chi-so/bo/BTP/thu-tuc/1.001193/", "/chi-so/bo/BTP/thu-tuc/1.001193/tinh/01/", "/xac-thuc/",
              "/quyen-rieng-tu/", "/sandbox-gateway/paymentv2/vpcpay.html",
              "/lien-thong/LT.KHAITU/", "/khong-co-trang-nay/", "/phan-anh-kien-nghi/"]
    mine = ["/thu-tuc/1.001193/nop/", "/ho-so/", f"/ho-so/{code}/", "/kho-du-lieu/", "/ai-da-xem-du-lieu/",
            f"/ho-so/{asked.code}/", "/thong-bao/", "/thong-bao/cai-dat/", "/lien-thong/LT.KHAISINH/",
            f"/thu-tuc/1.014063/nop/?offer={offer.pk}", "/phan-anh-kien-nghi/gui/", "/phan-anh-kien-nghi/cua-toi/",
            f"/phan-anh-kien-nghi/{petition.code}/", "/uy-quyen/", "/thu-tuc/2.000635/nop/?for=001316999001&filed_as=parent"]
    work = ["/backoffice/", f"/backoffice/ho-so/{code}/", "/backoffice/tiep-nhan/", "/backoffice/tiep-nhan/1.001193/",
            "/backoffice/phan-anh-du-lieu/", "/backoffice/doi-soat-thanh-toan/", f"/backoffice/ho-so/{asked.code}/",
            "/backoffice/thong-bao/", "/backoffice/doi-soat-du-lieu/", "/backoffice/trao-doi-du-lieu/",
            "/backoffice/phan-anh-kien-nghi/", "/backoffice/bieu-phi/"]
    # An's company: its e-ID login's pages, and the provider's choice of organisation (An logged in there).
    company, for_company = Client(), Client()
    log_in_citizen(company, an)
    session = company.session
    session["citizen"] = {**session["citizen"], "organisation": {"code": "0109876543", "name": "Công ty"}}
    session.save()
    for_company.force_login(get_user_model().objects.get(username=an.id_number))
    choice = "/eid/authorize/?" + urlencode({
        "response_type": "code", "client_id": settings.OIDC["CLIENT_ID"], "scope": "openid profile organisation",
        "redirect_uri": f"{settings.PUBLIC_URL}/dang-nhap/xong/", "state": "s", "nonce": "n",
        "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", "code_challenge_method": "S256"})
    organisation = [(company, "/to-chuc/"), (company, "/to-chuc/giao-quyen/"), (citizen, "/to-chuc/"),
                    (company, "/thu-tuc/1.000355/nop/?to-chuc=0109876543"), (for_company, choice)]
    at_the_provider = Client()  # logged in at the bundled e-ID provider; the mobile app asks for consent
    at_the_provider.force_login(EidAccount.objects.get(id_number=an.id_number).user)
    consent = "/eid/authorize/?" + urlencode({
        "client_id": APP_CLIENT_ID, "response_type": "code", "redirect_uri": app_redirect_uris().split()[0],
        "scope": "dossiers:read payments", "code_challenge": "c" * 43, "code_challenge_method": "S256"})
    return ([(client, url) for url in public] + [(citizen, url) for url in mine] + [(official, url) for url in work]
            + organisation + [(at_the_provider, consent)])


def test_every_page_has_the_security_policy_and_no_inline_script_or_style(pages):
    for client, url in pages:
        response = client.get(url)
        assert response.status_code in (200, 400, 404), url
        policy = dict(directive.strip().split(" ", 1) for directive in response["Content-Security-Policy"].split(";"))
        assert policy["default-src"] == "'self'" and policy["object-src"] == "'none'", url
        assert policy["frame-ancestors"] == "'none'" and policy["base-uri"] == "'self'", url
        assert "script-src" not in policy and "style-src" not in policy, url  # 'self' only, from default-src
        assert response["Referrer-Policy"] == "same-origin" and "camera=()" in response["Permissions-Policy"], url
        html = response.content.decode()
        assert "<html" in html or url.endswith("partial=1"), url
        assert not INLINE.search(html), (url, INLINE.search(html))


def test_the_api_documentation_page_uses_no_inline_script(client):
    html = client.get("/api/docs").content.decode()
    # The settings of Swagger UI are data (application/json), which the policy does not run.
    assert not INLINE.search(re.sub(r'<script type="application/json".*?</script>', "", html, flags=re.S))
    assert "/static/ninja/swagger-ui-init.js" in html


@pytest.mark.parametrize("method", ["TRACE", "CONNECT", "PROPFIND"])
def test_methods_nobody_serves_are_refused(client, seeded, method):
    for path in ("/", "/api/health", "/backoffice/dang-nhap/"):
        response = client.generic(method, path)
        assert response.status_code == 405 and "GET" in response["Allow"]


def test_the_api_reads_a_body_only_as_json(client, seeded):
    from motcua.identity.callers import issue_token
    from motcua.identity.models import Official

    token = issue_token(Official.objects.get(user__username="hoankiem.motcua"))
    for content_type in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"):
        response = client.post("/api/dossiers/H01-NOSUCH/receive", '{"reason": ""}', content_type=content_type,
                               HTTP_AUTHORIZATION=f"Bearer {token}")
        assert response.status_code == 415, (content_type, response.content)
        assert response.json()["code"] == "unsupported_media_type"
    problem = client.post("/api/dossiers/H01-NOSUCH/receive", '{"reason": ""}',
                          content_type="application/problem+json", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert problem.status_code == 404  # a JSON media type is read, and the dossier is not found


def test_the_database_url_carries_its_tls_settings():
    from motcua.settings import database_from_url

    options = database_from_url("postgres://motcua@db.internal:5432/motcua?sslmode=verify-full"
                                "&sslrootcert=/etc/motcua/db-ca.pem")["OPTIONS"]
    assert options == {"sslmode": "verify-full", "sslrootcert": "/etc/motcua/db-ca.pem"}
    with pytest.raises(ValueError, match="sslmod"):
        database_from_url("postgres://motcua@db.internal/motcua?sslmod=require")  # misspelt: no silent plain text
