from django.contrib import admin
from django.urls import include, path

from kpiboard.core import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("", include("kpiboard.accounts.urls")),
    path("oidc/", include("kpiboard.accounts.sso_urls")),
    path("", include("kpiboard.workflow.urls")),
    path("", include("kpiboard.audit.urls")),
    path("", include("kpiboard.sitepages.urls")),
    path("", include("kpiboard.dashboard.urls")),
]

handler500 = "kpiboard.web.views.server_error"
