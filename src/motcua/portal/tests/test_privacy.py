"""The privacy notice: published in both languages, linked from every portal page and from the pre-fill
preview, naming who answers for the data (a deployment that names nobody is warned at its deployment check)."""

from django.core import checks


def test_the_notice_names_the_controller_and_the_periods_in_both_languages(client, seeded, settings):
    settings.PRIVACY = {"CONTROLLER": "Văn phòng UBND thành phố Hà Nội", "CONTACT": "dulieucanhan@hanoi.example.vn"}
    settings.RETENTION_DAYS = {**settings.RETENTION_DAYS, "login_attempts": 60}
    page = client.get("/quyen-rieng-tu/").content.decode()
    assert "Thông báo về xử lý dữ liệu cá nhân" in page and "Văn phòng UBND thành phố Hà Nội" in page
    assert "dulieucanhan@hanoi.example.vn" in page and "Bản ghi các lần đăng nhập: 60 ngày" in page
    assert "tối đa 4 giờ" in page and 'href="/ai-da-xem-du-lieu/"' in page
    client.cookies["django_language"] = "en"
    page = client.get("/quyen-rieng-tu/").content.decode()
    assert "Privacy notice" in page and "Records of login attempts: 60 days" in page


def test_every_portal_page_and_the_prefill_preview_link_to_it(citizen):
    for url in ("/", "/tra-cuu/", "/ho-so/"):
        assert 'href="/quyen-rieng-tu/">Quyền riêng tư</a>' in citizen.get(url).content.decode(), url
    form = citizen.get("/thu-tuc/1.001193/nop/").content.decode()
    assert 'data-testid="prefill-preview"' in form and "Dữ liệu của bạn được sử dụng thế nào" in form


def test_a_deployment_that_names_no_controller_is_warned(settings):
    settings.DEMO_MODE = False
    settings.PRIVACY = {"CONTROLLER": "Văn phòng UBND tỉnh Lào Cai", "CONTACT": ""}
    warnings = [m for m in checks.run_checks(include_deployment_checks=True) if m.id == "motcua.W141"]
    assert [w.msg for w in warnings] == ["the privacy notice names no controller or contact: "
                                         "MOTCUA_PRIVACY_CONTACT not set"]
    settings.PRIVACY = {"CONTROLLER": "Văn phòng UBND tỉnh Lào Cai", "CONTACT": "tiep.dan@laocai.example.vn"}
    assert not [m for m in checks.run_checks(include_deployment_checks=True) if m.id == "motcua.W141"]
