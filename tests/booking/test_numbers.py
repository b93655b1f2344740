"""The numbers page (issue 16, part 1): each figure checked by value against a small known
month, the page's query count pinned, who may see it, the CSV downloads and bad input."""

import csv
import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import Group, Permission

from booking.models import Booking, Recall, Reservation, Slot, WaitlistEntry, WaitlistOffer
from booking.numbers.figures import FIGURES
from booking.numbers.scope import Scope
from clinic.models import Location, Practitioner
from shop.models import Order, RentalUnit, TreatmentPackage
from tests.conftest import staff_in
from tests.shop.conftest import LASER, make_rental

STOCKHOLM = ZoneInfo("Europe/Stockholm")
URL = "/boka/personal/siffror/"
NOVEMBER = {"period": "datum", "fran": "2026-11-01", "till": "2026-11-30"}


def at(day, hour, minute=0):
    return datetime(2026, *day, hour, minute, tzinfo=STOCKHOLM)


def working(practitioner, location, start, end):
    """Start times on the grid from start to end (the practitioner's working minutes)."""
    step = timedelta(minutes=settings.BOOKING_GRID_MINUTES)
    slots, moment = {}, start
    while moment < end:
        slot = Slot.objects.create(
            location=location, practitioner=practitioner, start=moment, end=end
        )
        slots[moment] = slot
        moment += step
    return slots


def visit(slot, package, price, *, status="attended", created, **fields):
    """A booking as the history holds it (its reservation the package's length)."""
    length = timedelta(minutes=package.duration_minutes)
    reservation = Reservation.objects.create(
        practitioner=slot.practitioner,
        start=slot.start,
        end=slot.start + length,
        blocked_until=slot.start + length,
        released_at=fields.get("cancelled_at"),
    )
    booking = Booking.objects.create(
        slot=slot,
        reservation=reservation,
        package=package,
        price=price,
        status=status,
        name="Anonym",
        personnummer=fields.pop("personnummer", "198507099805"),
        **fields,
    )
    Booking.objects.filter(pk=booking.pk).update(created_at=created)
    return booking


def offer(slot, package, status, *, created, closed=None, booking=None):
    entry = WaitlistEntry.objects.create(
        location=slot.location,
        package=package,
        earliest_date=date(2026, 10, 1),
        latest_date=date(2026, 12, 31),
        name="Väntande",
        email="vantar@example.com",
        personnummer="198507099805",
        confirmed_at=created,
    )
    made = WaitlistOffer.objects.create(
        entry=entry,
        slot=slot,
        status=status,
        expires_at=created + timedelta(hours=2),
        closed_at=closed,
        booking=booking,
    )
    WaitlistOffer.objects.filter(pk=made.pk).update(created_at=created)
    return made


