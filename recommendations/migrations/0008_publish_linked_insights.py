"""Insights got their own `public` flag (issue 15.6, ADR 0017). Insights already linked as evidence to a
recommendation were shown publicly before; they stay public so that no published evidence silently
disappears. Every other insight starts internal."""

from django.db import migrations


def publish_linked(apps, schema_editor):
    Insight = apps.get_model("reflections", "Insight")
    Recommendation = apps.get_model("recommendations", "Recommendation")
    linked = Recommendation.insights.through.objects.values("insight_id")
    Insight.objects.filter(pk__in=linked).update(public=True)


class Migration(migrations.Migration):
    dependencies = [
        ("recommendations", "0007_contribution_moderation"),
        ("reflections", "0008_insight_public"),
    ]

    operations = [migrations.RunPython(publish_linked, migrations.RunPython.noop)]
