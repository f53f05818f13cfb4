"""The test harness itself: what `make test` needs to pass on a fresh clone (SQLite) as well as in CI."""

import pytest
from django.db import connection

from tests.conftest import _is_test_database


@pytest.mark.django_db
def test_the_test_database_is_recognised_so_reference_data_is_restored_after_a_flush():
    # On SQLite the test database lives in memory; before the fix the restore skipped it and the role
    # groups from the data migration were gone for every transactional test after the first.
    assert _is_test_database(connection)


def test_a_real_database_file_is_never_written_into():
    class Fake:
        vendor = "sqlite"
        settings_dict = {"NAME": "/srv/app/var/db.sqlite3"}

        def is_in_memory_db(self):
            return False

    assert not _is_test_database(Fake())
