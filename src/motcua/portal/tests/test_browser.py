"""A real Chromium walks one dossier from submission to returned result, saving screenshots."""

import base64
import os
import unicodedata
from pathlib import Path

import pytest
from django.db import connections
from django_otp.oath import totp

from motcua.demo.testing import fresh_code
from motcua.dossiers.models import Dossier
from motcua.identity.actors import citizen_actor

CHROMIUM = "/usr/bin/chromium"
SHOTS = Path(os.environ.get("MOTCUA_SCREENSHOTS", "test-artifacts/screenshots"))

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium package is not installed"),
]


# Each page reports the Content-Security-Policy violations it meets (a blocked inline style, script, eval…).
# The policy forbids eval, which Playwright uses to poll a bare expression: wait_for_function takes functions.
REPORT_VIOLATIONS = """document.addEventListener("securitypolicyviolation", (e) => window.reportCspViolation(
  `${e.violatedDirective} refused ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`));"""


PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "locale": "vi-VN"}


class Chromium:
    """The browser, whose pages report every Content-Security-Policy violation to ``violations``."""

    def __init__(self, browser):
        self.browser = browser
        self.violations: list[str] = []

    def new_context(self, **options):
        context = self.browser.new_context(**options)
        context.expose_binding("reportCspViolation",
                               lambda source, text: self.violations.append(f"{source['page'].url}: {text}"))
        context.add_init_script(REPORT_VIOLATIONS)
        return context


@pytest.fixture(autouse=True)
def provider_accepts_any_loopback_port(settings):
    """The live server listens on a port of its own choosing: the bundled provider accepts the portal's
    redirect there as the demo does (RFC 8252 loopback), instead of exactly the registered address."""
    settings.OAUTH2_PROVIDER = {**settings.OAUTH2_PROVIDER, "ALLOW_LOCALHOST_LOOPBACK": True}


@pytest.fixture
def browser(monkeypatch):
    """Chromium; every test that drives it must keep to the Content-Security-Policy on every page."""
    # Playwright's sync API runs an event loop in this thread; Django's ORM is used from the same thread.
    # Only while the browser runs: server processes started later must not inherit it.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    (SHOTS / "phone").mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        chromium = Chromium(p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-background-networking", "--disable-gpu", "--disable-dev-shm-usage"]))
        yield chromium
        chromium.browser.close()
        # ORM calls made while Playwright runs use their own context's connection: close it too,
        # or the test database cannot be dropped at the end of the run.
        connections.close_all()
    assert not chromium.violations


def shot(page, name):
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


AXE_FAILS_ON = ("serious", "critical")


