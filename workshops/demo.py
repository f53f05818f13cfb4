"""Demo data of this app for `manage.py seed_demo` (idempotent) and bulk data for `manage.py seed_scale`.

Everything has a fixed slug: running it again refreshes texts and moves the dates relative to today, but
never duplicates rows. Registrations are written as rows consistent with the seat counter (confirmed,
pending and offered registrations hold seats; `seats_held` is set to the recount afterwards), because the
services would send mails for every one of them.

Workshop slugs (other apps' demo data refer to them): see WORKSHOPS below; `DEMO_HELD_SLUGS` are the
past, held ones with attendance."""

import hashlib
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from districts.models import District, Quarter

from .models import AgendaItem, ConsentRecord, Format, Method, Registration, Workshop, WorkshopTeamMember
from .tokens import CHECK_IN_ALPHABET, new_tokens, tokens_for_seed

# --- formats ------------------------------------------------------------------------------------------------

FORMATS = [
    (
        "werkstattgespraech",
        "Werkstattgespräch",
        "Gespräch in kleinen Runden an Thementischen: moderiert, auf Augenhöhe, die Ergebnisse werden auf "
        "Plakaten festgehalten und am Ende gemeinsam gewichtet.",
        120,
        25,
    ),
    (
        "stadtteilspaziergang",
        "Stadtteilspaziergang",
        "Gemeinsam unterwegs: Orte im Stadtteil ansehen und Stärken, Probleme und Ideen direkt vor Ort "
        "besprechen. Die Route ist barrierearm geplant.",
        120,
        20,
    ),
    (
        "world-cafe",
        "World Café",
        "Viele Menschen kommen an wechselnden Tischen ins Gespräch; Gastgeber*innen halten die Gedanken fest "
        "und geben sie an die nächste Runde weiter.",
        150,
        40,
    ),
    (
        "zukunftswerkstatt",
        "Zukunftswerkstatt",
        "In drei Phasen von der Kritik über die Fantasie zur Verwirklichung: Was stört, was wünschen wir uns, "
        "was packen wir an?",
        240,
        25,
    ),
    (
        "planungswerkstatt",
        "Planungswerkstatt",
        "Bürger*innen arbeiten mit Planer*innen an Plänen und Modellen an einem konkreten Entwurf – etwa für "
        "einen Platz, eine Straße oder einen Spielplatz.",
        180,
        30,
    ),
    (
        "online-werkstatt",
        "Online-Werkstatt",
        "Eine kurze Werkstatt per Videokonferenz mit digitaler Pinnwand – für alle, die abends nicht aus dem "
        "Haus können.",
        90,
        20,
    ),
]

# --- method library -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoMethod:
    slug: str
    name: str
    purpose: str
    steps: list[str]
    duration: int
    group: tuple[int, int]
    materials: str
    accessibility: str


