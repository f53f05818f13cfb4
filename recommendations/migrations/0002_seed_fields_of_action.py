"""Seed the five fields of action; the Fachteam can edit the list afterwards."""

from django.db import migrations

FIELDS = [
    ("formate-und-methoden", "Formate und Methoden", "Wie Beteiligung gestaltet wird: Formate, Methoden, Abläufe."),
    ("organisation-und-strukturen", "Organisation und Strukturen", "Zuständigkeiten, Zusammenarbeit, Abläufe in der Verwaltung."),
    ("kommunikation", "Kommunikation", "Einladung, Information, Rückmeldung an die Beteiligten."),
    ("ressourcen", "Ressourcen", "Personal, Zeit, Geld, Räume und Material."),
    ("politik", "Politik", "Einbindung von Bezirksrat und Rat, Verbindlichkeit von Ergebnissen."),
]


def seed(apps, schema_editor):
    FieldOfAction = apps.get_model("recommendations", "FieldOfAction")
    for order, (slug, name, description) in enumerate(FIELDS, start=1):
        FieldOfAction.objects.update_or_create(
            slug=slug, defaults={"name": name, "description": description, "order": order}
        )


def unseed(apps, schema_editor):
    FieldOfAction = apps.get_model("recommendations", "FieldOfAction")
    FieldOfAction.objects.filter(slug__in=[slug for slug, _, _ in FIELDS], recommendations__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("recommendations", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