def assert_accessible(page):
    """axe-core (all its rules: WCAG 2 A and AA, and best practice) on the page as it stands: no serious or
    critical violation. Once per distinct page of a walk; each pass takes a fraction of a second."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"resultTypes": ["violations"]})
    found = [f"{v['id']} ({v['impact']}): {v['help']} at " + ", ".join(str(n["target"]) for n in v["nodes"][:5])
             for v in results.response["violations"] if v["impact"] in AXE_FAILS_ON]
    assert not found, f"{page.url}\n" + "\n".join(found)


def check_page(page, name):
    """The page as it stands, then the same page at a phone's size (its state kept: a form's errors, an open
    panel): a screenshot and axe-core at each size, and on the phone nothing wider than the screen (a wide table
    scrolls inside its own box, not the page)."""
    shot(page, name)
    assert_accessible(page)
    desktop = page.viewport_size
    page.set_viewport_size(PHONE["viewport"])
    shot(page, f"phone/{name}")
    assert_accessible(page)
    width = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert width[0] <= width[1], f"{page.url} is {width[0]} px wide on a {width[1]} px phone"
    page.set_viewport_size(desktop)


def assert_menu_folds(browser, url):
    """On a phone the header menu is folded behind its button, which a tap or the keyboard opens and Escape
    closes; without scripts there is no button and the menu stays open."""
    phone = browser.new_context(**PHONE).new_page()
    phone.goto(url)
    menu, button = phone.locator("#main-menu"), phone.locator(".menu-button")
    assert button.is_visible() and menu.is_hidden()
    button.tap()
    assert menu.is_visible() and button.get_attribute("aria-expanded") == "true"
    shot(phone, "phone/menu-open")
    assert_accessible(phone)
    button.tap()
    assert menu.is_hidden()
    button.focus()
    phone.keyboard.press("Enter")
    phone.keyboard.press("Tab")  # into the menu
    assert menu.is_visible() and phone.evaluate("document.getElementById('main-menu').contains(document.activeElement)")
    phone.keyboard.press("Escape")
    assert menu.is_hidden() and phone.evaluate("document.activeElement.classList.contains('menu-button')")
    phone.context.close()
    without_scripts = browser.new_context(java_script_enabled=False, **PHONE).new_page()
    without_scripts.goto(url)
    assert without_scripts.locator("#main-menu").is_visible() and without_scripts.locator(".menu-button").is_hidden()
    without_scripts.context.close()


def assert_prints(page, name, *texts):
    """Printed (Chromium's own printing, to PDF): the content with ``texts``, under the page's address; no menu,
    language switch or button."""
    page.emulate_media(media="print")
    hidden = page.evaluate("""() => [...document.querySelectorAll('.menu, .lang, main button, main .btn')]
                                    .every((e) => !e.checkVisibility())""")
    pdf = page.pdf()
    page.emulate_media(media="screen")
    (SHOTS / f"{name}.pdf").write_bytes(pdf)
    printed = unicodedata.normalize("NFKC", pdf_text(pdf))  # "backoffice" is set with the ligature "ﬃ"
    assert hidden and page.url in printed, printed
    for text in texts:
        assert text in printed, (text, printed)


def official_page(browser, base, username):
    page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN").new_page()
    page.goto(f"{base}/backoffice/")
    page.fill("#id_username", username)
    page.fill("#id_password", "motcua-demo")
    page.click("button[type=submit]")
    page.wait_for_load_state()
    if "/xac-thuc-hai-buoc/" in page.url:  # a leader enrols an authenticator first, as on their phone
        secret = page.text_content("code.secret")
        page.fill("#id_otp_token", f"{totp(base64.b32decode(secret)):06d}")
        page.press("#id_otp_token", "Enter")
    page.wait_for_url(f"{base}/backoffice/")
    return page


def act(page, base, code, action, username=None):
    """The official takes ``action``; one who signs (``username`` given) types their authenticator's code."""
    page.goto(f"{base}/backoffice/ho-so/{code}/")
    page.eval_on_selector(f"details[data-action={action}]", "d => { d.open = true; }")
    if username is not None:  # having reviewed what they sign
        page.check(f"details[data-action={action}] input[name=reviewed]")
        page.fill(f"details[data-action={action}] input[name=confirmation]", fresh_code(username))
    page.click(f"details[data-action={action}] button[type=submit]")
    page.wait_for_load_state()


def asking_for_the_fee(browser, base, code, office):
    """The dossier received and forwarded by ``office``'s one-stop desk; its specialist's page, the fee request
    open."""
    receiver = official_page(browser, base, f"{office}.motcua")
    act(receiver, base, code, "receive")
    act(receiver, base, code, "forward")
    specialist = official_page(browser, base, f"{office}.chuyenvien")
    specialist.goto(f"{base}/backoffice/ho-so/{code}/")
    specialist.eval_on_selector("details[data-action=request_payment]", "d => { d.open = true; }")
    return specialist


@pytest.mark.django_db(transaction=True)
def test_submit_receive_process_return(live_server, seeded, settings, browser):
    settings.DEMO_MODE = True
    base = live_server.url
    citizen = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN").new_page()

    citizen.goto(f"{base}/")
    citizen.fill("input[name=q]", "khai sinh")
    citizen.click("form[role=search] button")
    check_page(citizen, "01-catalog-search")
    citizen.click('text="Đăng ký khai sinh"')
    assert "1.001193" in citizen.content()
    check_page(citizen, "02-procedure")
    citizen.click("text=Nộp hồ sơ trực tuyến")
    # Real OpenID Connect login at the bundled e-ID provider, then back to the form.
    citizen.wait_for_selector("#id_username")
    check_page(citizen, "02b-eid-login")
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
    check_page(citizen, "03-submit-errors")
    citizen.select_option("#place-province", "01")
    citizen.wait_for_function("() => document.querySelector('#place-commune').options.length > 10")
    citizen.select_option("#place-commune", "00070")
    citizen.fill("#i-child_full_name", "Nguyễn Minh Khang")
    citizen.fill("#i-child_birth_date", "2026-11-18")
    citizen.select_option("#i-child_sex", "M")
    citizen.fill("#i-birth_place", "Bệnh viện Phụ sản Hà Nội")
    citizen.fill("#i-relationship", "Cha")
    assert "chính biểu mẫu này" in citizen.content()  # online, the declaration is this form: nothing to attach
    shot(citizen, "04-submit-filled")
    citizen.click("button[data-once]")
    citizen.wait_for_selector("[data-testid=dossier-code]")
    code = citizen.inner_text("[data-testid=dossier-code]")
    assert "Mới đăng ký" in citizen.inner_text("[data-testid=status]")
    check_page(citizen, "05-submitted")
    assert_prints(citizen, "05-submitted-printed", code, "Mới đăng ký")  # the citizen's receipt of the filing
    assert Dossier.objects.filter(code=code).count() == 1

    receiver = official_page(browser, base, "hoankiem.motcua")
    assert code in receiver.content()
    check_page(receiver, "06-queue")
    receiver.fill("#f-q", "nguyen van an")  # the applicant's name typed without accents
    receiver.click("form[data-testid=queue-search] button[type=submit]")
    receiver.wait_for_load_state()
    assert "q=nguyen+van+an" in receiver.url and code in receiver.inner_text("table")
    check_page(receiver, "06a-queue-search")
    act(receiver, base, code, "receive")
    assert "Được tiếp nhận" in receiver.inner_text("[data-testid=status]")
    check_page(receiver, "07-received")
    assert_prints(receiver, "07-received-printed", code, "Được tiếp nhận", "Nguyễn Minh Khang")
    act(receiver, base, code, "forward")

    specialist = official_page(browser, base, "hoankiem.chuyenvien")
    specialist.goto(f"{base}/backoffice/ho-so/{code}/")
    assert "Quan hệ gia đình" in specialist.inner_text("[data-testid=provenance]")  # the registry's name
    specialist.click("text=Kiểm tra lại với cơ sở dữ liệu")
    specialist.wait_for_load_state()
    shot(specialist, "07b-provenance-rechecked")
    act(specialist, base, code, "forward")
    leader = official_page(browser, base, "hoankiem.lanhdao")
    leader.goto(f"{base}/backoffice/ho-so/{code}/")  # the leader reviews the result before signing it
    preview = leader.request.get(base + leader.get_attribute("[data-testid=result-preview]", "href"))
    assert preview.headers["content-type"] == "application/pdf" and "BẢN XEM TRƯỚC" in pdf_text(preview.body())
    assert leader.eval_on_selector("#reviewed-complete", "box => box.required && box.validity.valueMissing")
    check_page(leader, "07c-leader-previews-and-confirms")
    act(leader, base, code, "complete", "hoankiem.lanhdao")
    assert "Đã xử lý xong" in leader.inner_text("[data-testid=status]")
    shot(leader, "08-decided")
    act(receiver, base, code, "return_result")
    assert "Đã trả kết quả" in receiver.inner_text("[data-testid=status]")
    shot(receiver, "09-returned")

    citizen.goto(f"{base}/ho-so/{code}/")
    assert "Đã trả kết quả" in citizen.inner_text("[data-testid=status]")
    assert "Đánh giá việc giải quyết hồ sơ" in citizen.inner_text("[data-testid=needed-action]")
    check_page(citizen, "10-citizen-sees-result")
    # the birth is live in the registries: the child has a personal ID number, printed on the certificate
    from motcua.registries.models import Person

    child = Person.objects.get(full_name="Nguyễn Minh Khang", mother_id_number="001185004321")
    certificate = citizen.request.get(base + citizen.get_attribute("[data-testid=download-result]", "href")).body()
    text = pdf_text(certificate)
    assert child.id_number in text and "Trần Thị Bình" in text and "Quyển số" in text
    citizen.goto(f"{base}/ho-so/")
    citizen.click("[data-testid=following] >> text=Cần tôi thực hiện")
    citizen.wait_for_load_state()
    assert "following=needs_action" in citizen.url
    assert "Đánh giá" in citizen.inner_text(f"[data-testid='needed-{code}']")
    check_page(citizen, "10a-my-dossiers-needing-me")
    citizen.goto(f"{base}/ai-da-xem-du-lieu/")
    reads = citizen.inner_text("table")
    assert "Lê Văn Minh" in reads and code in reads  # the specialist's re-check, with the dossier as purpose
    check_page(citizen, "10b-who-read-my-data")
    citizen.goto(f"{base}/tra-cuu/{code}")
    assert "Đã trả kết quả" in citizen.inner_text("[data-testid=status]")
    with citizen.expect_navigation():
        citizen.click(".lang button")  # English switch
    assert "Result returned" in citizen.inner_text("[data-testid=status]")
    assert citizen.locator("html").get_attribute("lang") == "en"
    check_page(citizen, "11-public-tracking-en")
    assert Dossier.objects.get(code=code).status == 10


def pdf_text(data: bytes) -> str:
    import io

    from pypdf import PdfReader

    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).replace("\n", "")