METHODS = [
    DemoMethod(
        "world-cafe",
        "World Café",
        "Viele Stimmen in kurzer Zeit hören und Gedanken über mehrere Gesprächsrunden weiterentwickeln. "
        "Gut für große Gruppen und offene Fragen.",
        [
            "Tische für je vier bis sechs Personen mit Papiertischdecken vorbereiten; je Tisch eine Frage.",
            "Begrüßung, Café-Etikette erklären: zuhören, verbinden, auf die Tischdecke schreiben und malen.",
            "Erste Gesprächsrunde (20 Minuten).",
            "Alle wechseln den Tisch, nur die Gastgeber*innen bleiben und fassen die Runde zusammen.",
            "Zweite und dritte Runde mit neuen Gruppen.",
            "Die Gastgeber*innen stellen im Plenum die wichtigsten Gedanken vor.",
        ],
        90,
        (12, 60),
        "Papiertischdecken, dicke Stifte, Tischschilder mit den Fragen, Klangschale oder Glocke",
        "Tische mit dem Rollstuhl unterfahrbar stellen; Fragen auch in Leichter Sprache auslegen; Wechsel "
        "ankündigen und Zeit lassen; wer nicht wechseln möchte, bleibt sitzen.",
    ),
    DemoMethod(
        "fishbowl",
        "Fishbowl (Aquarium)",
        "Eine Diskussion in kleiner Runde, der alle zuhören und in die alle einsteigen können. Gut, um "
        "unterschiedliche Sichtweisen sichtbar zu machen – etwa von Verwaltung und Anwohner*innen.",
        [
            "Einen Innenkreis mit vier bis fünf Stühlen bilden, einer davon bleibt frei.",
            "Außen sitzen alle anderen im Kreis und hören zu.",
            "Die Moderation eröffnet mit einer Frage; der Innenkreis diskutiert.",
            "Wer mitreden möchte, setzt sich auf den freien Stuhl; eine Person aus dem Innenkreis geht dafür hinaus.",
            "Die Moderation fasst am Ende zusammen und hält offene Fragen fest.",
        ],
        45,
        (10, 50),
        "Stühle, Mikrofon mit Induktionsschleife bei großen Räumen, Flipchart",
        "Mikrofon nutzen, damit alle gut hören; der Platzwechsel kann auch per Handzeichen angemeldet werden.",
    ),
    DemoMethod(
        "open-space",
        "Open Space",
        "Die Teilnehmenden bestimmen selbst, worüber gesprochen wird. Gut, wenn viele Anliegen im Raum "
        "stehen und Menschen Verantwortung für Themen übernehmen wollen.",
        [
            "Im Kreis das Leitthema und die vier Grundsätze und das Gesetz der zwei Füße vorstellen.",
            "Alle, die ein Anliegen haben, schreiben es auf und stellen es kurz vor (Marktplatz).",
            "Die Anliegen werden auf Zeiten und Orte verteilt.",
            "Gruppen arbeiten; jede Gruppe hält ihre Ergebnisse in einem kurzen Protokoll fest.",
            "Abschlusskreis: Ergebnisse und nächste Schritte.",
        ],
        180,
        (20, 200),
        "Große Wand für den Marktplatz, Moderationskarten, Protokollvorlagen",
        "Räume und Wege zwischen den Gruppen barrierefrei planen; Protokolle gut lesbar aushängen.",
    ),
    DemoMethod(
        "zukunftswerkstatt-jungk",
        "Zukunftswerkstatt nach Robert Jungk",
        "Aus Unzufriedenheit werden Ideen und konkrete Vorhaben. Gut für Themen, bei denen Betroffene selbst "
        "etwas verändern möchten.",
        [
            "Kritikphase: Alles sammeln, was stört – auf Karten, ohne zu diskutieren.",
            "Die Kritikpunkte zu Themen ordnen und gewichten.",
            "Fantasiephase: Wie sähe es aus, wenn alles möglich wäre? Ideen ohne Schere im Kopf.",
            "Verwirklichungsphase: Welche Ideen lassen sich umsetzen? Wer macht was bis wann?",
            "Verabredungen festhalten und öffentlich machen.",
        ],
        240,
        (8, 30),
        "Moderationskarten, Pinnwände, Klebepunkte, Materialien zum Bauen und Malen",
        "Phasen mit Symbolen kennzeichnen; Pausen einplanen; Ideen dürfen gemalt statt geschrieben werden.",
    ),
    DemoMethod(
        "stadtteilspaziergang",
        "Stadtteilspaziergang",
        "Orte gemeinsam ansehen statt über sie zu reden. Gut, um Wissen der Menschen vor Ort über Wege, "
        "Plätze und Angsträume zu sammeln.",
        [
            "Route mit vier bis sechs Stationen planen und barrierearm prüfen.",
            "An jeder Station: kurzer Impuls, dann Fragen an die Gruppe – was ist gut, was fehlt?",
            "Beobachtungen mit Fotos und auf einem Stadtplan festhalten.",
            "Zum Abschluss an einem Ort mit Sitzgelegenheit die Eindrücke sammeln und gewichten.",
        ],
        120,
        (6, 25),
        "Stadtplan, Klemmbretter, Kamera oder Smartphone, tragbarer Lautsprecher",
        "Route ohne Stufen, mit Sitzgelegenheiten und Toiletten; Tempo der langsamsten Person; tragbare "
        "Höranlage anbieten.",
    ),
    DemoMethod(
        "punktabfrage",
        "Punktabfrage",
        "Schnell sichtbar machen, was der Gruppe wichtig ist. Gut zum Gewichten von gesammelten Ideen.",
        [
            "Ideen oder Themen gut lesbar auf einer Pinnwand sammeln.",
            "Jede Person bekommt drei Klebepunkte.",
            "Alle verteilen ihre Punkte; mehrere Punkte auf ein Thema sind erlaubt.",
            "Ergebnis gemeinsam ansehen und besprechen, was es bedeutet.",
        ],
        15,
        (5, 80),
        "Pinnwand, Klebepunkte in einer Farbe",
        "Pinnwand in greifbarer Höhe; wer nicht kleben kann, sagt die Auswahl an und jemand klebt.",
    ),
    DemoMethod(
        "kartenabfrage",
        "Kartenabfrage (Metaplan)",
        "Alle Stimmen gleich sichtbar machen, auch die der Leisen. Gut zum Sammeln von Erfahrungen, "
        "Problemen oder Ideen.",
        [
            "Die Frage gut sichtbar aufschreiben.",
            "Alle schreiben ihre Antworten auf Karten: ein Gedanke pro Karte, groß und in wenigen Worten.",
            "Die Karten werden vorgelesen und an der Pinnwand zu Gruppen geordnet.",
            "Die Gruppen bekommen Überschriften; Doppelungen bleiben als Gewicht sichtbar.",
        ],
        30,
        (5, 30),
        "Moderationskarten, dicke Stifte, Pinnwand, Nadeln",
        "Karten auch diktieren lassen; Karten vorlesen, damit alle folgen können.",
    ),
    DemoMethod(
        "planning-for-real",
        "Planning for Real",
        "An einem großen, selbstgebauten Modell des Stadtteils Vorschläge machen. Gut für räumliche Fragen "
        "und für Menschen, die lieber zeigen als reden.",
        [
            "Ein einfaches Modell des Gebiets bauen, am besten gemeinsam mit Anwohner*innen.",
            "Das Modell an einem belebten Ort aufstellen.",
            "Alle setzen Vorschlagskarten (zum Beispiel Bank, Baum, Spielgerät) auf das Modell.",
            "Die Vorschläge werden fotografiert, gezählt und nach Dringlichkeit geordnet.",
            "In einer Werkstatt wird daraus ein Aktionsplan.",
        ],
        120,
        (10, 100),
        "Modell (Pappe, Holz), Vorschlagskarten mit Symbolen, Kamera",
        "Modell auf Tischhöhe, mit dem Rollstuhl erreichbar; Symbole statt Text auf den Karten.",
    ),
    DemoMethod(
        "think-pair-share",
        "Denken – Austauschen – Vorstellen",
        "Erst allein nachdenken, dann zu zweit sprechen, dann in der Runde. Gut, damit auch Menschen zu Wort "
        "kommen, die vor vielen nicht gleich sprechen.",
        [
            "Eine klare Frage stellen.",
            "Zwei Minuten allein nachdenken und Notizen machen.",
            "Fünf Minuten mit der Nachbarin oder dem Nachbarn austauschen.",
            "Einige Paare stellen ihre Gedanken der Runde vor.",
        ],
        20,
        (4, 60),
        "Papier und Stifte",
        "Frage aufschreiben und vorlesen; Paare dürfen ihre Sprache wählen.",
    ),
    DemoMethod(
        "blitzlicht",
        "Blitzlicht",
        "Ein kurzes Stimmungsbild zu Beginn oder am Ende. Gut, um alle einmal zu Wort kommen zu lassen.",
        [
            "Die Moderation stellt eine Frage, zum Beispiel: Mit welchem Gedanken gehen Sie nach Hause?",
            "Reihum sagt jede Person ein bis zwei Sätze; niemand kommentiert.",
            "Wer nichts sagen möchte, gibt weiter.",
        ],
        10,
        (3, 30),
        "keins",
        "Mikrofon weitergeben; Weitergeben ohne Antwort ist ausdrücklich erlaubt.",
    ),
    DemoMethod(
        "nadelmethode",
        "Nadelmethode",
        "Auf einem großen Stadtplan markieren, wo Menschen sich aufhalten, wo sie sich wohl- oder unwohl "
        "fühlen. Gut zum Einstieg in räumliche Themen.",
        [
            "Einen großen Stadtplan des Gebiets aufhängen.",
            "Alle markieren mit farbigen Nadeln oder Punkten: hier wohne ich, hier bin ich gern, hier nicht.",
            "Die Gruppe sieht sich das Bild an: Wo häuft es sich, wo bleibt es leer?",
            "Auffällige Orte werden besprochen und für die Weiterarbeit notiert.",
        ],
        20,
        (5, 60),
        "Großer Stadtplan, Nadeln oder Klebepunkte in drei Farben",
        "Plan tief genug aufhängen; Farben zusätzlich mit Formen unterscheiden.",
    ),
]

