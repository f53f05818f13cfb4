"""A NUL character in the query of any API list answers a documented 400 in the one error shape."""

import pytest
from django.test import Client

from tests.core.test_api_errors import assert_documented_error, operations, schema

pytestmark = pytest.mark.django_db


def test_a_nul_in_the_page_parameter_of_every_list_is_a_documented_400():
    client = Client(raise_request_exception=False)
    for path, method, operation in operations(schema()):
        if method == "get" and "{" not in path:
            response = client.get(path, {"page": "\x00"})
            assert response.status_code == 400, path
            assert_documented_error(response, operation, path)
