from django.urls import path

from motcua.portal import groups, notifications, views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("thu-tuc/", views.catalog, name="catalog"),
    path("thu-tuc/<str:code>/", views.procedure_detail, name="procedure"),
    path("thu-tuc/<str:code>/nop/", views.submit, name="submit"),
    path("lien-thong/<str:code>/", groups.apply, name="group"),
    path("ho-so-lien-thong/<str:code>/", groups.application, name="group_application"),
    path("dang-nhap/", views.login, name="login"),
    path("dang-nhap/xong/", views.login_complete, name="login_complete"),
    path("dang-xuat/", views.logout, name="logout"),
    path("phien-dang-nhap/", views.my_sessions, name="sessions"),
    path("ho-so/", views.my_dossiers, name="my_dossiers"),
    path("ai-da-xem-du-lieu/", views.my_data_reads, name="data_reads"),
    path("bao-sai-du-lieu/", views.report_wrong_data, name="report_wrong_data"),
    path("ho-so/<str:code>/", views.dossier, name="dossier"),
    path("ho-so/<str:code>/phieu-tiep-nhan.pdf", views.receipt_pdf, name="receipt_pdf"),
    path("ho-so/<str:code>/thanh-toan/", views.pay_online, name="pay"),
    path("ho-so/<str:code>/danh-gia/", views.rate, name="rate"),
    path("ho-so/<str:code>/bo-sung/", views.supplement, name="supplement"),
    path("kho-du-lieu/", views.wallet, name="wallet"),
    path("kho-du-lieu/<uuid:document_id>.pdf", views.wallet_file, name="wallet_file"),
    path("ho-so/<str:code>/<str:kind>/", views.citizen_action, name="action"),
    path("tra-cuu/", views.track, name="track"),
    path("tra-cuu/<str:code>", views.track, name="track_code"),
    path("quyen-rieng-tu/", views.privacy_notice, name="privacy"),
    path("thong-bao/", notifications.inbox, name="inbox"),
    path("thong-bao/da-doc/", notifications.mark_read, name="inbox_read_all"),
    path("thong-bao/<int:message_id>/da-doc/", notifications.mark_read, name="inbox_read"),
    path("thong-bao/de-xuat/<int:offer_id>/tu-choi/", notifications.decline_offer, name="decline_offer"),
    path("thong-bao/cai-dat/", notifications.preferences, name="notification_preferences"),
]
