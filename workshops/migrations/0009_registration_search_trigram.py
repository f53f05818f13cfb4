"""Trigram indexes for the admin's substring search of registrations by name and e-mail (PostgreSQL only).

Django emits `UPPER(col::text) LIKE UPPER('%term%')` for icontains; a GIN index with gin_trgm_ops on the
same expression serves it instead of a scan of every registration. pg_trgm is a trusted extension (any
database owner may create it); where it cannot be created the search still works, only slower, so the
migration then skips the indexes with a warning instead of failing the deploy. Not part of the model state
(Meta.indexes cannot express a PostgreSQL-only index without breaking SQLite)."""

import logging

from django.db import DatabaseError, migrations, transaction

logger = logging.getLogger(__name__)

INDEXES = {
    "registration_name_trgm": "UPPER((name)::text)",
    "registration_email_trgm": "UPPER((email)::text)",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        try:
            with transaction.atomic(using=schema_editor.connection.alias):
                cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except DatabaseError as error:
            logger.warning("pg_trgm not available (%s): registration search without trigram indexes", error)
            return
        for name, expression in INDEXES.items():
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {name} ON workshops_registration USING gin ({expression} gin_trgm_ops)"
            )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for name in INDEXES:
            cursor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("workshops", "0008_registration_admin_indexes")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