# --- workshops ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoWorkshop:
    slug: str
    title: str
    district: str
    quarters: tuple[str, ...]
    format: str
    topic: str
    description: str
    summary_easy: str
    days: int  # start relative to today (negative: in the past)
    hour: int
    duration_hours: float
    venue_name: str
    venue_address: str
    transport: str
    capacity: int
    status: str = Workshop.Status.PUBLISHED
    level: str = Workshop.ParticipationLevel.KONSULTATION
    run_by: str = Workshop.RunBy.PROTOTYPE
    step_free: bool = True
    accessible_toilet: bool = True
    induction_loop: bool = False
    online_url: str = ""
    opens_in_days: int | None = None  # registration opens in N days (None: already open)
    cancellation_reason: str = ""
    team: tuple[tuple[str, str], ...] = ()  # (users key, role)
    agenda: tuple[tuple[str, int, str], ...] = ()  # (title, minutes, method slug or "")
    # Registrations: confirmed (attended / no-show for past ones), pending, waitlisted.
    confirmed: int = 0
    no_shows: int = 0
    pending: int = 0
    waitlisted: int = 0
    cancelled: int = 0
    extra: dict = field(default_factory=dict)


STANDARD_AGENDA = (
    ("Ankommen und Begrüßung", 15, "blitzlicht"),
    ("Einstieg: Wo sind Sie im Stadtteil gern?", 20, "nadelmethode"),
    ("Arbeit an Thementischen", 60, "world-cafe"),
    ("Gewichten: Was ist am wichtigsten?", 15, "punktabfrage"),
    ("Wie geht es weiter? Verabredungen und Abschluss", 10, "blitzlicht"),
)

