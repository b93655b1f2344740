"""schema.org descriptions of an article and the clinics, for search engines."""

from clinic.hours import schema_hours


def clinic_json_ld(request, location, *, hours=False):
    """A location as schema.org MedicalClinic, with the contact details that exist.

    hours=True adds the weekly opening hours (prefetch `opening_hours_set`)."""
    clinic = {
        "@type": "MedicalClinic",
        "name": location.name,
        "url": request.build_absolute_uri(location.get_absolute_url()),
        "address": {
            "@type": "PostalAddress",
            "streetAddress": location.street_address,
            **({"postalCode": location.postal_code} if location.postal_code else {}),
            "addressLocality": location.city,
            "addressCountry": "SE",
        },
    }
    if location.phone:
        clinic["telephone"] = location.phone
    if location.email:
        clinic["email"] = location.email
    if hours and (specification := schema_hours(location)):
        clinic["openingHoursSpecification"] = specification
    return clinic


def article_json_ld(request, condition, locations):
    author = condition.author
    page = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "name": condition.title,
        "headline": f"{condition.title}: {condition.subtitle}" if condition.subtitle else "",
        "description": condition.meta_description,
        "url": request.build_absolute_uri(condition.get_absolute_url()),
        "inLanguage": "sv",
        "datePublished": condition.published.isoformat(),
        "dateModified": condition.updated_at.date().isoformat(),
        "lastReviewed": condition.last_reviewed.isoformat(),
        "about": {
            "@type": "MedicalCondition",
            "name": condition.title,
            "alternateName": [s.name for s in condition.synonyms.all()],
            "signOrSymptom": [
                {"@type": "MedicalSignOrSymptom", "name": s.text} for s in condition.symptoms.all()
            ],
        },
        "citation": [
            r.doi_url or f"{r.authors} ({r.year}). {r.title}. {r.journal}."
            for r in condition.references.all()
        ],
        "publisher": [clinic_json_ld(request, location) for location in locations],
    }
    if author:
        page["author"] = {
            "@type": "Person",
            "name": author.name,
            "jobTitle": author.title,
            "description": author.credentials,
        }
        page["reviewedBy"] = page["author"]
    return page