@pytest.fixture
def november(content):
    """Stockholm: Monday 2 Nov 08–12 and Monday 9 Nov 08–10; Göteborg: Monday 2 Nov 13–15.
    Nine bookings of every kind, four waitlist offers, three orders (one cancelled) and a
    rental."""
    stockholm, goteborg = (Location.objects.get(slug=s) for s in ("stockholm", "goteborg"))
    anna = Practitioner.objects.get(slug="stockholm-fotspecialist")
    bo = Practitioner.objects.get(slug="goteborg-fotspecialist")
    Practitioner.objects.filter(pk=anna.pk).update(name="Anna Ek")
    Practitioner.objects.filter(pk=bo.pk).update(name="Bo Lind")
    nybesok = TreatmentPackage.objects.get(slug="nybesok")
    aterbesok = TreatmentPackage.objects.get(slug="aterbesok")
    a = working(anna, stockholm, at((11, 2), 8), at((11, 2), 12))
    a |= working(anna, stockholm, at((11, 9), 8), at((11, 9), 10))
    b = working(bo, goteborg, at((11, 2), 13), at((11, 2), 15))

    october = at((10, 20), 12)
    visit(a[at((11, 2), 8)], nybesok, 900, created=october)
    visit(a[at((11, 2), 9)], nybesok, 900, status="no_show", created=october, booked_by_staff=True)
    visit(
        a[at((11, 2), 10)],
        nybesok,
        900,
        status="cancelled",
        created=october,
        cancelled_at=at((10, 30), 10),
    )
    offer(
        a[at((11, 2), 10)], nybesok, "declined", created=at((10, 30), 11), closed=at((10, 30), 12)
    )
    refill = visit(a[at((11, 2), 10)], nybesok, 800, created=at((10, 31), 8))
    offer(
        a[at((11, 2), 10)],
        nybesok,
        "accepted",
        created=at((10, 31), 7),
        closed=at((10, 31), 8),
        booking=refill,
    )
    visit(
        a[at((11, 2), 11)],
        nybesok,
        900,
        status="cancelled",
        created=at((11, 1), 9),
        booked_by_staff=True,
        cancelled_at=at((11, 2), 7),
        cancelled_by_clinic=True,
    )
    offer(a[at((11, 2), 11)], nybesok, "expired", created=at((11, 2), 7, 5), closed=at((11, 2), 9))
    visit(a[at((11, 9), 8)], aterbesok, 760, status="booked", created=at((11, 3), 20))
    visit(b[at((11, 2), 13)], nybesok, 950, created=october)
    visit(
        b[at((11, 2), 14)],
        nybesok,
        950,
        status="cancelled",
        created=october,
        cancelled_at=at((10, 29), 12),
    )
    refill = visit(b[at((11, 2), 14)], nybesok, 950, created=at((11, 1), 14))
    offer(
        b[at((11, 2), 14)],
        nybesok,
        "accepted",
        created=at((11, 1), 13),
        closed=at((11, 1), 14),
        booking=refill,
    )

    unit = RentalUnit.objects.filter(product__slug=LASER).first()
    rental = make_rental(unit, date(2026, 11, 5), date(2026, 11, 19))
    Order.objects.filter(pk=rental.order_id).update(created_at=at((11, 4), 10))
    for month, total, status in [(3, 500, "new"), (4, 1000, "cancelled")]:
        order = make_rental(unit, date(2027, month, 1), date(2027, month, 15)).order
        Order.objects.filter(pk=order.pk).update(
            created_at=at((11, 20), 10), total=total, status=status
        )
    return {"stockholm": stockholm, "goteborg": goteborg}


def figure(key, *locations, first=date(2026, 11, 1), last=date(2026, 11, 30)):
    scope = Scope(tuple(locations), first, last)
    return {row[0]: row[1:] for row in FIGURES[key](scope).rows()}


def both(november):
    return november["stockholm"], november["goteborg"]


def test_visits_per_week_counts_every_status(november):
    rows = figure("besok", *both(november))
    assert list(rows) == [
        "v. 44 2026",
        "v. 45 2026",
        "v. 46 2026",
        "v. 47 2026",
        "v. 48 2026",
        "v. 49 2026",
    ]
    # booked, attended, no-show, cancelled by the patient, cancelled by the clinic
    assert rows["v. 45 2026"] == [0, 4, 1, 2, 1]
    assert rows["v. 46 2026"] == [1, 0, 0, 0, 0]
    assert rows["v. 44 2026"] == [0, 0, 0, 0, 0]


def test_visits_per_week_of_one_location(november):
    assert figure("besok", november["goteborg"])["v. 45 2026"] == [0, 2, 0, 1, 0]


def test_utilisation_is_booked_over_working_minutes_per_practitioner(november):
    rows = figure("belaggning", *both(november))
    # Anna Ek: 180 of 240 minutes, then 45 of 120; Bo Lind: 120 of 120, then no hours.
    assert rows["v. 45 2026"] == [75.0, 100.0]
    assert rows["v. 46 2026"] == [37.5, None]


def test_no_show_rate_and_late_cancellations_per_month(november):
    rows = figure("uteblivna", *both(november))
    # rate of no-shows, rate of late cancellations, then the counts behind them
    assert rows["nov 2026"] == [20.0, 11.1, 1, 5, 1, 9]


def test_waitlist_freed_refilled_offers_and_median_hours(november):
    rows = figure("vantelista", *both(november))
    # freed, refilled; offers made, accepted, declined, expired; median hours (50 and 24)
    assert rows["nov 2026"] == [3, 2, 4, 2, 1, 1, 37.0]
    assert figure("vantelista", november["stockholm"])["nov 2026"] == [2, 1, 3, 1, 1, 1, 50.0]


def test_revenue_per_package_uses_the_price_at_booking(november):
    rows = figure("intakter", *both(november))
    # Nybesök, Återbesök (sorted by name), total; cancelled visits left out
    assert rows["nov 2026"] == [4500, 760, 5260]


