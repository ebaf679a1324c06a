"""The configured payment gateway and its merchant settings are checked at start-up (Django system checks)."""

from django.core import checks


def test_an_unknown_gateway_is_reported(settings):
    settings.PAYMENTS = {**settings.PAYMENTS, "GATEWAY": "paypal"}
    [error] = checks.run_checks()
    assert (error.id, error.msg) == ("motcua.E111", "no payment gateway 'paypal' (known: vnpay)")


def test_missing_merchant_settings_are_reported(settings):
    settings.PAYMENTS = {**settings.PAYMENTS, "TMN_CODE": "", "PAY_URL": "vnpayment.vn/pay"}
    assert sorted((e.id, e.msg) for e in checks.run_checks()) == [
        ("motcua.E112", "payment gateway 'vnpay': MOTCUA_VNPAY_API_URL is not set"),
        ("motcua.E112", "payment gateway 'vnpay': MOTCUA_VNPAY_PAY_URL is not an http(s) URL: 'vnpayment.vn/pay'"),
        ("motcua.E112", "payment gateway 'vnpay': MOTCUA_VNPAY_TMN_CODE is not set"),
    ]


def test_without_gateway_urls_only_the_demo_and_the_tests_have_a_gateway(settings):
    assert checks.run_checks() == []  # the tests' sandbox gateway
    settings.SANDBOX_GATEWAY = False
    [warning] = checks.run_checks()  # a warning, not an error: fees may be taken at the counter only
    assert (warning.id, warning.level, warning.msg) == (
        "motcua.W113", checks.WARNING,
        "no online payment: MOTCUA_VNPAY_PAY_URL and MOTCUA_VNPAY_API_URL are not set (the bundled sandbox "
        "gateway serves only the demo, MOTCUA_DEMO=1, and the tests): fees can be paid only at the counter")


def test_a_real_merchant_configuration_passes(settings):
    settings.PAYMENTS = {**settings.PAYMENTS, "PAY_URL": "https://pay.vnpay.vn/vpcpay.html",
                         "API_URL": "https://merchant.vnpay.vn/merchant_webapi/api/transaction"}
    settings.SANDBOX_GATEWAY = False
    assert checks.run_checks() == []
