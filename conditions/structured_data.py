"""schema.org descriptions of an article and the clinics, for search engines."""


def clinic_json_ld(request, location):
    return {
        "@type": "MedicalClinic",
        "name": location.name,
        "url": request.build_absolute_uri("/"),
        "address": {
            "@type": "PostalAddress",
            "streetAddress": location.street_address,
            "postalCode": location.postal_code or None,
            "addressLocality": location.city,
            "addressCountry": "SE",
        },
        **({"telephone": location.phone} if location.phone else {}),
    }


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
