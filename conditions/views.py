from django.shortcuts import get_object_or_404, render

from clinic.cache import cache_page
from clinic.models import Location
from shop.models import Treatment

from .models import Condition
from .structured_data import article_json_ld


@cache_page
def condition_list(request):
    conditions = Condition.objects.published().prefetch_related("symptoms")
    return render(request, "conditions/condition_list.html", {"conditions": conditions})


@cache_page
def condition_detail(request, slug):
    condition = get_object_or_404(Condition.objects.published().for_article(), slug=slug)
    recommendations = list(condition.treatment_recommendations.all())
    treatments = Treatment.objects.with_packages().in_bulk(
        [r.treatment_id for r in recommendations]
    )
    for recommendation in recommendations:
        recommendation.treatment = treatments[recommendation.treatment_id]
    sections = list(condition.sections.all())
    locations = list(Location.objects.active())
    return render(
        request,
        "conditions/condition_detail.html",
        {
            "condition": condition,
            "recommendations": recommendations,
            "products": condition.product_recommendations.all(),
            "sections_before": [s for s in sections if s.part in ("cause", "biomechanics")],
            "in_depth": [s for s in sections if s.part == "in_depth"],
            "care": [s for s in sections if s.part == "care"],
            "json_ld": article_json_ld(request, condition, locations),
        },
    )
