"""Template helpers of the account pages."""

from django import template

register = template.Library()


@register.simple_tag
def described_widget(field):
    """The field's widget with aria-describedby pointing at its help text and its errors."""
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}_helptext")
    if field.errors:
        ids.append(f"{field.auto_id}_error")
    attrs = {"aria-describedby": " ".join(ids)} if ids else {}
    return field.as_widget(attrs=attrs)


@register.filter
def staff_member(user) -> bool:
    """Works behind the scenes (admin access, a staff role, a workshop team): show the staff links."""
    from accounts.roles import user_is_staff_member

    return user_is_staff_member(user)
