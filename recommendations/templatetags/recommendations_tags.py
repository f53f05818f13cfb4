"""Template tags other apps' pages use to show recommendations without importing this app.

{% load recommendations_tags %}{% recommendations_for_workshop workshop %}
"""

from django import template

from ..selectors import recommendations_for_workshop as select_for_workshop

register = template.Library()


@register.inclusion_tag("recommendations/includes/workshop_recommendations.html")
def recommendations_for_workshop(workshop):
    """The public recommendations that came from this workshop (evidence link in the other direction),
    as a section with an h2; renders nothing when there are none."""
    return {"recommendations": select_for_workshop(workshop=workshop), "workshop": workshop}
