"""The numbers page (staff with "Kan se statistik") and each table as CSV (?csv=<figure>)."""

import csv

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from clinic.charts import format_number
from clinic.models import Location

from .figures import FIGURES, all_figures
from .scope import ScopeForm

PERMISSION = "booking.view_statistics"


@never_cache
@login_required(login_url="admin:login")  # anonymous: to the login page
@permission_required(PERMISSION, raise_exception=True)  # other staff: 403
def numbers(request):
    form = ScopeForm(request.GET, locations=Location.objects.active())
    valid = form.is_valid()
    wanted = request.GET.get("csv")
    if wanted is not None and wanted not in FIGURES:
        return HttpResponse(
            "Tabellen finns inte.", status=404, content_type="text/plain; charset=utf-8"
        )
    if not valid:
        if wanted is not None:
            return HttpResponse(
                "Perioden eller mottagningen kunde inte läsas: "
                + " ".join(e for errors in form.errors.values() for e in errors),
                status=400,
                content_type="text/plain; charset=utf-8",
            )
        return render(request, "booking/numbers/page.html", {"form": form}, status=400)
    scope = form.scope()
    if wanted is not None:
        return csv_response(FIGURES[wanted](scope), scope)
    return render(
        request,
        "booking/numbers/page.html",
        {"form": form, "scope": scope, "figures": all_figures(scope), "query": query(form)},
    )


def query(form):
    """The query string of the page shown, for the CSV links."""
    data = form.cleaned_data
    params = {"ort": data.get("ort") or "", "period": data["period"]}
    if data["period"] == "datum":
        params |= {"fran": f"{data['first']:%Y-%m-%d}", "till": f"{data['last']:%Y-%m-%d}"}
    return "&".join(f"{key}={value}" for key, value in params.items() if value)


def csv_response(figure, scope):
    """The table as Swedish Excel reads it: UTF-8 with a byte order mark, ; between cells,
    decimal commas."""
    where = "-".join(location.slug for location in scope.locations) or "inga"
    name = f"{figure.key}-{where}-{scope.first:%Y%m%d}-{scope.last:%Y%m%d}.csv"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    columns = figure.columns()
    writer.writerow(
        [figure.chart.x_label] + [f"{c.name} ({c.unit})" if c.unit else c.name for c in columns]
    )
    for row in figure.rows():
        writer.writerow(
            [row[0]]
            + ["" if v is None else format_number(v).replace("\u00a0", "") for v in row[1:]]
        )
    return response
