"""A real Chromium: an organisation logs in through its legal representative's e-ID (choosing the company at
the provider), files an advance customs ruling pre-filled from the enterprise registry, and finds it in the
organisation's dossiers."""

import pytest

from motcua.demo.seeding import DEMO_ORGANISATIONS, sample_scan
from motcua.dossiers.models import Dossier
from motcua.portal.tests.test_browser import (  # noqa: F401 — the browser and the provider's loopback fixtures
    browser,
    provider_accepts_any_loopback_port,
    pytestmark,
    shot,
)

COMPANY = DEMO_ORGANISATIONS[0]


@pytest.mark.django_db(transaction=True)
def test_an_organisation_logs_in_and_files(live_server, seeded, settings, browser, tmp_path):  # noqa: F811
    settings.DEMO_MODE = True
    base = live_server.url
    page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN").new_page()
    page.goto(f"{base}/")
    page.click("[data-testid=login-organisation]")
    page.wait_for_selector("#id_username")
    page.fill("#id_username", COMPANY.representative.id_number)
    page.fill("#id_password", "motcua-demo")
    page.click("button[type=submit]")
    page.wait_for_selector("input[name=organisation]")  # the provider asks which organisation
    assert COMPANY.name in page.content()
    shot(page, "org-01-choose-organisation")
    page.click("button[name=allow]")
    page.wait_for_url(f"{base}/to-chuc/")
    assert COMPANY.name in page.inner_text("[data-testid=acting-for]")
    shot(page, "org-02-organisation")

    page.click("[data-testid='file-1.000355']")
    page.wait_for_selector("[data-testid=organisation-applicant]")
    assert COMPANY.code in page.inner_text("[data-testid=organisation-applicant]")
    page.fill("#i-goods_description", "Máy pha cà phê dùng điện, công suất 1.500 W")
    page.select_option("#i-direction", "import")
    page.fill("#i-phone", "0912345678")
    scan = tmp_path / "catalogue.pdf"
    scan.write_bytes(sample_scan())
    page.set_input_files("#file-tai_lieu_ky_thuat", str(scan))
    shot(page, "org-03-form")
    page.click("button[data-once]")
    page.wait_for_selector("[data-testid=dossier-code]")
    code = page.inner_text("[data-testid=dossier-code]")
    dossier = Dossier.objects.get(code=code)
    assert (dossier.applicant_kind, dossier.applicant_id_number, dossier.filed_as) == (
        "organisation", COMPANY.code, "legal_representative")
    page.goto(f"{base}/to-chuc/")
    assert code in page.inner_text("[data-testid=organisation-dossiers]")
    shot(page, "org-04-dossiers")
