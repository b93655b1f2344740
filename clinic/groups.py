"""The staff groups and exactly the permissions each needs.

Data migrations call `sync_groups` whenever an app adds models a group works
with, so a fresh database and an old one end up with the same groups.
"""

from django.contrib.auth.management import create_permissions

ALL = ("add", "change", "delete", "view")

GROUPS = {
    # Edits articles, treatments, packages, products and their prices.
    "Redaktör": {
        "conditions": {
            "condition": ALL,
            "readerquestion": ALL,
            "symptom": ALL,
            "section": ALL,
            "synonym": ALL,
            "reference": ALL,
            "treatmentrecommendation": ALL,
            "productrecommendation": ALL,
        },
        "shop": {
            "treatment": ALL,
            "problemsolution": ALL,
            "treatmentpackage": ALL,
            "product": ALL,
            "pricechange": ("view",),
            "rentalunit": ALL,
        },
        "clinic": {"clinicsection": ALL, "practitioner": ALL, "location": ("view",)},
    },
    # Runs the front desk: locations, and the bookings and orders of later apps.
    "Reception": {
        "clinic": {"location": ("change", "view"), "practitioner": ("view",)},
        "shop": {
            "treatmentpackage": ("view",),
            "product": ("view",),
            # Orders from the shop: status flow, cancelling, rentals out and back, enquiries.
            "order": ("change", "view"),
            "orderline": ("view",),
            "rental": ("change", "view"),
            "rentalunit": ("view",),
            "enquiry": ("change", "view"),
        },
        "booking": {
            # Bookings are cancelled, never deleted; staff book on a patient's behalf.
            "booking": ("add", "change", "view", "view_full_personnummer"),
            "slot": ALL,
            "weeklyschedule": ALL,
            "scheduleexception": ALL,
            "slothold": ("view", "delete"),
            "waitlistentry": ("change", "view", "delete"),
            "waitlistoffer": ("view",),
        },
    },
    # The clinic's management: the numbers page (booking/numbers/), nothing else.
    "Ledning": {"booking": {"booking": ("view_statistics",)}},
}


def sync_groups(apps, schema_editor=None, groups=None):
    """Create the groups and set their permissions; permissions of models not yet migrated wait."""
    for app_config in apps.get_app_configs():
        # A migration's historical app configs have no models module, which makes
        # create_permissions skip them; lend one, then put back what was there (with the real
        # registry, clearing it would make every later post_migrate skip the app, so
        # content types would not come back after a test flush).
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = models_module or True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = models_module
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, app_models in (groups or GROUPS).items():
        group, _ = Group.objects.get_or_create(name=name)
        codenames = [
            # A plain action names a model permission; a longer one is a custom codename.
            (app_label, action if "_" in action else f"{action}_{model}")
            for app_label, models in app_models.items()
            for model, actions in models.items()
            for action in actions
        ]
        permissions = [
            permission
            for app_label, codename in codenames
            for permission in Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            )
        ]
        group.permissions.set(permissions)
