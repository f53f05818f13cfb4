import pytest


@pytest.mark.django_db
def test_districts_api_lists_13_districts_with_51_quarters(client):
    data = client.get("/api/v1/districts/").json()
    assert len(data) == 13
    assert sum(len(d["quarters"]) for d in data) == 51


@pytest.mark.django_db
def test_linden_limmer_has_its_four_quarters(client):
    data = client.get("/api/v1/districts/").json()
    linden = next(d for d in data if d["slug"] == "linden-limmer")
    assert [q["name"] for q in linden["quarters"]] == ["Limmer", "Linden-Mitte", "Linden-Nord", "Linden-Süd"]


@pytest.mark.django_db
def test_district_entry_has_the_documented_fields(client):
    mitte = client.get("/api/v1/districts/").json()[0]
    assert set(mitte) == {"number", "name", "slug", "population", "population_as_of", "quarters"}
    assert (mitte["number"], mitte["name"], mitte["population"], mitte["population_as_of"]) == (
        1,
        "Mitte",
        38270,
        "2022-12-31",
    )
    assert set(mitte["quarters"][0]) == {"name", "slug", "population"}
