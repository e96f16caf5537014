"""The one derived-figure type and its views: spans, formulas, rounding, qualifiers."""

from __future__ import annotations

import nbformat
import pytest

from atmp_lib import claims
from atmp_lib.facts import Fact
from atmp_lib.figure_views import (
    band_text,
    figure_text,
    figures_table,
    formula_text,
    rounded,
    span_text,
    with_unit,
)
from atmp_lib.figures import Figure, Formula, Span, qualifier_of


def fact(qualifier: str, value: float | None = 400, low=None, high=None) -> Fact:
    return Fact("f", "F", "F", value, low, high, qualifier, "people", None, "Sweden", "s", "l", "q")


def test_a_span_adds_and_scales_bound_by_bound() -> None:
    total = Span.of_fact(fact("approx"), band_pct=10) + Span.of_fact(fact("range", None, 50, 100))
    assert total.bounds == (410.0, 450.0, 500.0, 540.0)
    assert total.is_range and total.has_band and total.value == 475.0
    assert Span.point(10).scaled(0.5).bounds == (5.0, 5.0, 5.0, 5.0)


@pytest.mark.parametrize(
    ("qualifiers", "expected"),
    [(("exact", "exact"), "exact"), (("at_least", "exact"), "at_least"),
     (("up_to",), "up_to"), (("at_least", "up_to"), "approx"), (("approx", "exact"), "approx"),
     (("range",), "approx")],
)  # fmt: skip
def test_a_figure_inherits_the_qualifier_of_its_inputs(qualifiers, expected) -> None:
    assert qualifier_of(*(fact(q, 1, 1, 2) for q in qualifiers)) == expected


def test_bounds_are_rounded_outward_so_they_stay_true() -> None:
    assert rounded(1.4919, 1, "at_least") == 1.4
    assert rounded(1.4919, 1, "up_to") == 1.5
    assert rounded(171.43, -1) == 170.0
    assert rounded(1.1 * 100, 0, "up_to") == 110.0


def test_figure_text_keeps_its_qualifier_unit_and_records_its_formula() -> None:
    claims.take()
    figure = Figure("x", Span.point(171.43), Formula("{0} / {1}", (1200.0, 7.0)), ("fact:a",),
                    qualifier="approx", decimals=-1, unit="SEK million")  # fmt: skip
    assert figure_text(figure, "en") == "about SEK 170 million"
    assert figure_text(figure, "sv") == "ca 170 miljoner SEK"
    assert claims.take()[0]["basis"] == "derived:1,200 / 7"


def test_a_stated_range_and_an_assumed_band_are_written_apart() -> None:
    figure = Figure("t", Span(414, 460, 460, 506), Formula("{0} + {1}", (400.0, 60.0)),
                    ("fact:a",), qualifier="approx", unit="people")  # fmt: skip
    assert figure_text(figure, "en") == "about 460 people"
    assert band_text(figure, "sv") == "414–506"
    assert figure_text(figure, "en", banded=True) == "414–506 people"
    assert span_text(Span(1, 50, 100, 200), "en") == "50–100"


def test_formulas_are_written_the_language_way() -> None:
    formula = Formula("{0} × {1} / {2}", (100.0, 1_000_000.0, 67_026_292.0))
    assert formula_text(formula, "en") == "100 × 1,000,000 / 67,026,292"
    assert formula_text(formula, "sv") == "100 × 1\u202f000\u202f000 / 67\u202f026\u202f292"
    with_range = Formula("{0} + {1}", (Span(50, 50, 100, 100), 1.5))
    assert formula_text(with_range, "sv") == "(50–100) + 1,5"


def test_a_formula_records_each_operand_on_what_it_rests_on() -> None:
    claims.take()
    formula = Formula("{0} × {1} / 100", (Span(50, 50, 100, 100), 1_000_000.0),
                      ("fact:need_ccrm_nordic", ""))  # fmt: skip
    text = formula_text(formula, "sv")
    own = "derived:(50–100) × 1,000,000 / 100"
    assert [(c["text"], c["basis"], c["within"]) for c in claims.take()] == [
        ("50", "fact:need_ccrm_nordic", text),
        ("100", "fact:need_ccrm_nordic", text),
        ("1\u202f000\u202f000", own, text),
        ("100", own, text),
    ]


def test_each_formula_of_a_table_explains_its_own_operands() -> None:
    per_hospital = Formula("{0} / {1}", (1200.0, 7.0), ("fact:skr_investment", "fact:hospitals"))
    companies = Formula("{0} × {1} / 100", (2400.0, 50.0), ("fact:trials", "fact:share"))
    first = Figure("overview_skr_per_hospital", Span.point(171), per_hospital, ("fact:skr",))
    second = Figure("overview_trials_companies", Span.point(1200), companies, ("fact:trials",))
    claims.take()
    table = figures_table([second, first], "en").to_html()
    cell = nbformat.v4.new_code_cell("")
    cell.outputs.append(nbformat.v4.new_output(
        "display_data", data={"text/html": table},
        metadata={claims.METADATA_KEY: {"claims": claims.take()}}))  # fmt: skip
    statements = claims.register(nbformat.v4.new_notebook(cells=[cell]), "p", "en")
    in_formulas = {(s.context, s.number): s.basis for s in statements if "/" in s.context}
    assert in_formulas == {
        ("1,200 / 7", "1,200"): "fact:skr_investment",
        ("1,200 / 7", "7"): "fact:hospitals",
        ("2,400 × 50 / 100", "2,400"): "fact:trials",
        ("2,400 × 50 / 100", "50"): "fact:share",
        ("2,400 × 50 / 100", "100"): "derived:2,400 × 50 / 100",
    }


def test_units_the_language_way() -> None:
    assert with_unit("40", "%", "en") == "40%" and with_unit("40", "%", "sv") == "40\u00a0%"
    assert with_unit("22,7", "USD billion", "sv") == "22,7 miljarder USD"
    assert with_unit("5", "people", "sv") == "5 personer"


def test_one_table_for_every_section_s_derived_figures() -> None:
    figure = Figure("per_million", Span.point(1.49), Formula("{0} / {1}", (100.0, 67.0)),
                    ("fact:uk", "population:GB"), qualifier="at_least", decimals=1,
                    label_values={"figure": fact("exact")})  # fmt: skip
    table = figures_table([figure], "sv", band_pct=10)
    assert list(table.columns) == ["Siffra", "Värde", "Antaget intervall (±10\u00a0% kring ”ca”)",
                                   "Formel", "Indata"]  # fmt: skip
    assert table.iloc[0].tolist() == ["F per miljon invånare", "över 1,4", "", "100 / 67",
                                      "fact:uk, population:GB"]  # fmt: skip


def test_an_unknown_qualifier_is_refused() -> None:
    with pytest.raises(ValueError, match="qualifier 'roughly'"):
        Figure("x", Span.point(1), Formula("{0}", (1.0,)), (), qualifier="roughly")


def test_a_number_in_a_figure_label_rests_on_what_the_label_names() -> None:
    from atmp_lib.figure_views import figure_label

    need = Figure("survey_need", Span.point(460), Formula("{0} + {1}", (400.0, 60.0)), (),
                  label_values={"years": 5},
                  label_bases={"years": "fact:survey_horizon_years"})  # fmt: skip
    claims.take()
    assert figure_label(need, "sv") == "Behov under kartläggningens 5 år: företag och sjukvård"
    assert claims.take() == [{"text": "5", "value": 5.0, "basis": "fact:survey_horizon_years"}]
