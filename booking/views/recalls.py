"""The recall e-mail's "Nej tack" link: a GET asks, the POST records it."""

from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from clinic.throttle import rate_limit

from .. import recall as recalls
from ..models import Recall


@never_cache  # patient data: no browser or proxy keeps a copy
@rate_limit("manage")
@require_http_methods(["GET", "POST"])
def recall_decline(request, token):
    recall = get_object_or_404(
        Recall.objects.select_related(
            "booking__slot__location", "booking__package", "booking__reservation__practitioner"
        ),
        token=token,
    )
    if request.method == "POST":
        recalls.decline_recall(recall=recall)
        return redirect("booking:recall-decline", token=token)
    return render(
        request,
        "booking/recall_decline.html",
        {
            "recall": recall,
            "booking": recall.booking,
            "book_path": recalls.return_visit_path(recall.booking),
        },
    )