@pytest.mark.django_db(transaction=True)
def test_pay_sign_download_and_verify(live_server, seeded, settings, browser):
    """The citizen pays the fee in the sandbox gateway, the leader approves and signs, the citizen downloads
    the signed result and checks it on the page its QR code opens; a tampered copy is shown as invalid."""
    import re

    from motcua.catalog.models import Procedure
    from motcua.catalog.services import spec_of
    from motcua.demo.seeding import DEMO_CITIZENS
    from motcua.demo.testing import sample_submission
    from motcua.dossiers import services

    base = live_server.url
    settings.PUBLIC_URL = base
    an = DEMO_CITIZENS[0]
    spec = spec_of(Procedure.objects.get(code="3.000333").current_version)
    code = services.submit(sample_submission(spec), citizen_actor(an.id_number, an.name, 2))[0].code

    specialist = asking_for_the_fee(browser, base, code, "hanoi.ca")
    assert "200.000" in specialist.inner_text("[data-testid=fee-quote]")
    check_page(specialist, "20-fee-from-catalog")
    specialist.click("details[data-action=request_payment] button[type=submit]")
    specialist.wait_for_load_state()
    assert "nghĩa vụ tài chính" in specialist.inner_text("[data-testid=status]")

    citizen = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN").new_page()
    citizen.goto(f"{base}/ho-so/{code}/")
    citizen.wait_for_selector("#id_username")
    citizen.fill("#id_username", an.id_number)
    citizen.fill("#id_password", "motcua-demo")
    citizen.click("button[type=submit]")
    citizen.wait_for_selector("[data-testid=fee-due]")
    assert "200.000" in citizen.inner_text("[data-testid=fee-due]")
    check_page(citizen, "21-fee-due")
    citizen.click("[data-testid=fee-due] button")
    citizen.wait_for_selector("[data-testid=sandbox-amount]")
    assert "200.000" in citizen.inner_text("[data-testid=sandbox-amount]")
    check_page(citizen, "22-sandbox-gateway")
    citizen.click("button[value=pay]")
    citizen.wait_for_selector("[data-testid=issued-documents]")
    assert "Đang xử lý" in citizen.inner_text("[data-testid=status]")
    assert "Biên lai" in citizen.inner_text("[data-testid=issued-documents]")
    shot(citizen, "23-paid-receipt")

    for username, action in (("hanoi.ca.chuyenvien", "forward"), ("hanoi.ca.lanhdao", "complete"),
                             ("hanoi.ca.motcua", "return_result")):
        page = official_page(browser, base, username)
        act(page, base, code, action, username if action == "complete" else None)
        if action == "complete":
            assert "Đã xử lý xong" in page.inner_text("[data-testid=status]")
            shot(page, "24-approved-and-signed")

    citizen.goto(f"{base}/ho-so/{code}/")
    link = citizen.get_attribute("[data-testid=download-result]", "href")
    download = citizen.request.get(base + link)
    assert download.ok and download.headers["content-type"] == "application/pdf"
    data = download.body()
    assert data.count(b"/ByteRange") == 2  # signed by the leader, then sealed by the agency
    verify_url = re.search(r"https?://\S+/xac-thuc/[0-9a-f-]{36}", pdf_text(data)).group(0)
    citizen.goto(verify_url)  # where the QR code leads
    assert "verdict-ok" in citizen.get_attribute("[data-testid=verdict]", "class")
    assert "Phiếu lý lịch tư pháp" in citizen.content()
    check_page(citizen, "25-verified-by-qr")
    assert_prints(citizen, "25-verified-printed", "Phiếu lý lịch tư pháp", citizen.inner_text("[data-testid=doc-number]"))

    at = data.index(b"stream", data.index(b"/Contents")) + 20
    forged = SHOTS / "forged.pdf"
    forged.write_bytes(data[:at] + bytes([data[at] ^ 1]) + data[at + 1:])
    citizen.set_input_files("#file", str(forged))
    citizen.click("form[enctype] button[type=submit]")
    citizen.wait_for_selector("[data-problem=tampered]")
    shot(citizen, "26-tampered-copy-refused")
    citizen.goto(f"{base}/kho-du-lieu/")
    assert citizen.locator("[data-testid=wallet-doc]").count() == 2  # the result and the receipt
    check_page(citizen, "27-document-wallet")