WORKSHOPS = [
    DemoWorkshop(
        "linden-lindener-marktplatz",
        "Zukunft des Lindener Marktplatzes",
        "linden-limmer",
        ("linden-mitte",),
        "werkstattgespraech",
        "Aufenthaltsqualität, Markt und Verkehr rund um den Lindener Marktplatz",
        "Der Lindener Marktplatz ist Treffpunkt, Marktort und Verkehrsknoten zugleich. In dieser Werkstatt "
        "haben Anwohner*innen, Markthändler*innen, Gewerbetreibende und Fachleute aus der Verwaltung "
        "gemeinsam überlegt, wie der Platz zum Verweilen einladen kann – ohne dass Markt und Lieferverkehr "
        "darunter leiden.",
        "Der Lindener Marktplatz soll schöner werden.\nWir haben zusammen überlegt: Was ist gut? Was fehlt?",
        -40,
        18,
        2.5,
        "Freizeitheim Linden",
        "Windheimstraße 4, 30451 Hannover",
        "Stadtbahn 9, Haltestelle Fössestraße/Harenberger Straße",
        30,
        status=Workshop.Status.HELD,
        induction_loop=True,
        team=(
            ("moderation", "lead"),
            ("fachteam", "co"),
            ("bezirk", "district_office"),
            ("moderation2", "trainee"),
            # Issue 12: a member of the Bezirksrat and a Fachbereich reflect from their perspective.
            ("politik", "politik"),
            ("fachbereich", "fachbereich"),
        ),
        agenda=STANDARD_AGENDA,
        confirmed=18,
        no_shows=3,
        cancelled=2,
        extra={"buerger": True},
    ),
    DemoWorkshop(
        "limmer-wege-an-leine-und-kanal",
        "Stadtteilspaziergang Limmer: Wege an Leine und Kanal",
        "linden-limmer",
        ("limmer",),
        "stadtteilspaziergang",
        "Fuß- und Radwege zwischen Wasserstadt, Leine und Stichkanal",
        "Mit der Wasserstadt ist Limmer gewachsen. Auf einem gemeinsamen Spaziergang haben wir uns angesehen, "
        "wie gut man zu Fuß und mit dem Rad an Leine und Kanal unterwegs ist, wo es eng wird und wo Bänke, "
        "Licht oder Querungen fehlen.",
        "Wir sind zusammen durch Limmer gegangen.\nWir haben uns Wege angesehen.\nWo ist es gut? Wo ist es gefährlich?",
        -25,
        15,
        2,
        "Treffpunkt: Stadtteiltreff Limmer",
        "Sackmannstraße 27, 30453 Hannover",
        "Stadtbahn 10, Haltestelle Wunstorfer Straße",
        20,
        status=Workshop.Status.HELD,
        accessible_toilet=False,
        team=(("moderation", "lead"), ("netzwerk", "network_partner"), ("bezirk", "district_office")),
        agenda=(
            ("Treffen und Einführung in die Route", 10, "blitzlicht"),
            ("Spaziergang mit fünf Stationen", 80, "stadtteilspaziergang"),
            ("Eindrücke sammeln und gewichten", 30, "punktabfrage"),
        ),
        confirmed=14,
        no_shows=2,
        cancelled=1,
    ),
    DemoWorkshop(
        "linden-sued-treffpunkte",
        "Spielplätze und Treffpunkte in Linden-Süd",
        "linden-limmer",
        ("linden-sued",),
        "world-cafe",
        "Orte für Kinder, Jugendliche und Nachbarschaft in Linden-Süd",
        "Wo treffen sich Kinder, Jugendliche und Nachbar*innen in Linden-Süd – und wo fehlt ein Ort dafür? "
        "Im World Café sammeln wir Erfahrungen und Ideen für Spielplätze, Höfe und Treffpunkte. Die "
        "Ergebnisse fließen in die Spielplatzplanung der Stadt ein. Kinderbetreuung ist vor Ort.",
        "Wir suchen gute Orte für Kinder und Nachbarn.\nSie können an Tischen erzählen: Wo sind Sie gern?\n"
        "Ihre Kinder können mitkommen. Es gibt eine Kinder-Betreuung.",
        12,
        17,
        2.5,
        "Stadtteilzentrum Linden-Süd",
        "Allerweg 7, 30449 Hannover",
        "Stadtbahn 3, 7 und 17, Haltestelle Allerweg",
        30,
        induction_loop=True,
        team=(("moderation", "lead"), ("moderation2", "co"), ("bezirk", "district_office")),
        agenda=STANDARD_AGENDA,
        confirmed=9,
        pending=2,
        extra={"buerger": True, "support": True},
    ),
    DemoWorkshop(
        "limmerstrasse-verkehr",
        "Limmerstraße: Platz für alle?",
        "linden-limmer",
        ("linden-nord",),
        "planungswerkstatt",
        "Fußverkehr, Radverkehr, Lieferverkehr und Außengastronomie auf der Limmerstraße",
        "Die Limmerstraße ist voll – mit Menschen, Rädern, Lieferwagen und Tischen. In der Planungswerkstatt "
        "arbeiten wir an Plänen der Straße: Wer braucht wo wie viel Platz? Fachleute aus Verkehrs- und "
        "Stadtplanung sind dabei und nehmen die Vorschläge mit.",
        "Auf der Limmerstraße ist es eng.\nWir planen zusammen: Wer braucht wo Platz?",
        9,
        18,
        3,
        "Kulturzentrum Faust, Mephisto-Saal",
        "Zur Bettfedernfabrik 3, 30451 Hannover",
        "Stadtbahn 10, Haltestelle Leinaustraße",
        12,
        level=Workshop.ParticipationLevel.KOOPERATION,
        team=(("moderation", "lead"), ("fachteam", "expert"), ("bezirk", "district_office")),
        agenda=(
            ("Begrüßung und Ziel des Abends", 15, ""),
            ("Wo ist es eng? Erfahrungen auf dem Plan", 30, "nadelmethode"),
            ("Arbeit an Plänen in drei Gruppen", 90, "planning-for-real"),
            ("Vorstellen und gewichten", 30, "punktabfrage"),
            ("Abschluss", 15, "blitzlicht"),
        ),
        confirmed=12,
        waitlisted=3,
    ),
    DemoWorkshop(
        "ihme-ufer-zukunftswerkstatt",
        "Zukunftswerkstatt Ihme-Ufer",
        "linden-limmer",
        ("linden-mitte", "linden-nord"),
        "zukunftswerkstatt",
        "Das Ihme-Ufer zwischen Küchengarten und Dornröschenbrücke",
        "Entwurf: Zukunftswerkstatt zum Ihme-Ufer. Termin und Ort werden noch abgestimmt.",
        "",
        45,
        10,
        4,
        "Freizeitheim Linden",
        "Windheimstraße 4, 30451 Hannover",
        "Stadtbahn 9, Haltestelle Fössestraße/Harenberger Straße",
        25,
        status=Workshop.Status.DRAFT,
        team=(("moderation2", "lead"),),
    ),
    DemoWorkshop(
        "steintor-aufenthalt",
        "Steintor: Ein Platz zum Bleiben?",
        "mitte",
        ("mitte",),
        "werkstattgespraech",
        "Aufenthaltsqualität und Sicherheit am Steintorplatz",
        "Der Steintorplatz ist ein Knotenpunkt der Innenstadt. Gemeinsam mit Anwohner*innen, Gewerbe, "
        "sozialen Trägern und Polizei haben wir besprochen, was den Platz zum Verweilen einladender machen "
        "würde.",
        "Wir haben über den Steintor-Platz gesprochen.\nWas macht den Platz schöner und sicherer?",
        -60,
        18,
        2,
        "Haus der Region, Raum 1",
        "Hildesheimer Straße 18, 30169 Hannover",
        "Stadtbahn 1, 2, 8 und 18, Haltestelle Aegidientorplatz",
        25,
        status=Workshop.Status.HELD,
        induction_loop=True,
        team=(("moderation", "lead"), ("fachteam", "co")),
        agenda=STANDARD_AGENDA,
        confirmed=16,
        no_shows=4,
    ),
    DemoWorkshop(
        "calenberger-neustadt-nachbarschaft",
        "Nachbarschaft in der Calenberger Neustadt",
        "mitte",
        ("calenberger-neustadt",),
        "world-cafe",
        "Begegnungsorte und Nachbarschaftshilfe",
        "Wie gut kennen sich die Menschen in der Calenberger Neustadt – und was würde helfen, dass Nachbarschaft "
        "entsteht? Wir sammeln Ideen für Begegnungsorte, gemeinsame Aktionen und Nachbarschaftshilfe.",
        "Wie lernen Nachbarn sich kennen?\nWir sammeln zusammen Ideen.",
        20,
        18,
        2.5,
        "Neustädter Hof- und Stadtkirche, Gemeindesaal",
        "Rote Reihe 8, 30169 Hannover",
        "Stadtbahn 10 und 17, Haltestelle Clevertor",
        35,
        team=(("moderation", "lead"), ("netzwerk", "network_partner")),
        agenda=STANDARD_AGENDA,
        confirmed=6,
    ),
    DemoWorkshop(
        "lister-meile-werkstattgespraech",
        "Lister Meile: Einkaufen, Wohnen, Verweilen",
        "vahrenwald-list",
        ("list",),
        "werkstattgespraech",
        "Die Zukunft der Lister Meile",
        "Leerstand, Außengastronomie, Sitzplätze, Bäume: Was braucht die Lister Meile, damit sie lebendig "
        "bleibt? Gemeinsam mit dem Stadtteilzentrum Lister Turm laden wir zum Werkstattgespräch ein.",
        "Die Lister Meile ist eine Einkaufs-Straße.\nWas braucht die Straße? Reden Sie mit!",
        6,
        18,
        2,
        "Stadtteilzentrum Lister Turm",
        "Walderseestraße 100, 30177 Hannover",
        "Stadtbahn 3, 7 und 9, Haltestelle Lister Platz",
        25,
        induction_loop=True,
        team=(("moderation", "lead"), ("netzwerk", "network_partner")),
        agenda=STANDARD_AGENDA,
        confirmed=11,
        pending=1,
    ),
    DemoWorkshop(
        "vahrenwalder-park",
        "Vahrenwalder Park für alle Generationen",
        "vahrenwald-list",
        ("vahrenwald",),
        "stadtteilspaziergang",
        "Wege, Spiel- und Sportflächen im Vahrenwalder Park",
        "Ein Spaziergang durch den Vahrenwalder Park mit Jung und Alt: Welche Wege, Bänke, Spiel- und "
        "Sportflächen fehlen? Die Ergebnisse sind dokumentiert und an den Fachbereich Umwelt und Stadtgrün "
        "gegangen.",
        "Wir sind durch den Vahrenwalder Park gegangen.\nWas fehlt im Park?",
        -90,
        15,
        2,
        "Treffpunkt: Eingang Vahrenwalder Park",
        "Vahrenwalder Straße, 30165 Hannover",
        "Stadtbahn 1 und 2, Haltestelle Vahrenwalder Platz",
        20,
        status=Workshop.Status.DOCUMENTED,
        accessible_toilet=False,
        team=(("moderation", "lead"), ("fachteam", "co")),
        agenda=(
            ("Treffen und Einführung", 10, "blitzlicht"),
            ("Spaziergang", 80, "stadtteilspaziergang"),
            ("Ergebnisse sammeln", 30, "kartenabfrage"),
        ),
        confirmed=13,
        no_shows=1,
    ),
    DemoWorkshop(
        "sahlkamp-zusammenleben",
        "Sahlkamp: Gut zusammenleben im Quartier",
        "bothfeld-vahrenheide",
        ("sahlkamp",),
        "world-cafe",
        "Nachbarschaft, Sauberkeit und Treffpunkte im Sahlkamp",
        "Im World Café sprechen wir über das Zusammenleben im Sahlkamp: Was klappt gut, wo gibt es Ärger, "
        "und was können Nachbarschaft, Vermieter*innen und Stadt gemeinsam tun? Übersetzung ins Türkische, "
        "Arabische und Russische ist möglich.",
        "Wie leben wir gut zusammen im Sahlkamp?\nSie können in Ihrer Sprache reden. Es gibt Übersetzung.",
        16,
        17,
        2.5,
        "Nachbarschaftstreff Sahlkamp",
        "Elmstraße 15, 30657 Hannover",
        "Stadtbahn 2, Haltestelle Sahlkamp",
        40,
        team=(("moderation", "lead"), ("netzwerk", "network_partner")),
        agenda=STANDARD_AGENDA,
        confirmed=7,
    ),
    DemoWorkshop(
        "kleefeld-kantplatz",
        "Kleefeld: Ideen für den Kantplatz",
        "buchholz-kleefeld",
        ("kleefeld",),
        "werkstattgespraech",
        "Umgestaltung des Kantplatzes",
        "Werkstattgespräch zur Umgestaltung des Kantplatzes.",
        "Wir reden über den Kantplatz in Kleefeld.",
        10,
        18,
        2,
        "Stadtteiltreff Kleefeld",
        "Kantplatz 3, 30625 Hannover",
        "Stadtbahn 4 und 5, Haltestelle Kantplatz",
        25,
        status=Workshop.Status.CANCELLED,
        cancellation_reason="Der Veranstaltungsort steht wegen eines Wasserschadens nicht zur Verfügung. "
        "Wir laden zu einem neuen Termin ein, sobald er feststeht.",
        team=(("moderation2", "lead"),),
        agenda=STANDARD_AGENDA,
    ),
    DemoWorkshop(
        "misburg-zukunft-am-kanal",
        "Misburg: Zukunft am Kanal",
        "misburg-anderten",
        ("misburg-nord", "misburg-sued"),
        "zukunftswerkstatt",
        "Der Mittellandkanal als Ort für Freizeit und Erholung",
        "Was könnte am Kanal in Misburg entstehen? In der Zukunftswerkstatt gehen wir von der Kritik über "
        "die Fantasie bis zu Vorhaben, die wir gemeinsam anpacken. Die Anmeldung öffnet bald.",
        "Am Kanal in Misburg soll etwas Neues entstehen.\nWir träumen zusammen und machen einen Plan.",
        30,
        10,
        4,
        "Bürgerhaus Misburg",
        "Seckbruchstraße 20, 30629 Hannover",
        "Bus 124, Haltestelle Misburg/Meyers Garten",
        25,
        opens_in_days=5,
        level=Workshop.ParticipationLevel.KOOPERATION,
        team=(("moderation2", "lead"), ("fachteam", "co")),
        agenda=(
            ("Ankommen", 15, "blitzlicht"),
            ("Kritikphase", 60, "kartenabfrage"),
            ("Fantasiephase", 60, "zukunftswerkstatt-jungk"),
            ("Verwirklichungsphase", 75, "zukunftswerkstatt-jungk"),
            ("Abschluss", 15, "blitzlicht"),
        ),
    ),
    DemoWorkshop(
        "kronsberg-nachbarschaft",
        "Kronsberg-Süd: Nachbarschaft im neuen Quartier",
        "kirchrode-bemerode-wuelferode",
        ("bemerode",),
        "werkstattgespraech",
        "Was braucht das neue Quartier Kronsberg-Süd?",
        "Viele Menschen sind neu nach Kronsberg-Süd gezogen. Im Werkstattgespräch ging es um Treffpunkte, "
        "Nahversorgung und Angebote für Familien und Ältere.",
        "Viele Menschen sind neu am Kronsberg.\nWir haben gefragt: Was fehlt noch?",
        -15,
        18,
        2,
        "KroKus – Stadtteilzentrum Kronsberg",
        "Thie 6, 30539 Hannover",
        "Stadtbahn 6, Haltestelle Kronsberg",
        30,
        status=Workshop.Status.HELD,
        induction_loop=True,
        run_by=Workshop.RunBy.EIGENREGIE,
        team=(("moderation2", "lead"), ("moderation", "co")),
        agenda=STANDARD_AGENDA,
        confirmed=15,
        no_shows=3,
        cancelled=1,
    ),
    DemoWorkshop(
        "suedstadt-klimaanpassung",
        "Südstadt: Kühle Straßen im heißen Sommer",
        "suedstadt-bult",
        ("suedstadt",),
        "online-werkstatt",
        "Klimaanpassung im Straßenraum: Bäume, Schatten, Wasser",
        "Hitzesommer treffen dicht bebaute Viertel besonders. In der Online-Werkstatt sammeln wir, wo es in "
        "der Südstadt im Sommer zu heiß wird, und welche Ideen – Bäume, Schatten, Trinkbrunnen – helfen "
        "könnten. Teilnahme per Videokonferenz; der Link kommt mit der Bestätigung.",
        "Im Sommer ist es in der Südstadt oft sehr heiß.\nWas hilft? Wir reden online darüber.",
        23,
        19,
        1.5,
        "Online (Videokonferenz)",
        "Der Zugang kommt per E-Mail",
        "",
        20,
        step_free=True,
        accessible_toilet=False,
        online_url="https://meet.example.org/suedstadt-klima",
        team=(("moderation2", "lead"),),
        agenda=(
            ("Ankommen und Technik-Check", 10, ""),
            ("Wo ist es zu heiß? Eintragen auf der digitalen Karte", 25, "nadelmethode"),
            ("Ideen in Kleingruppen", 35, "think-pair-share"),
            ("Gewichten und Ausblick", 20, "punktabfrage"),
        ),
        confirmed=5,
    ),
    DemoWorkshop(
        "mittelfeld-wohnumfeld",
        "Mittelfeld: Grün vor der Haustür",
        "doehren-wuelfel",
        ("mittelfeld",),
        "werkstattgespraech",
        "Wohnumfeld und Grünflächen zwischen den Häusern",
        "Die Grünflächen zwischen den Wohnblöcken in Mittelfeld könnten mehr sein als Rasen. Gemeinsam mit "
        "der Wohnungsgesellschaft überlegen wir, was Mieter*innen sich wünschen: Beete, Bänke, Spielgeräte? "
        "Diese Werkstatt organisiert der Fachbereich selbst (Eigenregie).",
        "Zwischen den Häusern ist viel Rasen.\nWas wünschen Sie sich dort? Zum Beispiel Beete oder Bänke?",
        27,
        17,
        2,
        "Gemeinschaftsraum Mittelfeld",
        "Am Mittelfelde 100, 30519 Hannover",
        "Stadtbahn 1 und 2, Haltestelle Mittelfeld",
        25,
        run_by=Workshop.RunBy.EIGENREGIE,
        team=(("moderation2", "lead"),),
        agenda=STANDARD_AGENDA,
        confirmed=4,
    ),
    DemoWorkshop(
        "muehlenberg-jugend",
        "Mühlenberg: Treffpunkte für Jugendliche",
        "ricklingen",
        ("muehlenberg",),
        "world-cafe",
        "Orte und Angebote für Jugendliche",
        "Jugendliche aus dem Mühlenberg haben mit Jugendarbeit, Schule und Verwaltung darüber gesprochen, wo "
        "sie sich treffen können und was ihnen fehlt. Die Werkstatt hat der Fachbereich in Eigenregie "
        "durchgeführt.",
        "Jugendliche haben erzählt: Wo treffen wir uns? Was fehlt uns?",
        -33,
        16,
        2,
        "Jugendzentrum Mühlenberg",
        "Mühlenberger Markt 1, 30457 Hannover",
        "Stadtbahn 3 und 7, Haltestelle Mühlenberger Markt",
        25,
        status=Workshop.Status.HELD,
        run_by=Workshop.RunBy.EIGENREGIE,
        team=(("moderation2", "lead"), ("netzwerk", "network_partner")),
        agenda=STANDARD_AGENDA,
        confirmed=12,
        no_shows=2,
    ),
    DemoWorkshop(
        "badenstedt-schulwege",
        "Badenstedt: Sicher zur Schule",
        "ahlem-badenstedt-davenstedt",
        ("badenstedt",),
        "stadtteilspaziergang",
        "Schulwege und Querungen in Badenstedt",
        "Eltern, Kinder, Schule und Verkehrsplanung gehen gemeinsam die Schulwege ab. Wo ist es eng, wo "
        "fehlt eine sichere Querung? Kinder sind ausdrücklich eingeladen.",
        "Wir gehen zusammen den Schulweg.\nWo ist es gefährlich für Kinder?",
        14,
        15,
        2,
        "Treffpunkt: Grundschule Badenstedt",
        "Plantagenstraße 22, 30455 Hannover",
        "Stadtbahn 9, Haltestelle Badenstedter Straße",
        20,
        accessible_toilet=False,
        team=(("moderation", "lead"), ("moderation2", "co")),
        agenda=(
            ("Treffen und Einführung", 10, "blitzlicht"),
            ("Schulweg-Spaziergang", 80, "stadtteilspaziergang"),
            ("Ergebnisse sammeln", 30, "punktabfrage"),
        ),
        confirmed=8,
        pending=1,
    ),
    DemoWorkshop(
        "nordstadt-engelbosteler-damm",
        "Nordstadt: Engelbosteler Damm gemeinsam gestalten",
        "nord",
        ("nordstadt",),
        "planungswerkstatt",
        "Der Engelbosteler Damm als Straße zum Leben",
        "In der Planungswerkstatt gestalten wir mit Anwohner*innen, Gewerbe und Verkehrsplanung den "
        "Engelbosteler Damm. Die Vorschläge gehen in die Vorplanung ein; der Bezirksrat entscheidet.",
        "Der Engelbosteler Damm soll schöner werden.\nSie planen mit.",
        35,
        18,
        3,
        "Pavillon am Raschplatz (Ersatzort Nordstadt)",
        "Lister Meile 4, 30161 Hannover",
        "Stadtbahn 4 und 5, Haltestelle Christuskirche",
        30,
        level=Workshop.ParticipationLevel.MITENTSCHEIDUNG,
        team=(("moderation", "lead"), ("fachteam", "expert")),
        agenda=(
            ("Begrüßung", 15, ""),
            ("Erfahrungen auf dem Plan", 30, "nadelmethode"),
            ("Arbeit am Modell", 90, "planning-for-real"),
            ("Diskussion der Varianten", 30, "fishbowl"),
            ("Abschluss", 15, "blitzlicht"),
        ),
        confirmed=3,
    ),
]

