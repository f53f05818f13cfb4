import pytest


@pytest.mark.django_db
def test_openapi_schema_describes_the_districts_endpoint(client):
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert "/api/v1/districts/" in response.json()["paths"]


@pytest.mark.django_db
def test_api_docs_load_their_assets_from_our_own_static_files(client):
    html = client.get("/api/v1/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    assert "cdn" not in html.lower()
