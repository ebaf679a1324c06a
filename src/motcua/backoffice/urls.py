

app_name = "backoffice"
urlpatterns = []
