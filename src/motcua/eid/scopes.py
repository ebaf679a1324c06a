"""The scopes the bundled provider grants: the OpenID Connect login's, and one per capability of motcua's API
that an app (the e-ID mobile app) may be allowed to use in a person's name. The API's routes name these; the
consent page shows their descriptions in the reader's language."""

from __future__ import annotations

from django.utils.translation import get_language
from oauth2_provider.scopes import BaseScopes

from motcua.core.errors import in_language
from motcua.eid.validators import ORGANISATION_SCOPE

DOSSIERS_READ = "dossiers:read"
DOSSIERS_SUBMIT = "dossiers:submit"
DOCUMENTS_READ = "documents:read"
PAYMENTS = "payments"
NOTIFICATIONS = "notifications"
PETITIONS = "petitions"

# name: (Vietnamese, English), as the consent page asks
SCOPES: dict[str, tuple[str, str]] = {
    "openid": ("Xác nhận danh tính của bạn", "Confirm who you are"),
    "profile": ("Số định danh cá nhân, họ tên, ngày sinh, giới tính, mức định danh",
                "Personal ID number, name, birth date, sex, e-ID level"),
    ORGANISATION_SCOPE: ("Đăng nhập cho tổ chức mà bạn là người đại diện: mã số, tên tổ chức, chức danh của bạn",
                         "Log in for an organisation you represent: its code, its name, your role"),
    DOSSIERS_READ: ("Xem hồ sơ của bạn, tình trạng giải quyết và lịch sử xử lý",
                    "See your dossiers, their progress and their history"),
    DOSSIERS_SUBMIT: ("Nộp hồ sơ, tải giấy tờ lên, bổ sung, rút hồ sơ và đánh giá thay mặt bạn",
                      "Submit dossiers, upload documents, supplement, withdraw and rate them in your name"),
    DOCUMENTS_READ: ("Xem và tải kết quả giải quyết trong kho dữ liệu của bạn",
                     "See and download the results in your wallet"),
    PAYMENTS: ("Thanh toán phí, lệ phí của hồ sơ", "Pay the fees of your dossiers"),
    NOTIFICATIONS: ("Đọc thông báo, gợi ý dịch vụ và cài đặt nhận thông báo của bạn",
                    "Read your notifications, service suggestions and notification settings"),
    PETITIONS: ("Gửi và theo dõi phản ánh, kiến nghị của bạn", "Send and follow your petitions"),
}
# The login's scopes; the others are the API's, one per capability
APP_SCOPES = tuple(name for name in SCOPES if name not in ("openid", "profile", ORGANISATION_SCOPE))


class EidScopes(BaseScopes):
    """django-oauth-toolkit's scopes backend: every client may ask for any scope (the person decides on the
    consent page); a request that names none gets the login's."""

    def get_all_scopes(self) -> dict[str, str]:
        language = get_language() or "vi"
        return {name: in_language(language, vi, en) for name, (vi, en) in SCOPES.items()}

    def get_available_scopes(self, application=None, request=None, *args, **kwargs) -> list[str]:
        return list(SCOPES)

    def get_default_scopes(self, application=None, request=None, *args, **kwargs) -> list[str]:
        return ["openid"]
