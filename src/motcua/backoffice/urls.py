from django.urls import path

from motcua.backoffice import views

app_name = "backoffice"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("dang-nhap/", views.LoginView.as_view(), name="login"),
    path("dang-xuat/", views.logout, name="logout"),
    path("tiep-nhan/", views.intake_choose, name="intake_choose"),
    path("phan-anh-du-lieu/", views.correction_reports, name="correction_reports"),
    path("tiep-nhan/<str:code>/", views.intake, name="intake"),
    path("ho-so/<str:code>/", views.detail, name="detail"),
    path("ho-so/<str:code>/<str:which>.pdf", views.document, name="document"),
    path("ho-so/<str:code>/kiem-tra-lai/", views.recheck, name="recheck"),
    path("ho-so/<str:code>/<str:kind>/", views.act, name="act"),
]
