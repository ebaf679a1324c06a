from django.urls import path

from motcua.backoffice import alerts, exchange, fees, petitions, stewardship, views

app_name = "backoffice"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("dang-nhap/", views.LoginView.as_view(), name="login"),
    path("dang-xuat/", views.logout, name="logout"),
    path("xac-thuc-hai-buoc/", views.second_factor_setup, name="second_factor"),
    path("doi-mat-khau/", views.password_change, name="password_change"),
    path("phien-dang-nhap/", views.my_sessions, name="sessions"),
    path("tiep-nhan/", views.intake_choose, name="intake_choose"),
    path("phan-anh-du-lieu/", views.correction_reports, name="correction_reports"),
    path("phan-anh-du-lieu/<int:report_id>/tra-loi/", views.answer_correction, name="answer_correction"),
    path("phan-anh-kien-nghi/", petitions.petitions, name="petitions"),
    path("phan-anh-kien-nghi/<str:code>/tra-loi/", petitions.answer, name="answer_petition"),
    path("doi-soat-thanh-toan/", views.reconciliation, name="reconciliation"),
    path("bieu-phi/", fees.schedule, name="fee_schedule"),
    path("thong-bao/", alerts.alerts, name="alerts"),
    path("thong-bao/da-doc/", alerts.mark_read, name="alerts_read_all"),
    path("thong-bao/<int:message_id>/da-doc/", alerts.mark_read, name="alerts_read"),
    path("thong-bao/gui-lai/", alerts.retry, name="alerts_retry"),
    path("doi-soat-du-lieu/", stewardship.datasets_page, name="datasets"),
    path("doi-soat-du-lieu/lan/<int:run_id>/", stewardship.dataset_run, name="dataset_run"),
    path("doi-soat-du-lieu/lan/<int:run_id>/tra-ve.csv", stewardship.export, name="dataset_export"),
    path("doi-soat-du-lieu/ket-qua/<int:finding_id>/", stewardship.finding, name="finding"),
    path("doi-soat-du-lieu/ket-qua/<int:finding_id>/quyet-dinh/", stewardship.decide, name="decide"),
    path("trao-doi-du-lieu/", exchange.directory_page, name="exchange"),
    path("trao-doi-du-lieu/quyen/", exchange.grant, name="exchange_grant"),
    path("tiep-nhan/<str:code>/", views.intake, name="intake"),
    path("ho-so/<str:code>/", views.detail, name="detail"),
    path("ho-so/<str:code>/<str:which>.pdf", views.document, name="document"),
    path("ho-so/<str:code>/kiem-tra-lai/", views.recheck, name="recheck"),
    path("ho-so/<str:code>/tep/<int:attachment_id>/", views.attachment, name="attachment"),
    path("ho-so/<str:code>/van-ban/<uuid:document_id>.pdf", views.issued_document, name="issued_document"),
    path("ho-so/<str:code>/van-ban/<uuid:document_id>/thu-hoi/", views.revoke_document, name="revoke_document"),
    path("ho-so/<str:code>/<str:kind>/", views.act, name="act"),
]
