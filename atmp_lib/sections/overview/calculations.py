"""The overview's figures, computed without a language.

The global key figures the status report quotes for 2021 give two derived figures (the
share of trials in phase 3, the trials by sponsor); SKR's investment, given only as a total,
gives what an even split per university hospital and per year would be (assumptions
``skr_even_split`` and ``skr_period_years``). Each is a :class:`~atmp_lib.figures.Figure`
with a stable id; :mod:`atmp_lib.sections.overview.views` words and draws them.
"""

from __future__ import annotations

import pandas as pd

from atmp_lib.facts import assumption_value, get_fact
from atmp_lib.figures import Figure, Formula, Span, qualifier_of

#: The global key figures of the report's background, in table order.
GLOBAL_CONTEXT_IDS = (
    "global_clinical_trials_2021",
    "global_phase3_trials_2021",
    "global_industry_sponsored_share",
    "global_atmp_companies",
    "global_private_investment_2021",
)
#: The fact whose period is the year of the global key figures.
GLOBAL_YEAR_FACT = "global_private_investment_2021"
SKR_SPLIT_ASSUMPTION = "skr_even_split"
SKR_YEARS_ASSUMPTION = "skr_period_years"
SKR_ASSUMPTIONS = (SKR_SPLIT_ASSUMPTION, SKR_YEARS_ASSUMPTION)
#: The public fact behind the note on SKR's former name (SKL).
SKL_RENAMED = "skl_renamed_skr"
#: Kinds in the order the landscape table and chart show them.
KIND_ORDER = (
    "atmp_centre",
    "research_centre",
    "national_centre",
    "national_initiative",
    "innovation_milieu",
    "education_provider",
    "planned_infrastructure",
    "investment",
)


def public_fact_value(public_facts: pd.DataFrame, fact_id: str) -> float:
    """The value of a row of ``reference/public_facts.csv``; a clear error names an unknown id."""
    match = public_facts[public_facts["id"] == fact_id]
    if match.empty:
        raise KeyError(f"public_facts.csv has no row with id {fact_id!r}")
    return float(match["value"].iloc[0])


def phase3_share(facts: pd.DataFrame) -> Figure:
    """Share (%) of the ATMP trials running at the end of 2021 that were in phase 3.

    "ca 2400" trials make it approximate; whole percent is all the inputs carry.
    """
    phase3 = get_fact(facts, "global_phase3_trials_2021")
    trials = get_fact(facts, "global_clinical_trials_2021")
    return Figure(
        id="overview_phase3_share",
        span=Span.point(100 * phase3.central / trials.central),
        formula=Formula(
            "{0} / {1} × 100",
            (phase3.central, trials.central),
            (f"fact:{phase3.id}", f"fact:{trials.id}"),
        ),
        inputs=(f"fact:{phase3.id}", f"fact:{trials.id}"),
        qualifier=qualifier_of(phase3, trials),
        unit="%",
    )


def trials_by_sponsor(facts: pd.DataFrame) -> tuple[Figure, Figure]:
    """Trials sponsored by companies, and by academia or healthcare ("ungefär hälften" each).

    "ca 2400" × "ungefär hälften" carries hundreds at most: about 1,200 each.
    """
    trials = get_fact(facts, "global_clinical_trials_2021")
    share = get_fact(facts, "global_industry_sponsored_share")
    companies = trials.central * share.central / 100
    companies_formula = Formula(
        "{0} × {1} / 100",
        (trials.central, share.central),
        (f"fact:{trials.id}", f"fact:{share.id}"),
    )
    common = {
        "inputs": (f"fact:{trials.id}", f"fact:{share.id}"),
        "qualifier": qualifier_of(trials, share),
        "decimals": -2,
    }
    return (
        Figure(
            id="overview_trials_companies",
            span=Span.point(companies),
            formula=companies_formula,
            **common,
        ),
        Figure(
            id="overview_trials_academia",
            span=Span.point(trials.central - companies),
            formula=Formula(
                "{0} − {1}",
                (trials.central, companies),
                (f"fact:{trials.id}", f"derived:{companies_formula.english()}"),
            ),
            **common,
        ),
    )


def skr_investment_figures(facts: pd.DataFrame, assumptions: pd.DataFrame) -> tuple[Figure, Figure]:
    """SKR's investment split evenly per university hospital and per year (assumptions).

    The report gives only the total; both figures are what an even split would give, for
    scale, rounded to tens of millions ("about"), not amounts anyone received.
    """
    investment = get_fact(facts, "skr_investment")
    hospitals = get_fact(facts, "university_hospitals_with_atmp")
    years = assumption_value(assumptions, SKR_YEARS_ASSUMPTION)
    common = {"qualifier": "approx", "decimals": -1, "unit": investment.unit}
    return (
        Figure(
            id="overview_skr_per_hospital",
            span=Span.point(investment.central / hospitals.central),
            formula=Formula(
                "{0} / {1}",
                (investment.central, hospitals.central),
                (f"fact:{investment.id}", f"fact:{hospitals.id}"),
            ),
            inputs=(
                f"fact:{investment.id}",
                f"fact:{hospitals.id}",
                f"assumption:{SKR_SPLIT_ASSUMPTION}",
            ),
            assumptions=(SKR_SPLIT_ASSUMPTION,),
            **common,
        ),
        Figure(
            id="overview_skr_per_year",
            span=Span.point(investment.central / years),
            formula=Formula(
                "{0} / {1}",
                (investment.central, years),
                (f"fact:{investment.id}", f"assumption:{SKR_YEARS_ASSUMPTION}"),
            ),
            inputs=(
                f"fact:{investment.id}",
                f"assumption:{SKR_SPLIT_ASSUMPTION}",
                f"assumption:{SKR_YEARS_ASSUMPTION}",
            ),
            assumptions=SKR_ASSUMPTIONS,
            **common,
        ),
    )


def derived_figures(facts: pd.DataFrame, assumptions: pd.DataFrame) -> list[Figure]:
    """The section's derived figures, in the order the page shows them."""
    return [
        phase3_share(facts),
        *trials_by_sponsor(facts),
        *skr_investment_figures(facts, assumptions),
    ]


def fact_ids(figures: list[Figure]) -> list[str]:
    """The facts.csv ids the figures rest on, each once, in order (for the source note)."""
    ids = [
        basis.split(":", 1)[1] for f in figures for basis in f.inputs if basis.startswith("fact:")
    ]
    return list(dict.fromkeys(ids))


def landscape_by_kind(landscape: pd.DataFrame) -> pd.DataFrame:
    """Landscape rows in the order of :data:`KIND_ORDER`, then by English name."""
    order = {kind: index for index, kind in enumerate(KIND_ORDER)}
    ranked = landscape.assign(_rank=landscape["kind"].map(order))
    return ranked.sort_values(["_rank", "name_en"], kind="stable").drop(columns="_rank")


def landscape_counts(landscape: pd.DataFrame) -> pd.DataFrame:
    """Rows of the landscape table by kind and status (columns kind, status, count)."""
    return landscape.groupby(["kind", "status"], sort=True).size().rename("count").reset_index()
