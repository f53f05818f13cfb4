"""Organisation units (Fachbereiche, district offices, councils) that own commitments and recommendations."""

from django.db import migrations, models
from django.db.models import deletion

# Names from /work/shared/data/hannover_administration.md (public pages of the city); see ADR 0011.
FACHBEREICHE = [
    "Fachbereich Planen und Stadtentwicklung",
    "Fachbereich Tiefbau",
    "Fachbereich Umwelt und Stadtgrün",
    "Fachbereich Bibliothek und Schule",
    "Fachbereich Jugend und Familie",
    "Fachbereich Soziales",
]


def seed(apps, schema_editor):
    from django.utils.text import slugify

    Unit = apps.get_model("accounts", "OrganisationUnit")
    District = apps.get_model("districts", "District")
    rows = [(name, "fachbereich", None) for name in FACHBEREICHE]
    rows += [("Rat der Landeshauptstadt Hannover", "politik", None), ("Verwaltungsvorstand", "leadership", None)]
    rows += [("Fachteam Beteiligung", "fachteam", None)]
    for district in District.objects.order_by("number"):
        rows.append((f"Stadtbezirksrat {district.name}", "politik", district))
        rows.append((f"Stadtbezirksmanagement {district.name}", "district_office", district))
    for name, kind, district in rows:
        Unit.objects.get_or_create(slug=slugify(name)[:200], defaults={"name": name, "kind": kind, "district": district})


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_roles"),
        ("districts", "0002_load_reference_data"),
    ]

    operations = [
        migrations.CreateModel(
            name="OrganisationUnit",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=200, unique=True, verbose_name="Name")),
                ("slug", models.SlugField(max_length=200, unique=True, verbose_name="Kennung")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("fachbereich", "Fachbereich"),
                            ("district_office", "Stadtbezirksmanagement"),
                            ("politik", "Politik"),
                            ("leadership", "Verwaltungsvorstand"),
                            ("fachteam", "Fachteam Beteiligung"),
                        ],
                        max_length=20,
                        verbose_name="Art",
                    ),
                ),
                ("email", models.EmailField(blank=True, max_length=254, verbose_name="Funktionspostfach")),
                ("is_active", models.BooleanField(default=True, verbose_name="aktiv")),
                (
                    "district",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=deletion.PROTECT,
                        related_name="organisation_units",
                        to="districts.district",
                        verbose_name="Stadtbezirk",
                    ),
                ),
                (
                    "members",
                    models.ManyToManyField(
                        blank=True, related_name="organisation_units", to="accounts.user", verbose_name="Mitglieder"
                    ),
                ),
            ],
            options={
                "verbose_name": "Organisationseinheit",
                "verbose_name_plural": "Organisationseinheiten",
                "ordering": ["kind", "name"],
            },
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
