"""Writes to the catalogue that more than one place makes."""

from .models import PriceChange, Product, TreatmentPackage


def record_price_change(*, item: TreatmentPackage | Product, old_price, user) -> PriceChange | None:
    """Record a price edit of a package or product; nothing when the price did not change."""
    if old_price == item.price:
        return None
    field = "package" if isinstance(item, TreatmentPackage) else "product"
    return PriceChange.objects.create(
        **{field: item}, old_price=old_price, new_price=item.price, changed_by=user
    )