@pytest.mark.django_db(transaction=True)
def test_live_dashboard_and_drill_down(live_server, seeded, browser):
    """The national index page updates by itself when a dossier is submitted; drill down to a commune."""
    from motcua.catalog.models import Procedure
    from motcua.catalog.services import spec_of
    from motcua.demo.seeding import DEMO_CITIZENS, seed_dossiers
    from motcua.demo.testing import sample_submission
    from motcua.dossiers import services

    seed_dossiers()
    base = live_server.url
    page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN").new_page()
    page.goto(f"{base}/chi-so/")
    received = int(page.inner_text("[data-testid=received]"))
    assert received == 10  # seven dossiers and a birth group of three
    shot(page, "30-index-national")
    page.evaluate("window.notReloaded = true")
    an = DEMO_CITIZENS[0]
    spec = spec_of(Procedure.objects.get(code="1.001193").current_version)
    services.submit(sample_submission(spec), citizen_actor(an.id_number, an.name, 2))
    page.wait_for_function(f"() => document.querySelector('[data-testid=received]').textContent.trim() === '{received + 1}'",
                           timeout=15000)
    assert page.evaluate("window.notReloaded === true")  # updated in place by the server-sent event
    check_page(page, "31-index-live-update")
    page.click("[data-testid=table-P] table a:has-text('Hà Nội')")
    page.wait_for_selector("[data-testid=table-C]")
    assert "Phường Hoàn Kiếm" in page.inner_text("[data-testid=table-C]")
    check_page(page, "32-index-province")
    page.click("[data-testid=table-C] table a:has-text('Hoàn Kiếm')")
    page.wait_for_selector("[data-testid=table-CF]")
    assert "Đăng ký khai sinh" in page.inner_text("[data-testid=table-CF]")
    check_page(page, "33-index-commune-procedures")
    export = page.request.get(f"{base}/chi-so/?format=xlsx")
    assert export.ok and export.body()[:2] == b"PK"


