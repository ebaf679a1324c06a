from django.urls import path
from oauth2_provider import views as oauth

from motcua.eid import views
from motcua.eid.views import when_bundled

# django-oauth-toolkit reverses its endpoints in the "oauth2_provider" namespace.
provider_endpoints = ([
    path("authorize/", when_bundled(views.EidAuthorizationView.as_view()), name="authorize"),
    path("token/", when_bundled(oauth.TokenView.as_view()), name="token"),
    path("userinfo/", when_bundled(oauth.UserInfoView.as_view()), name="user-info"),
    path("logout/", when_bundled(views.EidLogoutView.as_view()), name="rp-initiated-logout"),
    path("revoke/", when_bundled(oauth.RevokeTokenView.as_view()), name="revoke-token"),
    path("introspect/", when_bundled(oauth.IntrospectTokenView.as_view()), name="introspect"),
    path(".well-known/openid-configuration", when_bundled(views.EidDiscoveryView.as_view()),
         name="oidc-connect-discovery-info"),
    path(".well-known/jwks.json", when_bundled(oauth.JwksInfoView.as_view()), name="jwks-info"),
], "oauth2_provider")

app_name = "eid"
urlpatterns = [
    path("dang-nhap/", when_bundled(views.EidLoginView.as_view()), name="login"),
]
