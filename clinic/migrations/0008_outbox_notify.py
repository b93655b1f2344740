"""On PostgreSQL, every statement that writes to the outbox sends a notice on the channel
`ortomed_outbox`, delivered at commit: the outbox worker (`manage.py send_outbox --follow`,
clinic/mail.py) wakes and sends the new e-mail at once. Nobody listening costs nothing."""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION clinic_outbox_queued() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('ortomed_outbox', '');
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
"""
TRIGGER = """
CREATE TRIGGER clinic_outbox_queued
    AFTER INSERT ON clinic_outboxemail
    FOR EACH STATEMENT EXECUTE FUNCTION clinic_outbox_queued();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION)
        schema_editor.execute(TRIGGER)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP TRIGGER clinic_outbox_queued ON clinic_outboxemail;")
        schema_editor.execute("DROP FUNCTION clinic_outbox_queued();")


class Migration(migrations.Migration):
    dependencies = [("clinic", "0007_versions_notify")]

    operations = [migrations.RunPython(create, drop)]
