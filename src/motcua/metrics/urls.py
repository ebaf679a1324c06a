from django.urls import path

from motcua.metrics import views

app_name = "metrics"
urlpatterns = [
    path("", views.scope_page, name="national"),
    path("su-kien/", views.events, name="events"),
    path("tinh/<str:code>/", views.scope_page, {"level": "P"}, name="province"),
    path("xa/<str:code>/", views.scope_page, {"level": "C"}, name="commune"),
    path("co-quan/<str:code>/", views.scope_page, {"level": "A"}, name="agency"),
    path("bo/<str:ministry>/", views.ministry_page, name="ministry"),
    path("bo/<str:ministry>/linh-vuc/<str:sector>/", views.ministry_page, name="ministry_sector"),
    path("bo/<str:ministry>/thu-tuc/<str:procedure>/", views.ministry_page, name="ministry_procedure"),
    path("bo/<str:ministry>/thu-tuc/<str:procedure>/tinh/<str:province>/", views.ministry_page,
         name="ministry_procedure_province"),
]
