from django.urls import path
from oauth2_provider import views as oauth

from motcua.eid import views

# django-oauth-toolkit reverses its endpoints in the "oauth2_provider" namespace.
provider_endpoints = ([
    path("authorize/", views.EidAuthorizationView.as_view(), name="authorize"),
    path("token/", oauth.TokenView.as_view(), name="token"),
    path("userinfo/", oauth.UserInfoView.as_view(), name="user-info"),
    path("logout/", views.EidLogoutView.as_view(), name="rp-initiated-logout"),
    path(".well-known/openid-configuration", views.EidDiscoveryView.as_view(), name="oidc-connect-discovery-info"),
    path(".well-known/jwks.json", oauth.JwksInfoView.as_view(), name="jwks-info"),
], "oauth2_provider")

app_name = "eid"
urlpatterns = [
    path("dang-nhap/", views.EidLoginView.as_view(), name="login"),
]
