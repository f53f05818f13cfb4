"""Seed the seven quality criteria of the Bezirkswerkstätten (DESIGN §1). The Fachteam edits them later."""

from django.db import migrations

CRITERIA = [
    (
        "lebendige-formate",
        "Lebendige Formate",
        "Die Werkstatt nutzt abwechslungsreiche, aktivierende Methoden, die zu Thema, Ort und Menschen passen.",
        "Haben die Methoden zum Mitmachen eingeladen?\n"
        "Konnten sich auch Menschen einbringen, die nicht gern vor vielen sprechen?\n"
        "Gab es Wechsel zwischen Plenum, Kleingruppen und Bewegung?",
        False,
        "",
    ),
    (
        "multiprofessionelle-projektteams",
        "Multiprofessionelle Projektteams",
        "Verwaltung, Bezirk, Netzwerk und Fachleute planen und gestalten die Werkstatt gemeinsam.",
        "Welche Fachbereiche und Organisationen waren im Team?\n"
        "Wer hätte noch dabei sein sollen?\n"
        "Hat jede Person im Team eine klare Rolle gehabt?",
        False,
        "",
    ),
    (
        "wertschaetzender-kooperativer-umgang",
        "Wertschätzender und kooperativer Umgang",
        "Alle Beteiligten begegnen sich mit Respekt; Beiträge werden ernst genommen und gewürdigt.",
        "Wurden alle Beiträge gleichermaßen gehört und festgehalten?\n"
        "Wie sind wir mit Konflikten oder Kritik umgegangen?\n"
        "Haben sich Teilnehmer*innen willkommen gefühlt?",
        True,
        "Ich wurde wertschätzend behandelt.",
    ),
    (
        "offener-austausch",
        "Selbstverständlicher und offener Austausch",
        "Informationen und Wissen werden offen geteilt – zwischen Verwaltung, Politik und Stadtgesellschaft.",
        "Haben wir alle nötigen Informationen verständlich geteilt?\n"
        "Konnten Fragen offen gestellt und beantwortet werden?\n"
        "Was haben wir selbst von den Teilnehmer*innen gelernt?",
        False,
        "",
    ),
    (
        "miteinander-im-gespraech",
        "Miteinander im Gespräch sein",
        "Die Werkstatt schafft echte Gespräche auf Augenhöhe statt Frontalinformation.",
        "Wie viel Zeit hatten Teilnehmer*innen zum Sprechen – und wie viel wir?\n"
        "Sind Teilnehmer*innen auch untereinander ins Gespräch gekommen?\n"
        "Gab es Momente echten Zuhörens?",
        True,
        "Ich bin mit anderen gut ins Gespräch gekommen.",
    ),
    (
        "interdisziplinaeres-arbeiten",
        "Interdisziplinäres Arbeiten als Selbstverständlichkeit",
        "Fragen werden über Zuständigkeitsgrenzen hinweg bearbeitet; Fachwissen verschiedener Bereiche fließt zusammen.",
        "Wurden Themen über Fachgrenzen hinweg besprochen?\n"
        "Welche Zuständigkeit hat gefehlt, um Fragen zu beantworten?\n"
        "Was nehmen die beteiligten Fachbereiche mit?",
        False,
        "",
    ),
    (
        "transparenz-verbindlichkeit",
        "Transparenz und Verbindlichkeit",
        "Es ist klar, was mit den Ergebnissen geschieht; Zusagen werden dokumentiert und eingehalten.",
        "Wissen die Teilnehmer*innen, was mit ihren Beiträgen passiert?\n"
        "Welche Vereinbarungen haben wir getroffen – wer macht was bis wann?\n"
        "Wie und wann melden wir uns zurück?",
        True,
        "Mir ist klar, was mit den Ergebnissen passiert.",
    ),
]


def seed(apps, schema_editor):
    QualityCriterion = apps.get_model("reflections", "QualityCriterion")
    for order, (slug, name, description, questions, in_feedback, statement) in enumerate(CRITERIA, start=1):
        QualityCriterion.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "description": description,
                "guiding_questions": questions,
                "order": order * 10,
                "is_active": True,
                "asked_in_feedback": in_feedback,
                "feedback_statement": statement,
            },
        )


def unseed(apps, schema_editor):
    QualityCriterion = apps.get_model("reflections", "QualityCriterion")
    QualityCriterion.objects.filter(slug__in=[c[0] for c in CRITERIA], ratings__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("reflections", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
