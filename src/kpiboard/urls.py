from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from kpiboard.core import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    # One way in: the admin's own sign-in page would skip the authenticator app's code.
    path("admin/login/", RedirectView.as_view(pattern_name="accounts:sign_in",
                                              query_string=True)),
    path("admin/", admin.site.urls),
    path("", include("kpiboard.accounts.urls")),
    path("oidc/", include("kpiboard.accounts.sso_urls")),
    path("", include("kpiboard.workflow.urls")),
    path("", include("kpiboard.audit.urls")),
    path("", include("kpiboard.sitepages.urls")),
    path("", include("kpiboard.dashboard.urls")),
]

handler500 = "kpiboard.web.views.server_error"