DEMO_HELD_SLUGS = [w.slug for w in WORKSHOPS if w.status in (Workshop.Status.HELD, Workshop.Status.DOCUMENTED)]

FIRST_NAMES = [
    "Anna", "Ben", "Canan", "David", "Elif", "Finn", "Gül", "Hannes", "Ida", "Jonas", "Katarzyna", "Lukas",
    "Mara", "Noah", "Olga", "Paul", "Quynh", "Rafael", "Sophie", "Tarek", "Ute", "Vincent", "Wiebke", "Yusuf",
    "Zeynep", "Agnieszka", "Bernd", "Chiara", "Dieter", "Emma", "Fatma", "Gregor", "Hanna", "Ilias", "Jana",
]  # fmt: skip
LAST_NAMES = [
    "Keller", "Yılmaz", "Nowak", "Schulz", "Hoffmann", "Meyer", "Demir", "Wagner", "Becker", "Nguyen",
    "Schröder", "Kaya", "Neumann", "Petrović", "Krüger", "Ahmadi", "Lange", "Brandt", "Haas", "Öztürk",
]  # fmt: skip


def _person(index: int) -> tuple[str, str]:
    first = FIRST_NAMES[index % len(FIRST_NAMES)]
    last = LAST_NAMES[(index * 7) % len(LAST_NAMES)]
    email = f"{first}.{last}.{index}@demo.invalid".lower()
    for plain, ascii_ in (("ı", "i"), ("ö", "oe"), ("ü", "ue"), ("ä", "ae"), ("ć", "c"), ("ß", "ss")):
        email = email.replace(plain, ascii_)
    return f"{first} {last}", email


