from django.urls import path

from kpiboard.accounts import sso_views

# No namespace: mozilla-django-oidc reverses the callback by its name (OIDC_AUTHENTICATION_
# CALLBACK_URL in settings).
urlpatterns = [
    path("authenticate/", sso_views.SsoSignInView.as_view(), name="sso_sign_in"),
    path("callback/", sso_views.SsoCallbackView.as_view(), name="sso_callback"),
]
