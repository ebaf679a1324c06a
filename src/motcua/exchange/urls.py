from django.urls import path

from motcua.exchange import views

app_name = "exchange"
urlpatterns = [path("<str:provider>/<str:service>", views.receive, name="receive")]