def _at(today: datetime, days: int, hour: int) -> datetime:
    return today + timedelta(days=days, hours=hour)


# --- seeding ------------------------------------------------------------------------------------------------


def seed_formats() -> dict[str, Format]:
    formats = {}
    for slug, name, description, duration, group in FORMATS:
        formats[slug], _created = Format.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "description": description,
                "typical_duration_minutes": duration,
                "typical_group_size": group,
            },
        )
    return formats


def seed_methods() -> dict[str, Method]:
    methods = {}
    for method in METHODS:
        methods[method.slug], _created = Method.objects.update_or_create(
            slug=method.slug,
            defaults={
                "name": method.name,
                "purpose": method.purpose,
                "steps": "\n".join(method.steps),
                "duration_minutes": method.duration,
                "group_size_min": method.group[0],
                "group_size_max": method.group[1],
                "materials": method.materials,
                "accessibility_notes": method.accessibility,
                "is_published": True,
            },
        )
    return methods


def _seed_workshop(spec: DemoWorkshop, *, today, formats, methods, users) -> Workshop:
    starts_at = _at(today, spec.days, spec.hour)
    ends_at = starts_at + timedelta(hours=spec.duration_hours)
    opens_at = _at(today, spec.opens_in_days, 9) if spec.opens_in_days is not None else starts_at - timedelta(days=40)
    workshop, _created = Workshop.objects.update_or_create(
        slug=spec.slug,
        defaults={
            "title": spec.title,
            "district": District.objects.get(slug=spec.district),
            "format": formats[spec.format],
            "topic": spec.topic,
            "description": spec.description,
            "summary_easy": spec.summary_easy,
            "participation_level": spec.level,
            "run_by": spec.run_by,
            "starts_at": starts_at,
            "ends_at": ends_at,
            "venue_name": spec.venue_name,
            "venue_address": spec.venue_address,
            "venue_step_free": spec.step_free,
            "venue_accessible_toilet": spec.accessible_toilet,
            "venue_induction_loop": spec.induction_loop,
            "venue_public_transport": spec.transport,
            "online_url": spec.online_url,
            "capacity": spec.capacity,
            "max_seats_per_registration": 4,
            "registration_opens_at": opens_at,
            "registration_closes_at": None,
            "status": spec.status,
            "cancellation_reason": spec.cancellation_reason,
            "created_by": users.get("fachteam"),
        },
    )
    workshop.quarters.set(Quarter.objects.filter(slug__in=spec.quarters))
    for key, role in spec.team:
        if key in users:
            WorkshopTeamMember.objects.update_or_create(workshop=workshop, user=users[key], defaults={"role": role})
    workshop.agenda.all().delete()
    clock = starts_at
    AgendaItem.objects.bulk_create(
        [
            AgendaItem(
                workshop=workshop,
                order=order,
                start_time=timezone.localtime(
                    clock + timedelta(minutes=sum(m for _t, m, _s in spec.agenda[:order]))
                ).time(),
                duration_minutes=minutes,
                title=title,
                method=methods.get(method_slug),
            )
            for order, (title, minutes, method_slug) in enumerate(spec.agenda)
        ]
    )
    return workshop