@pytest.mark.django_db(transaction=True)
def test_pages_keep_to_the_content_security_policy(live_server, seeded, browser):
    """Pages the walks above do not open, under the policy: scripts and styles load from the site's files
    only; the API's documentation page runs; a style written inline is refused (the watch is awake)."""
    base = live_server.url
    page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN").new_page()
    for path, name in (("/", "50-home"), ("/thu-tuc/?q=khai+sinh", "51-catalog"), ("/tra-cuu/", "52-track"),
                       ("/xac-thuc/", "53-verify"), ("/eid/dang-nhap/", "54-eid-login"), ("/khong-co-trang-nay/", "55-404")):
        assert "default-src 'self'" in page.goto(f"{base}{path}").headers["content-security-policy"]
        check_page(page, name)
    assert_menu_folds(browser, f"{base}/")
    assert page.eval_on_selector(".card.narrow", "e => getComputedStyle(e).maxWidth") == "520px"  # the CSS file
    page.goto(f"{base}/api/docs")
    page.wait_for_selector(".swagger-ui .opblock")
    shot(page, "40-api-docs-under-csp")

    reception = official_page(browser, base, "hoankiem.motcua")
    reception.goto(f"{base}/backoffice/tiep-nhan/1.001193/")
    reception.select_option("#place-province", "01")  # the commune picker fetches the communes
    reception.wait_for_function("() => document.querySelector('#place-commune').options.length > 10")
    check_page(reception, "56-counter-intake")
    reception.goto(f"{base}/backoffice/doi-soat-thanh-toan/")
    check_page(reception, "57-payment-reconciliation")
    assert browser.violations == []

    page.evaluate("document.body.setAttribute('style', 'color: red')")
    page.wait_for_timeout(300)
    assert len(browser.violations) == 1 and "style-src" in browser.violations[0]
    browser.violations.clear()


def walk_in_browser(browser, base, code, agency_prefix, pages):
    """The agency's own officials take the dossier from their queue to the returned result, each step by the
    role its workflow gives it, in their own browser pages."""
    from motcua.catalog.services import spec_of
    from motcua.demo.seeding import ROLE_NAMES
    from motcua.dossiers import services
    from motcua.dossiers.lifecycle import Status

    for _ in range(12):
        dossier = services.get_dossier(code)
        state, steps = services.state_of(dossier), spec_of(dossier.procedure_version).workflow
        if state.status == Status.RETURNED:
            return
        if state.status == Status.NEW:
            kind, role = "receive", steps.steps[0].role
        else:
            role = steps.steps[state.step].role
            kind = ("return_result" if state.status == Status.PROCESSED else
                    "complete" if state.step == steps.deciding_step else "forward")
        username = f"{agency_prefix}.{ROLE_NAMES[role]}"
        if username not in pages:
            pages[username] = official_page(browser, base, username)
        if kind == "receive":
            pages[username].goto(f"{base}/backoffice/")
            assert code in pages[username].content()  # handed over into this agency's own queue
        act(pages[username], base, code, kind, username if kind == "complete" else None)
    raise AssertionError(f"{code} was not returned")


