"""Template helpers of the PDF reports."""

from django import template

register = template.Library()


@register.filter
def nobreak(value) -> str:
    """Dates and figures never break inside ("2. April 2027", "40 %"): spaces become non-breaking spaces
    (the result is escaped by the template as usual)."""
    return str(value).replace(" ", "\u00a0")
