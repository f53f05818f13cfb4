"""Authorisation backend for the roles: the Fachteam Beteiligung has every model permission.

New models appear with every app; giving the Fachteam group database permissions in a migration would
miss them. Object rules (workshops/rules.py and the other apps' rules.py) decide everything else.

Deliberately not a subclass of BaseBackend: a backend without `get_user` is never chosen to restore a
session (Django's test client's force_login picks the first backend that has one)."""

from django.contrib.auth.models import Permission

from .roles import user_is_fachteam


class RoleBackend:
    def authenticate(self, request, **credentials):
        return None

    def get_all_permissions(self, user_obj, obj=None) -> set[str]:
        if not user_is_fachteam(user_obj):
            return set()
        cached = getattr(user_obj, "_fachteam_perm_cache", None)
        if cached is None:
            cached = {
                f"{app_label}.{codename}"
                for app_label, codename in Permission.objects.values_list("content_type__app_label", "codename")
            }
            user_obj._fachteam_perm_cache = cached
        return cached

    def has_perm(self, user_obj, perm, obj=None) -> bool:
        return perm in self.get_all_permissions(user_obj, obj)

    def has_module_perms(self, user_obj, app_label) -> bool:
        return user_is_fachteam(user_obj)