@pytest.mark.django_db(transaction=True)
def test_the_birth_group_in_one_application_three_agencies(live_server, seeded, settings, browser, smtp_server):
    """One application; the commune People's Committee, the commune police and the social security office
    each act in their own queue; the citizen gets three results and is told by e-mail and in the inbox."""
    from motcua.dossiers.models import DossierGroup

    settings.DEMO_MODE = True
    settings.NOTIFICATIONS = {**settings.NOTIFICATIONS, "SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp_server.port,
                              "SMTP_SECURITY": "none", "SEND_INLINE": True}
    base = live_server.url
    citizen = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN").new_page()
    citizen.goto(f"{base}/thu-tuc/")
    citizen.click("[data-testid=groups] a >> nth=0")
    citizen.click("text=Đăng nhập bằng tài khoản định danh điện tử để nộp hồ sơ")
    citizen.wait_for_selector("#id_username")
    citizen.fill("#id_username", "001090012345")
    citizen.fill("#id_password", "motcua-demo")
    citizen.click("button[type=submit]")
    citizen.wait_for_url(f"{base}/lien-thong/LT.KHAISINH/")
    assert citizen.input_value("#i-mother_id_number") == "001185004321"  # once-only, from the civil-status register
    citizen.fill("#applicant-email", "an@example.vn")
    citizen.select_option("#place-province", "01")
    citizen.wait_for_function("() => document.querySelector('#place-commune').options.length > 10")
    citizen.select_option("#place-commune", "00070")
    for field, value in {"child_full_name": "Nguyễn Minh Khang", "child_birth_date": "2026-11-18",
                         "birth_place": "Bệnh viện Phụ sản Hà Nội", "relationship": "Cha",
                         "residence_address": "12 Hàng Bạc", "residence_commune": "00070"}.items():
        citizen.fill(f"#i-{field}", value)
    for field, value in {"child_sex": "M", "dwelling_basis": "family", "card_format": "electronic"}.items():
        citizen.select_option(f"#i-{field}", value)
    shot(citizen, "40-group-form")
    citizen.click("button[data-once]")
    citizen.wait_for_selector("[data-testid=group-members]")
    shot(citizen, "41-group-filed")
    group = DossierGroup.objects.get()
    assert group.code in citizen.content()

    pages: dict = {}
    members = {m.procedure_code: m for m in group.members.select_related("dossier")}
    walk_in_browser(browser, base, members["1.001193"].dossier.code, "hoankiem", pages)
    members = {m.procedure_code: m for m in group.members.select_related("dossier")}
    assert all(m.state == "started" for m in members.values())  # the child's ID number went on to both
    walk_in_browser(browser, base, members["1.004222"].dossier.code, "hoankiem.ca", pages)
    walk_in_browser(browser, base, members["1.014137"].dossier.code, "hanoi.bhxh", pages)

    citizen.goto(f"{base}/ho-so-lien-thong/{group.code}/")
    assert "Đã giải quyết xong" in citizen.inner_text("[data-testid=group-status]")
    shot(citizen, "42-group-done")
    citizen.goto(f"{base}/kho-du-lieu/")
    wallet = citizen.content()
    for member in members.values():
        assert member.dossier.code in wallet
    citizen.goto(f"{base}/thong-bao/")
    inbox = citizen.content()
    assert group.code in inbox and inbox.count(group.code) >= 1
    shot(citizen, "43-group-inbox")
    smtp_server.wait_for(1)
    subjects = " ".join(smtp_server.subjects())
    assert group.code in subjects
    for member in members.values():
        assert member.dossier.code in subjects  # received and result notices of each member


@pytest.mark.django_db(transaction=True)
def test_claim_an_exemption_or_a_reduction_online_with_its_proof(live_server, seeded, browser, tmp_path):
    """The citizen claims an exemption online with its proof and is told the fee will be 0; claims a reduction on
    a second dossier, is asked the reduced fee once the official checks it, pays it and gets a receipt for it."""
    import yaml

    from motcua.catalog.services import FEES_DIR
    from motcua.demo.seeding import sample_scan
    from motcua.payments import fee_schedules

    # Hà Nội's schedule without its zero-fee online periods, and with a 50 % reduction, so that filing online costs
    # the online rate (3.000 đồng) and the reduction leaves 1.500
    document = yaml.safe_load((FEES_DIR / "01.yaml").read_text(encoding="utf-8"))
    rule = next(r for r in document["rules"] if r["procedure"] == "1.004873")
    rule.pop("online_free")
    rule["reliefs"].append({"code": "giam_mot_nua", "kind": "reduction", "percent": 50, "basis": "06/2020/NQ-HĐND",
                            "label": {"vi": "Trường hợp được giảm 50%", "en": "A case halved"},
                            "proof": {"vi": "Giấy xác nhận được giảm", "en": "Certificate of the reduction"}})
    (tmp_path / "01.yaml").write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), "utf-8")
    assert fee_schedules.import_schedules([tmp_path / "01.yaml"]).created == ["01"]
    proof = tmp_path / "chung-nhan.pdf"
    proof.write_bytes(sample_scan())
    base = live_server.url
    citizen = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN").new_page()

    def file_claiming(claim: str) -> str:
        citizen.goto(f"{base}/thu-tuc/1.004873/nop/")
        if citizen.locator("#id_username").count():  # the e-ID login, the first time
            citizen.fill("#id_username", "001090012345")
            citizen.fill("#id_password", "motcua-demo")
            citizen.click("button[type=submit]")
            citizen.wait_for_url(f"{base}/thu-tuc/1.004873/nop/")
        citizen.select_option("#i-purpose", "marriage")
        citizen.select_option("#place-province", "01")
        citizen.wait_for_function("() => document.querySelector('#place-commune').options.length > 10")
        citizen.select_option("#place-commune", "00070")
        assert "Giấy chứng nhận hộ nghèo" in citizen.inner_text("[data-testid=fee-claim]")
        citizen.select_option("#fee-claim", claim)
        citizen.set_input_files("#file-fee_claim_proof", str(proof))
        shot(citizen, f"30-claim-{claim}")
        citizen.click("button[data-once]")
        citizen.wait_for_selector("[data-testid=dossier-code]")
        return citizen.inner_text("[data-testid=dossier-code]")

    file_claiming("ho_ngheo")
    assert citizen.inner_text("[data-testid=claimed-quote]") == "0 ₫"
    assert "Người thuộc hộ nghèo" in citizen.inner_text("[data-testid=fee-claim]")
    shot(citizen, "31-exemption-claimed-fee-0")

    code = file_claiming("giam_mot_nua")
    assert citizen.inner_text("[data-testid=claimed-quote]") == "1.500 ₫"
    shot(citizen, "32-reduction-claimed")
    specialist = asking_for_the_fee(browser, base, code, "hoankiem")
    assert "Trường hợp được giảm 50%" in specialist.inner_text("[data-testid=fee-claim]")
    assert specialist.input_value("#exemption") == "giam_mot_nua"  # the claim, pre-selected
    shot(specialist, "33-claim-checked")
    specialist.click("details[data-action=request_payment] button[type=submit]")
    specialist.wait_for_load_state()

    citizen.goto(f"{base}/ho-so/{code}/")
    assert "1.500" in citizen.inner_text("[data-testid=fee-due]")
    assert "giảm 50%" in citizen.inner_text("[data-testid=fee-reasons]")
    shot(citizen, "34-reduced-fee-due")
    citizen.click("[data-testid=fee-due] button")
    citizen.wait_for_selector("[data-testid=sandbox-amount]")
    assert "1.500" in citizen.inner_text("[data-testid=sandbox-amount]")
    citizen.click("button[value=pay]")
    citizen.wait_for_selector("[data-testid=download-receipt]")
    receipt = " ".join(pdf_text(citizen.request.get(base + citizen.get_attribute(
        "[data-testid=download-receipt]", "href")).body()).split())  # justified lines: words spaced unevenly
    assert "Số tiền: 1.500 đồng" in receipt and "Trường hợp được giảm 50%: giảm 50%" in receipt
    shot(citizen, "35-receipt-of-the-reduced-fee")


