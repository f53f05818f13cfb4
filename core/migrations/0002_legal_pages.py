from django.db import migrations

PAGES = {
    "impressum": (
        "Impressum",
        "Landeshauptstadt Hannover\nDer Oberbürgermeister\nFachteam Beteiligung\nTrammplatz 2\n30159 Hannover\n\n"
        "Der vollständige, rechtsverbindliche Text des Impressums wird von der Landeshauptstadt Hannover "
        "bereitgestellt.",
    ),
    "datenschutz": (
        "Datenschutzerklärung",
        "Wir verarbeiten nur die Daten, die für die Anmeldung zu einer Bezirkswerkstatt nötig sind: Name und "
        "E-Mail-Adresse. Angaben zu Unterstützungsbedarfen sind freiwillig, werden nur mit Ihrer gesonderten "
        "Einwilligung gespeichert, sind nur für das Team der jeweiligen Werkstatt sichtbar und werden nach der "
        "Werkstatt gelöscht. Personenbezogene Anmeldedaten werden nach Ablauf der Aufbewahrungsfrist "
        "anonymisiert; es bleiben nur Zahlen.\n\n"
        "Diese Website setzt keine Cookies von Dritten und lädt keine Inhalte von anderen Servern. Es gibt "
        "kein Tracking.\n\n"
        "Sie haben das Recht auf Auskunft, Berichtigung, Löschung und Einschränkung der Verarbeitung. Über den "
        "Link in Ihrer Anmeldebestätigung können Sie Ihre Daten jederzeit herunterladen oder löschen.\n\n"
        "Der vollständige, rechtsverbindliche Text wird von der Landeshauptstadt Hannover bereitgestellt.",
    ),
}


def create_pages(apps, schema_editor):
    Page = apps.get_model("core", "Page")
    for slug, (title, body) in PAGES.items():
        Page.objects.get_or_create(slug=slug, defaults={"title": title, "body": body, "is_draft": True})


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(create_pages, migrations.RunPython.noop)]
