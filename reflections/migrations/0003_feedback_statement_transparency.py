"""The participants' statement for "Transparenz und Verbindlichkeit" asked the same as the fixed question on
the results; ask about commitments instead (only if the Fachteam has not changed the text)."""

from django.db import migrations

OLD = "Mir ist klar, was mit den Ergebnissen passiert."
NEW = "Es wurde klar vereinbart, wer sich um was kümmert."


def forward(apps, schema_editor):
    QualityCriterion = apps.get_model("reflections", "QualityCriterion")
    QualityCriterion.objects.filter(slug="transparenz-verbindlichkeit", feedback_statement=OLD).update(
        feedback_statement=NEW
    )


def backward(apps, schema_editor):
    QualityCriterion = apps.get_model("reflections", "QualityCriterion")
    QualityCriterion.objects.filter(slug="transparenz-verbindlichkeit", feedback_statement=NEW).update(
        feedback_statement=OLD
    )


class Migration(migrations.Migration):
    dependencies = [("reflections", "0002_seed_quality_criteria")]

    operations = [migrations.RunPython(forward, backward)]
