from django.db import migrations


def load(apps, schema_editor):
    from districts.reference import load_reference_data

    load_reference_data(apps.get_model("districts", "District"), apps.get_model("districts", "Quarter"))


class Migration(migrations.Migration):
    dependencies = [("districts", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