def test_shop_orders_and_rentals_per_month(november):
    rows = figure("butik", *both(november))
    # orders (the cancelled one left out), rentals, order value
    assert rows["nov 2026"] == [2, 1, 1200]


def test_how_patients_booked_per_month_of_booking(november):
    rows = figure("bokningssatt", *both(november))
    assert rows["nov 2026"] == [1, 1, 1]  # online, by staff, from the waitlist
    october = figure(
        "bokningssatt", *both(november), first=date(2026, 10, 1), last=date(2026, 10, 31)
    )
    assert october["okt 2026"] == [4, 1, 1]


def test_recalls_sent_and_booked_within_14_days_per_month_of_sending(november):
    stockholm, goteborg = both(november)
    anna = Practitioner.objects.get(name="Anna Ek")
    bo = Practitioner.objects.get(name="Bo Lind")
    nybesok = TreatmentPackage.objects.get(slug="nybesok")
    aterbesok = TreatmentPackage.objects.get(slug="aterbesok")
    a = working(anna, stockholm, at((10, 5), 8), at((10, 5), 12))
    a |= working(anna, stockholm, at((12, 7), 8), at((12, 7), 12))
    b = working(bo, goteborg, at((10, 6), 8), at((10, 6), 12))
    b |= working(bo, goteborg, at((12, 8), 8), at((12, 8), 12))

    def recalled(slot, sent, *, declined=None, **patient):
        booking = visit(slot, nybesok, 900, created=at((10, 1), 9), **patient)
        return Recall.objects.create(booking=booking, sent_at=sent, declined_at=declined)

    def books_again(slot, created, **patient):
        visit(slot, aterbesok, 760, status="booked", created=created, **patient)

    one = {"personnummer": "199001010017", "email": "ett@example.com"}
    two = {"personnummer": "199001010025", "email": "tva@example.com"}
    three = {"personnummer": "", "date_of_birth": date(1990, 1, 1), "email": "Tre@Example.com"}
    recalled(a[at((10, 5), 8)], at((11, 2), 9), **one)
    books_again(a[at((12, 7), 8)], at((11, 10), 12), personnummer=one["personnummer"])
    recalled(a[at((10, 5), 9)], at((11, 3), 9), declined=at((11, 3), 20), **two)
    books_again(a[at((12, 7), 9)], at((11, 17), 9, 1), **two)  # 14 days and a minute later
    recalled(b[at((10, 6), 8)], at((11, 4), 9), **three)
    books_again(
        b[at((12, 8), 8)], at((11, 5), 9), email="tre@example.com", date_of_birth=date(1990, 1, 1)
    )
    recalled(
        b[at((10, 6), 9)], at((10, 31), 23), email="okt@example.com", personnummer="199001010033"
    )

    # sent, booked within 14 days, booked share, declined
    assert figure("aterbesok", stockholm, goteborg)["nov 2026"] == [3, 2, 66.7, 1]
    assert figure("aterbesok", stockholm)["nov 2026"] == [2, 1, 50.0, 1]
    assert figure("aterbesok", goteborg)["nov 2026"] == [1, 1, 100.0, 0]
    october = figure("aterbesok", goteborg, first=date(2026, 10, 1), last=date(2026, 10, 31))
    assert october["okt 2026"] == [1, 0, 0.0, 0]


@pytest.fixture
def manager(db):
    return staff_in("Ledning", "ledning")


def test_the_page_shows_every_chart_with_its_table(client, november, manager):
    client.force_login(manager)
    response = client.get(URL, NOVEMBER)
    assert response.status_code == 200
    html = response.content.decode()
    for key in FIGURES:
        assert f'id="{key}-tabell"' in html
        assert f"csv={key}" in html
    assert html.count('role="img"') == len(FIGURES)
    assert '<title id="besok-titel">Besök per vecka</title>' in html
    assert "Ladda ner CSV" in html
    assert "<td>5\u00a0260</td>" in html  # Swedish thousands


