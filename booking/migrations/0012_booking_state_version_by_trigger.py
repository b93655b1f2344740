"""The booking-state version (row 2 of clinic_contentversion, clinic/cache.py) moves by
itself whenever a start time, reservation, booking, hold or waitlist offer changes, in the
same transaction as the change, however it is written (services, admin, QuerySet.update()).

- PostgreSQL: deferred constraint triggers, so the version row is updated at commit, after
  every other statement: a writer never waits for another while it holds that row, so the
  version is no lock any rule depends on (two writers cannot deadlock on it).
- SQLite: plain triggers (writes are serialised there anyway).

A later migration that writes rows of these tables and then alters one of them on
PostgreSQL must run `SET CONSTRAINTS ALL IMMEDIATE` first (as 0009 does): PostgreSQL
refuses to alter a table with trigger events still pending.
"""

from django.db import migrations

TABLES = [
    "booking_slot",
    "booking_reservation",
    "booking_booking",
    "booking_slothold",
    "booking_waitlistoffer",
]
VERSION_ROW = 2

POSTGRES_FUNCTION = f"""
CREATE OR REPLACE FUNCTION booking_state_changed() RETURNS trigger AS $$
DECLARE
    clock bigint := (extract(epoch FROM clock_timestamp()) * 1000000000)::bigint;
BEGIN
    INSERT INTO clinic_contentversion (id, number) VALUES ({VERSION_ROW}, clock)
    ON CONFLICT (id) DO UPDATE
        SET number = GREATEST(clinic_contentversion.number + 1, clock);
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
"""
POSTGRES_TRIGGER = """
CREATE CONSTRAINT TRIGGER booking_state_changed
    AFTER INSERT OR UPDATE OR DELETE ON {table}
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION booking_state_changed();
"""
SQLITE_CLOCK = "CAST((julianday('now') - 2440587.5) * 86400000000000 AS INTEGER)"
SQLITE_TRIGGER = f"""
CREATE TRIGGER booking_state_changed_{{table}}_{{event}} AFTER {{event}} ON {{table}}
BEGIN
    INSERT OR IGNORE INTO clinic_contentversion (id, number) VALUES ({VERSION_ROW}, 0);
    UPDATE clinic_contentversion SET number = max(number + 1, {SQLITE_CLOCK})
        WHERE id = {VERSION_ROW};
END;
"""
EVENTS = ["INSERT", "UPDATE", "DELETE"]


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_FUNCTION)
        for table in TABLES:
            schema_editor.execute(POSTGRES_TRIGGER.format(table=table))
    elif vendor == "sqlite":
        for table in TABLES:
            for event in EVENTS:
                schema_editor.execute(SQLITE_TRIGGER.format(table=table, event=event))


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(f"DROP TRIGGER booking_state_changed ON {table};")
        schema_editor.execute("DROP FUNCTION booking_state_changed();")
    elif vendor == "sqlite":
        for table in TABLES:
            for event in EVENTS:
                schema_editor.execute(f"DROP TRIGGER booking_state_changed_{table}_{event};")


class Migration(migrations.Migration):
    dependencies = [
        ("booking", "0011_booking_staff_note"),
        ("clinic", "0006_practitioners_and_reservations"),
    ]

    operations = [migrations.RunPython(create, drop)]
