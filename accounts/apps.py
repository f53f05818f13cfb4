from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Konten")

    def ready(self) -> None:
        from allauth.account.decorators import secure_admin_login
        from django.contrib import admin

        from . import checks, privacy, signals  # noqa: F401  (checks register themselves)

        signals.connect()
        privacy.register()
        # The admin has no login form of its own: everyone logs in through allauth (with the second factor).
        admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]