def test_query_count_does_not_grow_with_bookings(
    client, november, manager, django_assert_num_queries
):
    """Session, user, two permission look-ups, locations, eleven aggregations (one per figure,
    two for utilisation, the waitlist and the shop), and the cached footer's content version."""
    client.force_login(manager)
    client.get(URL, NOVEMBER)
    with django_assert_num_queries(17):
        client.get(URL, NOVEMBER)
    nybesok = TreatmentPackage.objects.get(slug="nybesok")
    anna = Practitioner.objects.get(name="Anna Ek")
    day = working(anna, november["stockholm"], at((11, 16), 8), at((11, 16), 16))
    for hour in range(8, 16):
        visit(day[at((11, 16), hour)], nybesok, 900, created=at((11, 2), 6))
    with django_assert_num_queries(17):
        client.get(URL, {**NOVEMBER, "period": "12-manader"})


def test_anonymous_goes_to_the_login(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_reception_without_the_permission_gets_403(client, receptionist):
    client.force_login(receptionist)
    assert client.get(URL).status_code == 403


def test_superuser_sees_the_page(client, content, superuser):
    client.force_login(superuser)
    assert client.get(URL).status_code == 200


def test_ledning_has_exactly_the_numbers_permission(manager):
    group = Group.objects.get(name="Ledning")
    assert [p.codename for p in group.permissions.all()] == ["view_statistics"]
    assert Permission.objects.get(codename="view_statistics").name == "Kan se statistik"


def test_csv_download_is_excel_ready(client, november, manager):
    client.force_login(manager)
    response = client.get(URL, {**NOVEMBER, "ort": "stockholm", "csv": "vantelista"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "vantelista-stockholm-20261101-20261130.csv" in response["Content-Disposition"]
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body[1:]), delimiter=";"))
    assert rows[0][0] == "Månad"
    assert rows[0][-1] == "Antagna, median timmar före besöket (h)"
    assert rows[1] == ["nov 2026", "2", "1", "3", "1", "1", "1", "50"]


def test_csv_of_utilisation_has_decimal_commas(client, november, manager):
    client.force_login(manager)
    response = client.get(URL, {**NOVEMBER, "csv": "belaggning"})
    rows = list(csv.reader(io.StringIO(response.content.decode()[1:]), delimiter=";"))
    assert rows[0] == ["Vecka", "Anna Ek (%)", "Bo Lind (%)"]
    assert rows[3] == ["v. 46 2026", "37,5", ""]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"period": "datum", "fran": "2026-11-31", "till": "2026-12-01"},
            "Skriv datumet som ÅÅÅÅ-MM-DD.",
        ),
        (
            {"period": "datum", "fran": "2026-12-01", "till": "2026-11-01"},
            "måste vara samma dag som eller efter",
        ),
        (
            {"period": "datum", "fran": "2020-01-01", "till": "2026-01-01"},
            "Välj högst tre år åt gången.",
        ),
        ({"period": "datum", "fran": "2026-11-01"}, "Ange till vilket datum."),
        ({"period": "kvartal"}, "Välj ett av alternativen."),
        ({"ort": "malmo"}, "Välj ett av alternativen."),
        (
            {"period": "datum", "fran": "0001-01-01", "till": "0001-01-02"},
            "utanför det vi kan visa",
        ),
    ],
)
def test_bad_input_gets_a_swedish_message(client, content, manager, params, message):
    client.force_login(manager)
    response = client.get(URL, params)
    assert response.status_code == 400
    assert message in response.content.decode()
    csv_response = client.get(URL, {**params, "csv": "besok"})
    assert csv_response.status_code == 400


def test_unknown_table_is_404(client, content, manager):
    client.force_login(manager)
    assert client.get(URL, {"csv": "hemligt"}).status_code == 404


@pytest.mark.parametrize(
    ("period", "first", "last"),
    [
        ("vecka", "16 november 2026", "22 november 2026"),
        ("manad", "1 november 2026", "30 november 2026"),
        ("12-manader", "1 december 2025", "30 november 2026"),
    ],
)
def test_named_periods_follow_today(client, content, manager, period, first, last):
    client.force_login(manager)
    with time_machine.travel(at((11, 20), 10), tick=False):
        response = client.get(URL, {"period": period})
    assert f"{first}–{last}" in response.content.decode()


def test_the_calendar_links_to_the_numbers_for_those_who_may_see_them(
    client, content, receptionist, manager
):
    calendar = "/boka/personal/kalender/stockholm/"
    client.force_login(receptionist)
    assert URL not in client.get(calendar).content.decode()
    receptionist.groups.add(Group.objects.get(name="Ledning"))
    client.force_login(receptionist)
    assert f'href="{URL}"' in client.get(calendar).content.decode()
