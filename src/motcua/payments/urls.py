from django.urls import path

from motcua.payments import sandbox, views

app_name = "payments"
urlpatterns = [
    path("ipn/", views.ipn, name="ipn"),
    path("ket-qua/", views.payment_return, name="return"),
]

sandbox_urlpatterns = ([
    path("paymentv2/vpcpay.html", sandbox.pay, name="pay"),
    path("merchant_webapi/api/transaction", sandbox.api, name="api"),
], "sandbox_gateway")
