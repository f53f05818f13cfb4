"""Reading the reference CSV of districts and quarters (shipped in districts/data/)."""

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.utils.text import slugify

CSV_PATH = Path(__file__).resolve().parent / "data" / "hannover_districts.csv"


UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"})


def german_slug(name: str) -> str:
    """Slug that spells umlauts the German way: "Döhren-Wülfel" -> "doehren-wuelfel"."""
    replaced = name.translate(UMLAUTS)
    return slugify(replaced)


@dataclass(frozen=True)
class QuarterRow:
    district_number: int
    district_name: str
    district_population: int
    population_as_of: date
    quarter_name: str
    quarter_population: int | None
    note: str


def parse_as_of(value: str) -> date:
    """ISO date, or a bare year (the city's figure for Ricklingen gives only "2016"): taken as 31 December,
    the reference day of the city's population statistics."""
    if len(value) == 4 and value.isdigit():
        return date(int(value), 12, 31)
    return date.fromisoformat(value)


def read_rows(path: Path = CSV_PATH) -> Iterator[QuarterRow]:
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            yield QuarterRow(
                district_number=int(row["district_number"]),
                district_name=row["district_name"],
                district_population=int(row["district_population"]),
                population_as_of=parse_as_of(row["population_as_of"]),
                quarter_name=row["quarter_name"],
                quarter_population=int(row["quarter_population"]) if row["quarter_population"] else None,
                note=row["note"],
            )


def load_reference_data(district_model, quarter_model) -> None:
    """Create or update all districts and quarters; idempotent. Takes models so migrations can use it."""
    for row in read_rows():
        district, _ = district_model.objects.update_or_create(
            number=row.district_number,
            defaults={
                "name": row.district_name,
                "slug": german_slug(row.district_name),
                "population": row.district_population,
                "population_as_of": row.population_as_of,
            },
        )
        quarter_model.objects.update_or_create(
            slug=german_slug(row.quarter_name),
            defaults={
                "district": district,
                "name": row.quarter_name,
                "population": row.quarter_population,
                "population_note": row.note,
            },
        )
