from django.urls import path

from kpiboard.sitepages import views

app_name = "sitepages"

urlpatterns = [
    path("accessibility/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
    path("cookies/", views.cookies, name="cookies"),
    path("site-pages/", views.edit, name="edit"),
]
