"""The claims register records what each number on a page rests on."""

from __future__ import annotations

import pytest

from atmp_lib import claims, datasets
from atmp_lib.facts import get_fact


def test_number_records_its_text_value_and_basis() -> None:
    claims.take()
    text = claims.number(1234.5, "sv", "derived:a + b", decimals=1)
    assert text == "1\u202f234,5"
    assert claims.take() == [{"text": text, "value": 1234.5, "basis": "derived:a + b"}]
    assert claims.take() == []


def test_fact_display_is_a_claim_on_its_row() -> None:
    claims.take()
    text = get_fact(datasets.load("facts"), "need_companies").display("sv")
    assert claims.take() == [{"text": text, "value": 400.0, "basis": "fact:need_companies"}]


def test_unknown_basis_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="kind must be one of"):
        claims.record("3", 3, "guess:three")