def _new_code(used: set[str], rng: random.Random) -> str:
    while True:
        code = "".join(rng.choice(CHECK_IN_ALPHABET) for _ in range(6))
        if code not in used:
            used.add(code)
            return code


def _seed_registrations(workshop: Workshop, spec: DemoWorkshop, *, users, now) -> int:
    """Create the demo registrations of one workshop once; returns how many were created."""
    # Reproducible demo data, not a secret.
    rng = random.Random(spec.slug)  # noqa: S311  # nosec B311
    used_codes = set(workshop.registrations.exclude(check_in_code="").values_list("check_in_code", flat=True))
    is_past = workshop.ends_at < now
    created = 0
    offset = sum(ord(ch) for ch in spec.slug) % 500
    plan: list[tuple[str, dict]] = []
    capacity_left = spec.capacity
    for index in range(spec.confirmed):
        seats = 1 if spec.waitlisted or rng.random() < 0.7 else 2
        seats = min(seats, capacity_left - (spec.confirmed - index - 1)) if capacity_left else 0
        if seats < 1:
            break
        capacity_left -= seats
        attended = is_past and index >= spec.no_shows
        plan.append(("confirmed", {"seats": seats, "attended": attended}))
    if spec.waitlisted and capacity_left > 0 and plan:
        # The full workshop: the last confirmed group takes the remaining seats.
        plan[-1][1]["seats"] += capacity_left
        capacity_left = 0
    for _ in range(min(spec.pending, capacity_left)):
        plan.append(("pending", {"seats": 1}))
    for _ in range(spec.waitlisted):
        plan.append(("waitlisted", {"seats": 1}))
    for _ in range(spec.cancelled):
        plan.append(("cancelled", {"seats": 1}))

    version = settings.WORKSHOPS_PRIVACY_TEXT_VERSION
    people = []
    if spec.extra.get("buerger") and "buerger" in users:
        people.append((users["buerger"].name or "Bo Bürger", users["buerger"].email, users["buerger"]))
    for index in range(len(plan)):
        name, email = _person(offset + index)
        people.append((name, email, None))
    for position, ((status, data), (name, email, user)) in enumerate(zip(plan, people, strict=False)):
        if Registration.objects.filter(workshop=workshop, email=email).exists():
            continue
        registered_at = min(workshop.starts_at - timedelta(days=20) + timedelta(hours=7 * position), now)
        seed_tokens = new_tokens()
        registration = Registration(
            workshop=workshop,
            user=user,
            name=name,
            email=email,
            seats=data["seats"],
            quarter=workshop.quarters.first() if position % 3 else None,
            status=status,
            holds_seats=status in ("confirmed", "pending"),
            token_seed=seed_tokens.seed,
            manage_token_hash=seed_tokens.manage_hash,
            status_updates_opt_in=position % 2 == 0,
        )
        if status == "confirmed":
            registration.confirmed_at = registered_at + timedelta(minutes=20)
            registration.check_in_code = _new_code(used_codes, rng)
            if data.get("attended"):
                registration.checked_in_at = workshop.starts_at - timedelta(minutes=rng.randint(0, 15))
        elif status == "pending":
            registration.confirm_token_hash = seed_tokens.confirm_hash
            registration.hold_expires_at = now + timedelta(hours=20)
        elif status == "waitlisted":
            registration.waitlisted_at = now - timedelta(hours=len(plan) - position)
        elif status == "cancelled":
            registration.cancelled_at = registered_at + timedelta(days=2)
        if spec.extra.get("support") and position in (1, 2) and not is_past:
            registration.support_childcare = True
            registration.support_easy_language = position == 2
            registration.support_consent_at = registered_at
        registration.save()
        Registration.objects.filter(pk=registration.pk).update(created_at=registered_at)
        consents = [ConsentRecord.Purpose.PRIVACY]
        if registration.support_consent_at:
            consents.append(ConsentRecord.Purpose.SUPPORT_NEEDS)
        if registration.status_updates_opt_in:
            consents.append(ConsentRecord.Purpose.STATUS_UPDATES)
        ConsentRecord.objects.bulk_create(
            [
                ConsentRecord(
                    registration=registration, user=user, purpose=purpose, text_version=version, given_at=registered_at
                )
                for purpose in consents
            ]
        )
        created += 1
    return created


