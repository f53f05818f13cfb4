from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Plattform")

    def ready(self) -> None:
        # django.contrib.admin (first in INSTALLED_APPS) has imported every admin module by now.
        from django.apps import apps
        from django.contrib import admin

        from . import admin_audit

        admin_audit.install()

        # The admin speaks the platform's language, not Django's ("Django-Verwaltung").
        admin.site.site_header = _("Bezirkswerkstätten – Verwaltung")
        admin.site.site_title = _("Verwaltung der Bezirkswerkstätten")
        admin.site.index_title = _("Übersicht")
        # The lists need the width (occupancy, status at 1280 px without scrolling); the breadcrumbs and the
        # overview page lead to every section.
        admin.site.enable_nav_sidebar = False
        # Third-party sections under names staff understand (only the label in the admin changes; the apps
        # stay in INSTALLED_APPS under their own names, which django-stubs and allauth look for).
        for label, name in (
            ("auth", _("Rollen und Berechtigungen")),
            ("account", _("E-Mail-Adressen")),
            ("mfa", _("Zwei-Faktor-Anmeldung")),
        ):
            if label in apps.app_configs:
                apps.get_app_config(label).verbose_name = name
