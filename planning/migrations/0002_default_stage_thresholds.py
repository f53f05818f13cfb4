from django.db import migrations

DEFAULTS = [
    ("co_facilitator", "observer", 1, False),
    ("tandem_lead", "co_facilitation", 2, False),
    ("lead", "tandem_lead", 2, True),
]


def forwards(apps, schema_editor):
    StageThreshold = apps.get_model("planning", "StageThreshold")
    for stage, role, count, coaching in DEFAULTS:
        StageThreshold.objects.get_or_create(
            stage=stage, role=role, with_coaching=coaching, defaults={"min_count": count}
        )


class Migration(migrations.Migration):
    dependencies = [("planning", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