def test_a_parent_files_for_a_child(live_server, seeded, settings, browser):
    """An logs in with his e-ID, chooses his daughter under "File for", and the form is hers: her data filled in
    from the registries, the dossier in her name, filed by him, as an official sees it."""
    from motcua.demo.seeding import DEMO_DAUGHTER

    settings.DEMO_MODE = True
    base = live_server.url
    parent = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN").new_page()
    parent.goto(f"{base}/thu-tuc/2.000635/nop/")
    parent.wait_for_selector("#id_username")
    parent.fill("#id_username", "001090012345")
    parent.fill("#id_password", "motcua-demo")
    parent.click("button[type=submit]")
    parent.wait_for_url(f"{base}/thu-tuc/2.000635/nop/")
    choice = parent.inner_text("[data-testid=file-for]")
    assert "Nộp cho" in choice and DEMO_DAUGHTER[1] in choice
    parent.click("[data-testid=file-for-parent]")
    parent.wait_for_selector("[data-testid=applicant-concerned]")
    concerned = parent.inner_text("[data-testid=applicant-concerned]")
    assert DEMO_DAUGHTER[1] in concerned and "Nguyễn Văn An" in concerned and "Cha, mẹ" in concerned
    assert parent.input_value("#i-subject_id_number") == DEMO_DAUGHTER[0]  # her record, not his
    shot(parent, "20-file-for-child")
    parent.select_option("#place-province", "01")
    parent.wait_for_function("() => document.querySelector('#place-commune').options.length > 10")
    parent.select_option("#place-commune", "00070")
    parent.select_option("#i-event_kind", "birth")
    parent.fill("#i-copies", "1")
    parent.click("button[data-once]")
    parent.wait_for_selector("[data-testid=dossier-code]")
    code = parent.inner_text("[data-testid=dossier-code]")
    assert "Cha, mẹ nộp thay con chưa thành niên" in parent.inner_text("[data-testid=filer]")
    shot(parent, "21-filed-for-child")
    dossier = Dossier.objects.get(code=code)
    assert (dossier.applicant_id_number, dossier.filer_id_number, dossier.filed_as) == (
        DEMO_DAUGHTER[0], "001090012345", "parent")
    parent.goto(f"{base}/ho-so/")
    assert DEMO_DAUGHTER[1] in parent.inner_text("[data-testid=my-dossiers]")

    receiver = official_page(browser, base, "hoankiem.motcua")
    receiver.goto(f"{base}/backoffice/ho-so/{code}/")
    filer = receiver.inner_text("[data-testid=filer]")
    assert "Nguyễn Văn An" in filer and "Cha, mẹ nộp thay" in filer
    shot(receiver, "22-official-sees-who-filed")


