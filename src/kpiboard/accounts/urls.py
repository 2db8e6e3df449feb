from django.urls import path

from kpiboard.accounts import passwords, twofactor, views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="sign_in"),
    path("sign-out/", views.SignOutView.as_view(), name="sign_out"),
    path("sign-in/code/", twofactor.sign_in_code, name="sign_in_code"),
    path("account/two-step/", twofactor.two_step, name="two_step"),
    path("password-reset/", passwords.PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/sent/", passwords.PasswordResetDoneView.as_view(),
         name="password_reset_done"),
    path("password-reset/<uidb64>/<token>/", passwords.PasswordResetConfirmView.as_view(),
         name="password_reset_confirm"),
    path("password-reset/done/", passwords.PasswordResetCompleteView.as_view(),
         name="password_reset_complete"),
]
