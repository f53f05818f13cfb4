"""Render what higher apps registered at a hook (core/hooks.py) on a lower app's page.

{% load hb_hooks %}
{% hook_sections "workshop_detail" workshop %}
{% hook_links "account_team_links" user as links %}
"""

from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

from core import hooks

register = template.Library()


@register.simple_tag(takes_context=True)
def hook_sections(context: template.Context, name: str, obj: Any = None) -> SafeString:
    # Each section is rendered by its app's own template with autoescaping; nothing raw from users.
    html = "".join(hooks.render_sections(name, context.get("request"), obj))
    return mark_safe(html)  # nosec B308 B703


@register.simple_tag(takes_context=True)
def hook_links(context: template.Context, name: str, obj: Any = None) -> list[hooks.PageLink]:
    return hooks.collect_links(name, context.get("request"), obj)
