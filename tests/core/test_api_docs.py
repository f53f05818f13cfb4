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


@pytest.mark.django_db
def test_api_docs_have_a_csp_without_inline_scripts(client):
    response = client.get("/api/v1/docs/")
    csp = response.headers["Content-Security-Policy"]
    script_src = next(part for part in csp.split(";") if part.strip().startswith("script-src"))
    assert script_src.split() == ["script-src", "'self'"]
    assert "frame-ancestors 'none'" in csp
    html = response.content.decode()
    assert "<script>" not in html  # the split view loads its init script from our own URL
