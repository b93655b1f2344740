"""VAT is computed in whole öre from prices in whole kronor including VAT: never a float."""

from decimal import Decimal

import pytest

from shop.money import line_total, vat_included
from shop.templatetags.shop import kr_ore


@pytest.mark.parametrize(
    ("price", "vat"),
    [
        (0, "0.00"),
        (1, "0.20"),
        (199, "39.80"),
        (299, "59.80"),
        (1195, "239.00"),
        (10**7, "2000000.00"),
    ],
)
def test_vat_of_25_percent_is_a_fifth_of_the_price_exactly(price, vat):
    result = vat_included(price)
    assert isinstance(result, Decimal)
    assert result == Decimal(vat)
    assert str(result) == vat


def test_vat_of_other_rates_rounds_half_up_to_whole_ore():
    assert vat_included(100, rate=12) == Decimal("10.71")  # 10.714…
    assert vat_included(1000, rate=6) == Decimal("56.60")  # 56.603…
    assert vat_included(53, rate=6) == Decimal("3.00")  # 2.9999… -> 3.00


def test_line_totals_for_goods_and_rentals():
    assert line_total(unit_price=299, quantity=3) == 897
    assert line_total(unit_price=350, weeks=3) == 1050


def test_amounts_with_ore_are_written_the_swedish_way():
    assert kr_ore(Decimal("39.80")) == "39,80\u00a0kr"
    assert kr_ore(Decimal("2000000")) == "2\u00a0000\u00a0000,00\u00a0kr"
