"""A real Chromium: a citizen sends a petition, the agency's official answers it, the citizen rates the answer,
and the agency's page of the service index measures both petition metrics."""

import pytest

from motcua.demo.seeding import DEMO_AGENCIES
from motcua.petitions.models import Petition
from motcua.portal.tests.test_browser import (  # noqa: F401 — fixtures
    browser,
    official_page,
    provider_accepts_any_loopback_port,
    pytestmark,
    shot,
)

AGENCY = DEMO_AGENCIES["hoankiem"]


def petition_metrics(page) -> dict[str, str]:
    return {code: page.inner_text(f"[data-testid=groups] span[title={code}]")
            for code in ("PETITION_PROCESSING_ON_TIME", "PETITION_HANDLING_SATISFACTION")}


@pytest.mark.django_db(transaction=True)
def test_send_answer_rate_and_the_index_moves(live_server, seeded, settings, browser):  # noqa: F811
    settings.DEMO_MODE = True
    base = live_server.url
    dashboard = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN").new_page()
    dashboard.goto(f"{base}/chi-so/co-quan/{AGENCY}/")
    before = petition_metrics(dashboard)
    assert all("chưa đo" in text or "not measured" in text for text in before.values()), before

    citizen = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN").new_page()
    citizen.goto(f"{base}/phan-anh-kien-nghi/gui/?procedure=1.001193")
    citizen.wait_for_selector("#id_username")  # the e-ID login first, then back to the form
    citizen.fill("#id_username", "001090012345")
    citizen.fill("#id_password", "motcua-demo")
    citizen.click("button[type=submit]")
    citizen.wait_for_selector("[data-testid=petition-form]")
    citizen.click("[data-testid=petition-form] button[type=submit]")  # empty: each error beside its field
    assert citizen.locator(".field-error").count() >= 2
    citizen.check("input[name=kind][value=petition]")
    citizen.select_option("#place-province", "01")
    citizen.wait_for_function("() => document.querySelector('#place-commune').options.length > 10")
    citizen.select_option("#place-commune", "00070")
    citizen.fill("#subject", "Đề nghị thêm quầy buổi chiều thứ Bảy")
    citizen.fill("#content", "Người đi làm khó đến nộp hồ sơ trong giờ hành chính.")
    citizen.check("input[name=may_publish]")
    shot(citizen, "petition-01-form")
    citizen.click("[data-testid=petition-form] button[type=submit]")
    citizen.wait_for_url(f"{base}/phan-anh-kien-nghi/PAKN-*/")
    petition = Petition.objects.get()
    assert petition.agency.code == AGENCY

    official = official_page(browser, base, "hoankiem.motcua")
    official.goto(f"{base}/backoffice/phan-anh-kien-nghi/")
    card = official.locator(f"[id='{petition.code}']")
    assert petition.due_on.strftime("%d/%m/%Y") in card.inner_text()
    card.locator("textarea[name=answer]").fill("Từ tháng sau bộ phận một cửa làm việc thêm chiều thứ Bảy.")
    shot(official, "petition-02-answer")
    card.locator("button[type=submit]").click()
    official.wait_for_load_state()
    official.goto(f"{base}/backoffice/phan-anh-kien-nghi/?status=answered")
    assert "đúng hạn" in official.inner_text(f"[id='{petition.code}']")

    citizen.goto(f"{base}/phan-anh-kien-nghi/{petition.code}/")
    assert "chiều thứ Bảy" in citizen.inner_text("[data-testid=petition-answer]")
    citizen.check("input[name=satisfied][value=yes]")
    citizen.click("[data-testid=petition-rate-form] button[type=submit]")
    citizen.wait_for_selector("[data-testid=petition-rating]")
    shot(citizen, "petition-03-rated")

    dashboard.goto(f"{base}/chi-so/co-quan/{AGENCY}/")
    after = petition_metrics(dashboard)
    for code, text in after.items():  # one petition, answered on time, its answer rated satisfied: 6 of 6 each
        assert "1/1" in text and "chưa đo" not in text, (code, text)
    shot(dashboard, "petition-04-index")
    public = browser.new_context(locale="vi-VN").new_page()
    public.goto(f"{base}/phan-anh-kien-nghi/")
    assert petition.code in public.content() and "Nguyễn Văn An" not in public.content()
