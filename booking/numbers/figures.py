"""The figures on the numbers page: one function each, registered in FIGURES in page order.

Each function takes a Scope and returns a Figure: a chart and the table beneath it. Each
reads with database aggregation grouped by week or month in Stockholm time (TruncWeek,
TruncMonth), so the number of queries and the rows they return depend on the period's
length, never on the number of bookings. A new figure is a new function with @figure.
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django.db.models.functions import TruncMonth

from clinic.charts import Chart, Series
from shop.models import Order, Rental

from ..models import Booking, Recall, Slot, WaitlistOffer
from .aggregates import HoursBetween, Median
from .grouping import (
    FIGURES,
    Column,
    Figure,
    bucket,
    figure,
    month,
    monthly,
    percent,
    visits,
    week,
    weekly,
)

S = Booking.Status
REBOOKED_DAYS = 14  # a recall counts as booked when the patient books within this many days


def counted_by_kind(rows, kinds, periods):
    """One Series per (name, Q) of `kinds`: how many of `rows` (annotated with `period`) match
    it in each of `periods`, in one grouped query."""
    counts = {
        bucket(row["period"]): row
        for row in rows.values("period").annotate(
            **{f"n{i}": Count("pk", filter=q) for i, (_, q) in enumerate(kinds)}
        )
    }
    return [
        Series(name, [counts.get(p, {}).get(f"n{i}", 0) for p in periods])
        for i, (name, _) in enumerate(kinds)
    ]


@figure("besok")
def visits_per_week(scope):
    weeks, labels, ticks = weekly(scope)
    kinds = [
        ("Bokade", Q(status=S.BOOKED)),
        ("Genomförda", Q(status=S.ATTENDED)),
        ("Uteblev", Q(status=S.NO_SHOW)),
        ("Avbokade av patienten", Q(status=S.CANCELLED, cancelled_by_clinic=False)),
        ("Avbokade av mottagningen", Q(status=S.CANCELLED, cancelled_by_clinic=True)),
    ]
    series = counted_by_kind(visits(scope).annotate(period=week("slot__start")), kinds, weeks)
    chart = Chart(
        "besok", "Besök per vecka", "stacked", labels, series, "Vecka", "Besök", tick_labels=ticks
    )
    return Figure("besok", chart, note="Besöken räknas i den vecka de skulle äga rum.")


@figure("belaggning")
def utilisation(scope):
    """Booked minutes (visits not cancelled, their true length) over working minutes (the
    practitioner's start times on the grid) per practitioner and week."""
    weeks, labels, ticks = weekly(scope)
    working = (
        Slot.objects.filter(
            location__in=scope.locations, start__gte=scope.start, start__lt=scope.end
        )
        .annotate(week=week("start"))
        .values("practitioner", "practitioner__name", "practitioner__slug", "week")
        .annotate(slots=Count("pk"))
    )
    booked = (
        visits(scope)
        .exclude(status=S.CANCELLED)
        .annotate(week=week("slot__start"))
        .values("reservation__practitioner", "week")
        .annotate(length=Sum(F("reservation__end") - F("reservation__start")))
    )
    names, minutes_working, minutes_booked = {}, {}, {}
    for row in working:
        names[row["practitioner"]] = row["practitioner__name"] or row["practitioner__slug"]
        minutes_working[row["practitioner"], bucket(row["week"])] = (
            row["slots"] * settings.BOOKING_GRID_MINUTES
        )
    for row in booked:
        minutes_booked[row["reservation__practitioner"], bucket(row["week"])] = (
            row["length"].total_seconds() / 60
        )
    people = sorted(names, key=lambda pk: (names[pk], pk))
    series = [
        Series(
            names[pk],
            [
                percent(minutes_booked.get((pk, w), 0), minutes_working.get((pk, w), 0))
                for w in weeks
            ],
        )
        for pk in people
    ]
    chart = Chart(
        "belaggning",
        "Beläggning per fotspecialist och vecka",
        "lines",
        labels,
        series,
        "Vecka",
        "Bokad andel av arbetstiden",
        unit="%",
        tick_labels=ticks,
    )
    return Figure(
        "belaggning",
        chart,
        note="Bokade minuter (besökens längd, utan avbokade) delat med arbetstiden enligt "
        "schemat. Tomt: ingen arbetstid den veckan.",
    )


@figure("uteblivna")
def no_shows(scope):
    months, labels, ticks = monthly(scope)
    deadline = timedelta(hours=settings.BOOKING_CHANGE_DEADLINE_HOURS)
    rows = {
        bucket(row["month"]): row
        for row in visits(scope)
        .annotate(month=month("slot__start"))
        .values("month")
        .annotate(
            all=Count("pk"),
            done=Count("pk", filter=Q(status__in=[S.ATTENDED, S.NO_SHOW])),
            no_show=Count("pk", filter=Q(status=S.NO_SHOW)),
            late=Count(
                "pk",
                filter=Q(status=S.CANCELLED, cancelled_at__gt=F("slot__start") - deadline),
            ),
        )
    }
    empty = {"all": 0, "done": 0, "no_show": 0, "late": 0}
    got = [rows.get(m, empty) for m in months]
    series = [
        Series("Uteblev", [percent(r["no_show"], r["done"]) for r in got]),
        Series("Sena avbokningar", [percent(r["late"], r["all"]) for r in got]),
    ]
    chart = Chart(
        "uteblivna",
        "Uteblivna besök och sena avbokningar per månad",
        "lines",
        labels,
        series,
        "Månad",
        "Andel",
        unit="%",
        tick_labels=ticks,
    )
    extra = [
        Column("Uteblev (antal)", [r["no_show"] for r in got]),
        Column("Genomförda och uteblivna (antal)", [r["done"] for r in got]),
        Column("Sena avbokningar (antal)", [r["late"] for r in got]),
        Column("Bokningar (antal)", [r["all"] for r in got]),
    ]
    hours = settings.BOOKING_CHANGE_DEADLINE_HOURS
    note = (
        "Uteblev: andel av besöken som genomfördes eller uteblev. Sena avbokningar: avbokade "
        f"mindre än {hours} timmar före besöket, som andel av alla bokningar den månaden."
    )
    return Figure("uteblivna", chart, extra, note)


@figure("vantelista")
def waitlist(scope):
    months, labels, ticks = monthly(scope)
    refilled = WaitlistOffer.objects.filter(
        slot=OuterRef("slot"),
        status=WaitlistOffer.Status.ACCEPTED,
        created_at__gte=OuterRef("cancelled_at"),
    )
    freed = {
        bucket(row["month"]): row
        for row in visits(scope)
        .filter(status=S.CANCELLED, cancelled_at__lt=F("slot__start"))
        .annotate(month=month("slot__start"))
        .values("month")
        .annotate(freed=Count("pk"), refilled=Count("pk", filter=Q(Exists(refilled))))
    }
    offer = WaitlistOffer.Status
    offers = {
        bucket(row["month"]): row
        for row in WaitlistOffer.objects.filter(
            slot__location__in=scope.locations,
            slot__start__gte=scope.start,
            slot__start__lt=scope.end,
        )
        .annotate(month=month("slot__start"))
        .values("month")
        .annotate(
            made=Count("pk"),
            accepted=Count("pk", filter=Q(status=offer.ACCEPTED)),
            declined=Count("pk", filter=Q(status=offer.DECLINED)),
            expired=Count("pk", filter=Q(status=offer.EXPIRED)),
            hours=Median(HoursBetween("slot__start", "closed_at"), filter=Q(status=offer.ACCEPTED)),
        )
    }

    def column(rows, key):
        return [rows.get(m, {}).get(key, 0) for m in months]

    series = [
        Series("Frigjorda tider", column(freed, "freed")),
        Series("Fyllda från väntelistan", column(freed, "refilled")),
    ]
    chart = Chart(
        "vantelista",
        "Väntelistan: avbokade tider som fylldes igen",
        "bars",
        labels,
        series,
        "Månad",
        "Tider",
        tick_labels=ticks,
    )
    medians = [offers.get(m, {}).get("hours") for m in months]
    extra = [
        Column("Erbjudanden", column(offers, "made")),
        Column("Antagna", column(offers, "accepted")),
        Column("Avböjda", column(offers, "declined")),
        Column("Gick ut", column(offers, "expired")),
        Column(
            "Antagna, median timmar före besöket",
            [None if h is None else round(h, 1) for h in medians],
            "h",
        ),
    ]
    note = (
        "Frigjorda tider: besök som avbokades före starttiden. Fyllda: tiden bokades sedan "
        "genom ett erbjudande från väntelistan. Erbjudanden räknas i månaden för den "
        "erbjudna tiden."
    )
    return Figure("vantelista", chart, extra, note)


@figure("intakter")
def revenue(scope):
    months, labels, ticks = monthly(scope)
    sums = {}
    for row in (
        visits(scope)
        .exclude(status=S.CANCELLED)
        .annotate(month=month("slot__start"))
        .values("month", "package__name")
        .annotate(kronor=Sum("price"))
    ):
        sums[row["package__name"], bucket(row["month"])] = row["kronor"]
    packages = sorted({name for name, _ in sums})
    series = [Series(name, [sums.get((name, m), 0) for m in months]) for name in packages]
    chart = Chart(
        "intakter",
        "Bokade intäkter per behandlingspaket och månad",
        "stacked",
        labels,
        series,
        "Månad",
        "Kronor",
        unit="kr",
        tick_labels=ticks,
    )
    totals = [sum(s.values[n] for s in series) for n in range(len(months))]
    note = "Priset när besöket bokades, för besök som inte avbokades."
    return Figure("intakter", chart, [Column("Totalt", totals, "kr")], note)


@figure("butik")
def shop(scope):
    months, labels, ticks = monthly(scope)
    orders = {
        bucket(row["month"]): row
        for row in Order.objects.filter(created_at__gte=scope.start, created_at__lt=scope.end)
        .exclude(status__in=[Order.Status.CANCELLED, Order.Status.LAPSED])
        .annotate(month=month("created_at"))
        .values("month")
        .annotate(count=Count("pk"), kronor=Sum("total"))
    }
    rentals = {
        bucket(row["month"]): row
        for row in Rental.objects.filter(start_date__gte=scope.first, start_date__lte=scope.last)
        .exclude(status=Rental.Status.CANCELLED)
        .annotate(month=TruncMonth("start_date"))
        .values("month")
        .annotate(count=Count("pk"))
    }

    def column(rows, key):
        return [rows.get(m, {}).get(key) or 0 for m in months]

    series = [
        Series("Ordrar", column(orders, "count")),
        Series("Uthyrningar", column(rentals, "count")),
    ]
    chart = Chart(
        "butik",
        "Butikens ordrar och uthyrningar per månad",
        "bars",
        labels,
        series,
        "Månad",
        "Antal",
        tick_labels=ticks,
    )
    note = (
        "Gäller butiken, för båda mottagningarna. Ordrar räknas när de lades (utom avbrutna "
        "och förfallna); uthyrningar när hyran börjar (utom avbokade)."
    )
    return Figure("butik", chart, [Column("Orderbelopp", column(orders, "kronor"), "kr")], note)


@figure("bokningssatt")
def channels(scope):
    months, labels, ticks = monthly(scope)
    from_offer = Q(waitlistoffer__isnull=False)
    kinds = [
        ("Online", Q(booked_by_staff=False) & ~from_offer),
        ("Av personalen", Q(booked_by_staff=True) & ~from_offer),
        ("Från väntelistan", from_offer),
    ]
    made = Booking.objects.filter(
        slot__location__in=scope.locations, created_at__gte=scope.start, created_at__lt=scope.end
    )
    series = counted_by_kind(made.annotate(period=month("created_at")), kinds, months)
    chart = Chart(
        "bokningssatt",
        "Hur patienterna bokade, per månad",
        "stacked",
        labels,
        series,
        "Månad",
        "Bokningar",
        tick_labels=ticks,
    )
    note = "Bokningarna räknas i den månad de gjordes, även de som senare avbokades."
    return Figure("bokningssatt", chart, note=note)


@figure("aterbesok")
def recalls(scope):
    """Recalls sent per month, and how many of those patients booked within REBOOKED_DAYS."""
    months, labels, ticks = monthly(scope)
    sent_at = OuterRef("sent_at")
    rebooked = Booking.objects.filter(
        Q(email__iexact=OuterRef("booking__email"), email__gt="")
        | Q(personnummer=OuterRef("booking__personnummer"), personnummer__gt=""),
        created_at__gte=sent_at,
        created_at__lt=sent_at + timedelta(days=REBOOKED_DAYS),
    )
    rows = {
        bucket(row["month"]): row
        for row in Recall.objects.at(scope.locations)
        .filter(sent_at__gte=scope.start, sent_at__lt=scope.end)
        .annotate(month=month("sent_at"))
        .values("month")
        .annotate(
            sent=Count("pk"),
            booked=Count("pk", filter=Q(Exists(rebooked))),
            declined=Count("pk", filter=Q(declined_at__isnull=False)),
        )
    }

    def column(key):
        return [rows.get(m, {}).get(key, 0) for m in months]

    series = [
        Series("Skickade påminnelser", column("sent")),
        Series(f"Bokade inom {REBOOKED_DAYS} dagar", column("booked")),
    ]
    chart = Chart(
        "aterbesok",
        "Påminnelser om återbesök per månad",
        "bars",
        labels,
        series,
        "Månad",
        "Påminnelser",
        tick_labels=ticks,
    )
    extra = [
        Column(
            "Bokade, andel",
            [percent(b, s) for b, s in zip(column("booked"), column("sent"), strict=True)],
            "%",
        ),
        Column("Tackade nej", column("declined")),
    ]
    note = (
        "Påminnelser räknas i den månad de skickades. Bokade: patienten (samma personnummer "
        f"eller e-post) bokade en tid, på någon av mottagningarna, inom {REBOOKED_DAYS} dagar "
        "efter påminnelsen, även om den senare avbokades."
    )
    return Figure("aterbesok", chart, extra, note)


def all_figures(scope):
    return [function(scope) for function in FIGURES.values()]
