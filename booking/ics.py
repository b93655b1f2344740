"""Calendar files for bookings, made with the icalendar library."""

from icalendar import Calendar, Event, vCalAddress, vText

PRODID = "-//Ortomed fotspecialister//Bokning//SV"


def booking_calendar(booking, *, cancelled=False, sequence=0) -> str:
    location = booking.slot.location
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    event = Event()
    event.add("uid", f"booking-{booking.pk}@ortomed-fotspecialister")
    event.add("sequence", sequence)
    event.add("dtstamp", booking.created_at)
    event.add("dtstart", booking.slot.start)
    event.add("dtend", booking.end)
    event.add("summary", f"{booking.package.name} – Ortomed fotspecialister")
    address = ", ".join(p for p in [location.name, location.full_address] if p)
    event["location"] = vText(address)
    specialist = booking.practitioner.name  # unnamed ones are not written out
    event.add(
        "description",
        f"{booking.package.name}, {booking.price} kr, betalas på mottagningen.\n"
        + (f"Fotspecialist: {specialist}.\n" if specialist else "")
        + f"{location.street_address}, {location.landmark}.",
    )
    if location.email:
        organizer = vCalAddress(f"mailto:{location.email}")
        organizer.params["cn"] = vText(location.name)
        event["organizer"] = organizer
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    calendar.add_component(event)
    return calendar.to_ical().decode()
