"""A real Chromium walks one dossier from submission to returned result, saving screenshots."""

import os
from pathlib import Path

import pytest
from django.db import connections

from motcua.dossiers.models import Dossier

CHROMIUM = "/usr/bin/chromium"
SHOTS = Path(os.environ.get("MOTCUA_SCREENSHOTS", "test-artifacts/screenshots"))

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium package is not installed"),
]


@pytest.fixture
def browser():
    # Playwright's sync API runs an event loop in this thread; Django's ORM is used from the same thread.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-background-networking", "--disable-gpu", "--disable-dev-shm-usage"])
        yield chromium
        chromium.close()
        # ORM calls made while Playwright runs use their own context's connection: close it too,
        # or the test database cannot be dropped at the end of the run.
        connections.close_all()


def shot(page, name):
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def official_page(browser, base, username):
    page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN").new_page()
    page.goto(f"{base}/backoffice/")
    page.fill("#id_username", username)
    page.fill("#id_password", "motcua-demo")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/backoffice/")
    return page


def act(page, base, code, action):
    page.goto(f"{base}/backoffice/ho-so/{code}/")
    page.eval_on_selector(f"details[data-action={action}]", "d => { d.open = true; }")
    page.click(f"details[data-action={action}] button[type=submit]")
    page.wait_for_load_state()


@pytest.mark.django_db(transaction=True)
def test_submit_receive_process_return(live_server, seeded, settings, browser):
    settings.DEMO_MODE = True
    base = live_server.url
    citizen = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN").new_page()

    citizen.goto(f"{base}/")
    citizen.fill("input[name=q]", "khai sinh")
    citizen.click("form[role=search] button")
    shot(citizen, "01-catalog-search")
    citizen.click("text=Đăng ký khai sinh")
    assert "1.001193" in citizen.content()
    shot(citizen, "02-procedure")
    citizen.click("text=Nộp hồ sơ trực tuyến")
    # Real OpenID Connect login at the bundled e-ID provider, then back to the form.
    citizen.wait_for_selector("#id_username")
    shot(citizen, "02b-eid-login")
    citizen.fill("#id_username", "001090012345")
    citizen.fill("#id_password", "motcua-demo")
    citizen.click("button[type=submit]")
    citizen.wait_for_url(f"{base}/thu-tuc/1.001193/nop/")
    assert "Nguyễn Văn An" in citizen.content()

    preview = citizen.inner_text("[data-testid=prefill-preview]")
    assert "001185004321" in preview and "hộ tịch" in preview  # once-only: the mother's ID comes from the register
    assert citizen.input_value("#i-mother_id_number") == "001185004321"
    shot(citizen, "02c-prefilled-preview")
    citizen.fill("#i-relationship", "")
    citizen.click("button[data-once]")  # incomplete form first: every error shows next to its field
    assert citizen.locator(".field-error").count() >= 4
    shot(citizen, "03-submit-errors")
    citizen.select_option("#place-province", "01")
    citizen.wait_for_function("document.querySelector('#place-commune').options.length > 10")
    citizen.select_option("#place-commune", "00070")
    citizen.fill("#i-child_full_name", "Nguyễn Minh Khang")
    citizen.fill("#i-child_birth_date", "2026-11-18")
    citizen.select_option("#i-child_sex", "M")
    citizen.fill("#i-birth_place", "Bệnh viện Phụ sản Hà Nội")
    citizen.fill("#i-relationship", "Cha")
    citizen.check("input[name=evidence][value=to_khai]")
    shot(citizen, "04-submit-filled")
    citizen.click("button[data-once]")
    citizen.wait_for_selector("[data-testid=dossier-code]")
    code = citizen.inner_text("[data-testid=dossier-code]")
    assert "Mới đăng ký" in citizen.inner_text("[data-testid=status]")
    shot(citizen, "05-submitted")
    assert Dossier.objects.filter(code=code).count() == 1

    receiver = official_page(browser, base, "hoankiem.motcua")
    assert code in receiver.content()
    shot(receiver, "06-queue")
    act(receiver, base, code, "receive")
    assert "Được tiếp nhận" in receiver.inner_text("[data-testid=status]")
    shot(receiver, "07-received")
    act(receiver, base, code, "forward")

    specialist = official_page(browser, base, "hoankiem.chuyenvien")
    specialist.goto(f"{base}/backoffice/ho-so/{code}/")
    assert "civil_status" in specialist.inner_text("[data-testid=provenance]")
    specialist.click("text=Kiểm tra lại với cơ sở dữ liệu")
    specialist.wait_for_load_state()
    shot(specialist, "07b-provenance-rechecked")
    act(specialist, base, code, "forward")
    leader = official_page(browser, base, "hoankiem.lanhdao")
    act(leader, base, code, "complete")
    assert "Đã xử lý xong" in leader.inner_text("[data-testid=status]")
    shot(leader, "08-decided")
    act(receiver, base, code, "return_result")
    assert "Đã trả kết quả" in receiver.inner_text("[data-testid=status]")
    shot(receiver, "09-returned")

    citizen.goto(f"{base}/ho-so/{code}/")
    assert "Đã trả kết quả" in citizen.inner_text("[data-testid=status]")
    shot(citizen, "10-citizen-sees-result")
    citizen.goto(f"{base}/ai-da-xem-du-lieu/")
    reads = citizen.inner_text("table")
    assert "Lê Văn Minh" in reads and code in reads  # the specialist's re-check, with the dossier as purpose
    shot(citizen, "10b-who-read-my-data")
    citizen.goto(f"{base}/tra-cuu/{code}")
    assert "Đã trả kết quả" in citizen.inner_text("[data-testid=status]")
    with citizen.expect_navigation():
        citizen.click(".lang button")  # English switch
    assert "Result returned" in citizen.inner_text("[data-testid=status]")
    assert citizen.locator("html").get_attribute("lang") == "en"
    shot(citizen, "11-public-tracking-en")
    assert Dossier.objects.get(code=code).status == 10