def recount_seats(workshop_ids) -> None:
    """Set each workshop's seat counter to the recount of the registrations that hold seats."""
    for workshop_id in workshop_ids:
        held = Registration.objects.filter(workshop_id=workshop_id, holds_seats=True)
        total = held.aggregate(total=Sum("seats"))["total"] or 0
        pending = held.filter(status=Registration.Status.PENDING).aggregate(total=Sum("seats"))["total"] or 0
        Workshop.objects.filter(pk=workshop_id).update(seats_held=total, seats_pending=pending)


@transaction.atomic
def seed(*, users, stdout) -> None:
    """users: the demo accounts by key (see accounts.demo); stdout: the command's output."""
    now = timezone.now()
    today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    formats = seed_formats()
    methods = seed_methods()
    created = 0
    workshop_ids = []
    for spec in WORKSHOPS:
        workshop = _seed_workshop(spec, today=today, formats=formats, methods=methods, users=users)
        created += _seed_registrations(workshop, spec, users=users, now=now)
        workshop_ids.append(workshop.pk)
    recount_seats(workshop_ids)
    districts = len({spec.district for spec in WORKSHOPS})
    stdout.write(
        f"Workshops: {len(FORMATS)} formats, {len(METHODS)} methods, {len(WORKSHOPS)} workshops in {districts} "
        f"districts, {created} new registrations."
    )
    full = next(spec for spec in WORKSHOPS if spec.waitlisted)
    stdout.write(f"  Try: /werkstaetten/?bezirk=linden-limmer — full with waiting list: /werkstaetten/{full.slug}/")


# --- bulk data for performance work -------------------------------------------------------------------------

SCALE_PREFIX = "scale-"


def seed_scale(*, workshops: int, registrations: int, stdout) -> None:
    """Bulk data: `workshops` published upcoming workshops (slugs scale-00001 …) spread over all districts,
    with `registrations` confirmed registrations spread evenly over them. Idempotent: existing scale
    workshops are kept, registrations are only added up to the requested total per workshop."""
    now = timezone.now()
    formats = list(seed_formats().values())
    districts = list(District.objects.prefetch_related("quarters").order_by("number"))
    per_workshop = -(-registrations // workshops) if workshops else 0
    capacity = max(per_workshop + 10, 20)
    existing = set(Workshop.objects.filter(slug__startswith=SCALE_PREFIX).values_list("slug", flat=True))
    new = []
    for index in range(1, workshops + 1):
        slug = f"{SCALE_PREFIX}{index:05d}"
        if slug in existing:
            continue
        district = districts[index % len(districts)]
        starts_at = (now + timedelta(days=7 + index % 60)).replace(minute=0, second=0, microsecond=0)
        new.append(
            Workshop(
                slug=slug,
                title=f"Lastprobe {index}: Werkstatt in {district.name}",
                district=district,
                format=formats[index % len(formats)],
                description="Erzeugt von seed_scale für Lasttests.",
                starts_at=starts_at,
                ends_at=starts_at + timedelta(hours=2),
                venue_name="Stadtteilzentrum",
                venue_address="Musterstraße 1, 30159 Hannover",
                capacity=capacity,
                max_seats_per_registration=4,
                registration_opens_at=now - timedelta(days=1),
                status=Workshop.Status.PUBLISHED,
            )
        )
    Workshop.objects.bulk_create(new, batch_size=1000)
    targets = list(
        Workshop.objects.filter(slug__startswith=SCALE_PREFIX)
        .order_by("slug")
        .values_list("pk", "slug", "capacity")[:workshops]
    )
    counts = dict(
        Registration.objects.filter(workshop_id__in=[pk for pk, _s, _c in targets])
        .values_list("workshop_id")
        .annotate(n=Sum("seats"))
        .values_list("workshop_id", "n")
    )
    remaining = registrations - sum(counts.values())
    batch: list[Registration] = []
    added = 0
    for pk, slug, cap in targets:
        if remaining <= 0:
            break
        have = counts.get(pk, 0)
        want = min(per_workshop, cap, have + remaining) - have
        for number in range(have, have + max(want, 0)):
            seed_value = hashlib.sha256(f"{slug}:{number}".encode()).hexdigest()[:24]
            toks = tokens_for_seed(seed_value)
            batch.append(
                Registration(
                    workshop_id=pk,
                    name=f"Person {number}",
                    email=f"{slug}-{number}@scale.invalid",
                    seats=1,
                    status=Registration.Status.CONFIRMED,
                    holds_seats=True,
                    token_seed=toks.seed,
                    manage_token_hash=toks.manage_hash,
                    confirmed_at=now,
                    check_in_code=f"S{number:05d}"[-6:],
                )
            )
        added += max(want, 0)
        remaining -= max(want, 0)
        if len(batch) >= 5000:
            Registration.objects.bulk_create(batch, batch_size=2500)
            batch = []
    Registration.objects.bulk_create(batch, batch_size=2500)
    recount_seats([pk for pk, _s, _c in targets])
    stdout.write(f"seed_scale: {len(new)} new workshops ({len(targets)} in total), {added} new registrations.")
