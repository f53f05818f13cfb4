"""Authorisation backend for the roles: the Fachteam Beteiligung has every model permission.

New models appear with every app; giving the Fachteam group database permissions in a migration would
miss them. Object rules (workshops/rules.py and the other apps' rules.py) decide everything else."""

from django.contrib.auth.backends import BaseBackend
from django.contrib.auth.models import Permission

from .roles import user_is_fachteam


class RoleBackend(BaseBackend):
    def authenticate(self, request, **credentials):
        return None

    def get_all_permissions(self, user_obj, obj=None):
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

    def has_module_perms(self, user_obj, app_label):
        return user_is_fachteam(user_obj)
