"""On PostgreSQL, every change of a version row (clinic/cache.py) sends a notice on the
channel `ortomed_versions`. PostgreSQL delivers it at commit to every connection that
listens: each app process then knows its versions are out of date without asking.

A statement trigger, so a transaction that moves both versions sends one notice (PostgreSQL
folds equal notices of a transaction into one). SQLite has no notices: there every cache
hit reads the versions.
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION clinic_versions_moved() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('ortomed_versions', '');
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
"""
TRIGGER = """
CREATE TRIGGER clinic_versions_moved
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON clinic_contentversion
    FOR EACH STATEMENT EXECUTE FUNCTION clinic_versions_moved();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION)
        schema_editor.execute(TRIGGER)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP TRIGGER clinic_versions_moved ON clinic_contentversion;")
        schema_editor.execute("DROP FUNCTION clinic_versions_moved();")


class Migration(migrations.Migration):
    dependencies = [("clinic", "0006_practitioners_and_reservations")]

    operations = [migrations.RunPython(create, drop)]
