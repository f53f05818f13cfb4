"""The roles Politik (council members) and Fachbereich (units of the city administration), issue 12."""

from django.db import migrations, models

ROLES = ["Politik", "Fachbereich"]


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_mfa_enrolment_invitation")]
    operations = [
        migrations.RunPython(create_roles, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="user",
            name="organisation_kind",
            field=models.CharField(
                blank=True,
                choices=[
                    ("administration", "Stadtverwaltung"),
                    ("district_office", "Bezirksmanagement"),
                    ("politik", "Politik (Bezirksrat, Rat)"),
                    ("process_team", "Prozessteam"),
                    ("network", "Netzwerkpartner*in / Träger"),
                    ("civil_society", "Bürger*in"),
                    ("other", "Sonstiges"),
                ],
                max_length=20,
                verbose_name="Art der Organisation",
            ),
        ),
    ]
