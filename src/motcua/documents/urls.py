from django.urls import path

from motcua.documents import views

app_name = "documents"
urlpatterns = [
    path("", views.verify, name="verify_upload"),
    path("crl.der", views.revocation_list, name="crl"),
    path("ca.pem", views.trust_root, name="trust_root"),
    path("dau-thoi-gian", views.timestamp, name="timestamp"),
    path("<uuid:document_id>", views.verify, name="verify"),
]