def options_of(page, selector):
    return page.eval_on_selector(selector, "s => Array.from(s.options).slice(1).map(o => [o.value, o.text])")


@pytest.mark.django_db(transaction=True)
def test_before_starting_the_fee_the_e_id_level_and_the_place_found_by_typing(live_server, seeded, settings,
                                                                              browser):
    """The marital-status certificate: before anything is filled the page tells the e-ID level, the time and
    the fee in each province with its rule; the citizen types the province to see its fee, a level-1 account is
    told how to get level 2 instead of a form, and a level-2 account's form starts in the province chosen, its
    lists in Vietnamese order and narrowed by typing."""
    from motcua.catalog import divisions

    settings.DEMO_MODE = True
    base = live_server.url
    visitor = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN").new_page()
    visitor.goto(f"{base}/thu-tuc/1.004873/")
    told = visitor.inner_text("[data-testid=before-start]")
    assert "Mức 2" in told and "3 ngày làm việc" in told and "Cơ sở dữ liệu hộ tịch điện tử" in told
    by_place = visitor.inner_text("[data-testid=fees-by-place]")
    assert by_place.index("Đà Nẵng") < by_place.index("Hà Nội") < by_place.index("Các nơi khác")
    check_page(visitor, "30-before-start-procedure")

    search = visitor.get_by_role("searchbox", name="Gõ để tìm tỉnh, thành phố")
    search.fill("da nang")  # accents optional
    assert options_of(visitor, "#fee-province") == [["48", "Đà Nẵng"]]
    search.press("Enter")  # picks the first, and does not send the form by itself
    assert visitor.input_value("#fee-province") == "48" and visitor.url == f"{base}/thu-tuc/1.004873/"
    visitor.click("[data-testid=fee-place] button")
    visitor.wait_for_url(f"{base}/thu-tuc/1.004873/?tinh=48")
    assert "15.000 ₫" in visitor.inner_text("[data-testid=fee-counter]")
    assert "13/2025/NQ-HĐND" in visitor.inner_text("[data-testid=fee-online]")  # the zero-fee online rule
    check_page(visitor, "31-fee-in-da-nang")

    visitor.click("text=Nộp hồ sơ trực tuyến")  # a level-1 account: told before any form
    visitor.wait_for_selector("#id_username")
    visitor.fill("#id_username", "079078001122")
    visitor.fill("#id_password", "motcua-demo")
    visitor.click("button[type=submit]")
    visitor.wait_for_url(f"{base}/thu-tuc/1.004873/nop/?tinh=48")
    needed = visitor.inner_text("[data-testid=eid-level-needed]")
    assert "mức 1" in needed and "Công an cấp xã" in needed and "VNeID" in needed
    assert visitor.locator("form[enctype]").count() == 0
    check_page(visitor, "32-level-1-told-before-the-form")

    citizen = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN").new_page()
    citizen.goto(f"{base}/thu-tuc/1.004873/nop/?tinh=48")
    citizen.wait_for_selector("#id_username")
    citizen.fill("#id_username", "001090012345")
    citizen.fill("#id_password", "motcua-demo")
    citizen.click("button[type=submit]")
    citizen.wait_for_url(f"{base}/thu-tuc/1.004873/nop/?tinh=48")
    assert "15.000 ₫" in citizen.inner_text("[data-testid=fee-counter]")
    assert citizen.input_value("#place-province") == "48"
    provinces = [name for _code, name in options_of(citizen, "#place-province")]
    assert provinces[:6] == ["An Giang", "Bắc Ninh", "Cà Mau", "Cao Bằng", "Cần Thơ", "Đà Nẵng"]
    assert provinces.index("Hà Nội") < provinces.index("Hải Phòng") < provinces.index("Hồ Chí Minh")
    assert [code for code, _name in options_of(citizen, "#place-commune")] == [
        c.code for c in divisions.communes_of("48")]
    check_page(citizen, "33-form-starts-in-da-nang")

    province_search = citizen.get_by_role("searchbox", name="Gõ để tìm tỉnh, thành phố")
    province_search.fill("ha noi")
    province_search.press("Enter")  # Hà Nội chosen: its communes are loaded in order
    citizen.wait_for_function("() => document.querySelector('#place-commune').options.length > 100")
    hanoi = [code for code, _name in options_of(citizen, "#place-commune")]
    assert hanoi == [c.code for c in divisions.communes_of("01")]
    commune_search = citizen.get_by_role("searchbox", name="Gõ để tìm xã, phường")
    commune_search.fill("hoan kiem")
    assert options_of(citizen, "#place-commune") == [["00070", "Phường Hoàn Kiếm"]]
    commune_search.press("Enter")
    assert citizen.input_value("#place-commune") == "00070"
    check_page(citizen, "34-commune-found-by-typing")
