"""Tables and texts of the scenarios section, in the page's language.

The numbers come from :mod:`~atmp_lib.sections.scenarios.model`; this module only labels and
formats them (the charts are in :mod:`~atmp_lib.sections.scenarios.charts`). Every number a
table or a text states is written through :mod:`atmp_lib.claims` with what it rests on
(``model:``, ``parameter:``, ``assumption:``, ``fact:``, ``derived:``).
:func:`parameters_cell` writes the notebook's parameters cell from the declarations.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from atmp_lib import claims, parameters
from atmp_lib.facts import get_fact
from atmp_lib.formatting import format_fact, format_number, format_unit, source_note
from atmp_lib.i18n import LabelError, t
from atmp_lib.sections.scenarios import model
from atmp_lib.sections.scenarios.parameters import (
    BY_NAME,
    FIELD_NAMES,
    FIELDS,
    OPTIONS,
    Field,
)
from atmp_lib.sections.scenarios.scenario import Basis, Origin, Scenario, range_sources

MODEL_FACTS = (
    "survey_horizon_years",
    "need_total",
    "need_companies",
    "need_healthcare",
    "need_ccrm_nordic",
    "ccrm_need_period_years",
)
#: The fact behind the default of the apprenticeship places in Sweden (a note, not an input).
UK_PLACES_FACT = "uk_apprenticeship_places"
PLACES_SWEDEN = "apprenticeship_places_sweden"
CHECK_FACTS = ("need_total", "need_companies", "need_healthcare", "need_ccrm_nordic")
TABLE_QUANTITIES = ("need", "capacity", "uncovered", "cumulative_uncovered")
PLAIN_BELOW = 10_000
UNIT_LABELS = {
    "%": "scen_unit_percent",
    "% per year": "scen_unit_percent_per_year",
    "% of the companies' need": "scen_unit_percent_of_companies",
    "year": "scen_unit_year",
    "1 = yes, 0 = no": "scen_unit_yes_no",
    "people": "scen_unit_people",
    "people per year": "scen_unit_people_per_year",
    "apprenticeship places": "scen_unit_places",
    "draws": "scen_unit_draws",
    "seed": "scen_unit_seed",
}
UNIT_SUFFIX = re.compile(r"\s*\((?:people|personer|%)\)$")
NUMBER_WORDS = {
    "en": ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
           "eleven", "twelve"),
    "sv": ("noll", "ett", "två", "tre", "fyra", "fem", "sex", "sju", "åtta", "nio", "tio", "elva",
           "tolv"),
}  # fmt: skip


# --------------------------------------------------------------------------- numbers as claims


def people(value: float, lang: str, basis: str) -> str:
    """A number of people, as a whole number, recorded with its basis."""
    return claims.number(round(float(value)), lang, basis, decimals=0)


def about_people(value: float, lang: str, basis: str) -> str:
    """Whole people; "about 8" when the model value is not whole (e.g. 7.8 apprentices)."""
    text = people(value, lang, basis)
    if abs(value - round(value)) < 1e-9:
        return text
    return f"{t('qualifier_approx', lang)} {text}"


def span(low: float, high: float, lang: str, basis_low: str, basis_high: str) -> str:
    """ "414–506", or one number when both ends round to the same person."""
    if round(low) == round(high):
        return people(low, lang, basis_low)
    return f"{people(low, lang, basis_low)}\u2013{people(high, lang, basis_high)}"


def year_text(year: int, basis: str) -> str:
    """A calendar year, written plainly (no digit grouping), recorded with its basis."""
    return claims.record(str(int(year)), int(year), basis)


def number_text(value: float, lang: str, basis: str) -> str:
    """A parameter value: whole numbers plainly grouped, others with one decimal."""
    decimals = 0 if float(value).is_integer() else 1
    return claims.number(float(value), lang, basis, decimals=decimals)


def percent_text(value: float, lang: str, basis: str) -> str:
    return format_unit(number_text(value, lang, basis), "%", lang)


def count_words(value: int, lang: str, basis: str) -> str:
    """A count from one to twelve in words, as running text writes it ("five", "fem"); a
    larger one in digits. Recorded with its basis either way."""
    value = int(value)
    words = NUMBER_WORDS[lang]
    text = words[value] if 0 < value < len(words) else format_number(value, lang, 0)
    return claims.record(text, value, basis)


def stat_names() -> dict[str, str]:
    """ "P10", "P50", "P90" for a text (names of percentiles, recorded as such)."""
    names = [claims.record(f"P{p}", p, f"name:P{p}") for p in model.PERCENTILES]
    return dict(zip(("lo", "mid", "hi"), names, strict=True))


# --------------------------------------------------------------------------- names


def scenario_name(name: str, scenario: Scenario, lang: str, record: bool = True) -> str:
    """A named scenario's title (``scen_name_<file stem>``), else its file name."""
    try:
        text = t(f"scen_name_{name}", lang, ccrm_year="{ccrm_year}")
    except LabelError:
        return name
    if "{ccrm_year}" in text:
        year = scenario.start_year("ccrm")
        shown = year_text(year, "derived:first_year + ccrm_start_lag_years") if record else str(
            year
        )
        text = text.replace("{ccrm_year}", shown)
    return text


def scenario_label(
    current: Scenario, named: dict[str, Scenario], lang: str, record: bool = True
) -> str:
    """The title of the named scenario the parameters equal, else "as set in the parameters"."""
    for name, candidate in named.items():
        if candidate == current:
            return scenario_name(name, candidate, lang, record)
    return t("scen_name_parameters", lang)


def input_name(name: str, lang: str) -> str:
    """What a sensitivity input is called: its parameter label, or CCRM Nordic's need."""
    return t("scen_input_ccrm_need" if name == model.CCRM_NEED else f"param_{name}", lang)


def option_name(option: str, lang: str) -> str:
    return t(f"scen_option_{option}", lang)


def _in_sentence(name: str) -> str:
    """A name inside a sentence: "National hands-on training centre" -> "national ...";
    "UK-style" and "ATMP" stay; a unit in brackets at the end ("(people)") goes."""
    name = UNIT_SUFFIX.sub("", name)
    return name[0].lower() + name[1:] if name[1:2].islower() else name


# --------------------------------------------------------------------------- source notes


def model_source_note(facts: pd.DataFrame, lang: str) -> str:
    """Source note for the model's results: the facts it uses and the assumptions."""
    rows = facts[facts["id"].isin(MODEL_FACTS)]
    return f"{source_note('facts.csv', rows, lang)} {t('scen_assumptions_note', lang)}"


def options_note(facts: pd.DataFrame, lang: str) -> str:
    """Source note of the options table: the model's facts and the UK figure the default of
    the apprenticeship places in Sweden was scaled from, the assumptions, the population."""
    rows = facts[facts["id"].isin((*MODEL_FACTS, UK_PLACES_FACT))]
    return " ".join([source_note("facts.csv", rows, lang), t("scen_assumptions_note", lang),
                     t("scen_population_note", lang)])  # fmt: skip


def check_note(facts: pd.DataFrame, lang: str) -> str:
    """Source note for the survey's totals: the needs it states and the band assumption."""
    rows = facts[facts["id"].isin(CHECK_FACTS)]
    return f"{source_note('facts.csv', rows, lang)} {t('scen_assumptions_note', lang)}"


def assumptions_note(lang: str) -> str:
    """Source note of the assumptions table."""
    return t("scen_assumptions_note", lang)


# --------------------------------------------------------------------------- introduction


def title_values(current: Scenario, basis: Basis, lang: str) -> dict[str, str]:
    """The title's figures: the survey's period in words and the calendar years it is read
    as (an assumption: the report is undated), and the horizon when it differs."""
    survey_last = current.first_year + basis.need_period_years - 1
    return {
        "period": count_words(basis.need_period_years, lang, "fact:survey_horizon_years"),
        "first_year": year_text(current.first_year, "parameter:first_year"),
        "survey_last_year": year_text(survey_last, "derived:first_year + survey_horizon_years - 1"),
        "last_year": year_text(current.last_year, "derived:first_year + horizon_years - 1"),
    }


def title_key(current: Scenario, basis: Basis) -> str:
    """The title's label: the survey's years, or a horizon that differs from them."""
    same = current.horizon_years == basis.need_period_years
    return "scen_title" if same else "scen_title_horizon"


def intro_values(current: Scenario, named: dict[str, Scenario], lang: str) -> dict[str, str]:
    """The figures the introduction quotes, and the scenario's name (a year in it recorded)."""
    return {
        "first_year": year_text(current.first_year, "parameter:first_year"),
        "last_year": year_text(current.last_year, "derived:first_year + horizon_years - 1"),
        "draws": claims.number(current.draws, lang, "parameter:draws"),
        "scenario": scenario_label(current, named, lang),
        **stat_names(),
    }


def method_values(basis: Basis, lang: str) -> dict[str, str]:
    return {
        "period": count_words(basis.need_period_years, lang, "fact:survey_horizon_years"),
        "ccrm_period": count_words(basis.ccrm_period_years, lang, "fact:ccrm_need_period_years"),
    }


# --------------------------------------------------------------------------- the survey's totals


def check_sentences(
    check: pd.DataFrame, baseline: Scenario, current: Scenario, facts: pd.DataFrame, lang: str
) -> str:
    """What the stated needs add up to, under each reading of "ca", against "över 500", and
    whether this run counts CCRM Nordic (one switch for the whole report)."""
    without, with_ccrm = (check.set_index("row").loc[row] for row in ("without_ccrm", "with_ccrm"))
    total = get_fact(facts, "need_total")
    stated = without["stated_low"]
    bases = _check_bases(baseline)
    parts = [
        t(
            "scen_check_sum", lang,
            companies=get_fact(facts, "need_companies").display(lang),
            healthcare=get_fact(facts, "need_healthcare").display(lang),
            stated=f"{t('qualifier_approx', lang)} {people(stated, lang, bases['stated_low'])}",
            period=_period(facts, lang),
        )
    ]  # fmt: skip
    for reading in ("band", "rounded"):
        low, high = without[f"{reading}_low"], without[f"{reading}_high"]
        verdict = "holds" if stated > total.central else "top" if high > total.central else "short"
        parts.append(
            t(
                f"scen_check_{reading}_{verdict}", lang, **_reading_words(baseline, lang),
                low=people(low, lang, bases[f"{reading}_low"]),
                high=people(high, lang, bases[f"{reading}_high"]),
                total=total.display(lang),
            )
        )  # fmt: skip
    parts.append(
        t(
            "scen_check_ccrm", lang,
            ccrm=get_fact(facts, "need_ccrm_nordic").display(lang),
            low=people(with_ccrm["stated_low"], lang, bases["ccrm_stated_low"]),
            high=people(with_ccrm["stated_high"], lang, bases["ccrm_stated_high"]),
            band_low=people(with_ccrm["band_low"], lang, bases["ccrm_band_low"]),
            band_high=people(with_ccrm["band_high"], lang, bases["ccrm_band_high"]),
            rounded_low=people(with_ccrm["rounded_low"], lang, bases["ccrm_rounded_low"]),
            rounded_high=people(with_ccrm["rounded_high"], lang, bases["ccrm_rounded_high"]),
        )
    )  # fmt: skip
    parts.append(t(f"scen_check_ccrm_{'on' if current.ccrm_nordic_established else 'off'}", lang))
    return " ".join(parts)


def _period(facts: pd.DataFrame, lang: str) -> str:
    period = get_fact(facts, "survey_horizon_years").central
    return count_words(period, lang, "fact:survey_horizon_years")


def _reading_words(scenario: Scenario, lang: str) -> dict[str, str]:
    """The band and the rounding steps as a text fills them in."""
    return {
        "pct": percent_text(scenario.approx_band_pct, lang, "assumption:approx_band_pct"),
        "step_companies": number_text(
            scenario.rounding_step_companies, lang, "parameter:rounding_step_companies"
        ),
        "step_healthcare": number_text(
            scenario.rounding_step_healthcare, lang, "parameter:rounding_step_healthcare"
        ),
    }


def _check_bases(s: Scenario) -> dict[str, str]:
    """The formula behind each end of each reading, as claims-register bases."""
    c, h, pct = f"{s.need_companies:g}", f"{s.need_healthcare:g}", f"{s.approx_band_pct:g}"
    sc, sh = f"{s.rounding_step_companies:g}", f"{s.rounding_step_healthcare:g}"
    low, high = f"{s.ccrm_need_low:g}", f"{s.ccrm_need_high:g}"
    bases = {
        "stated_low": f"derived:{c} + {h}",
        "stated_high": f"derived:{c} + {h}",
        "band_low": f"derived:({c} + {h}) × (1 − {pct}/100)",
        "band_high": f"derived:({c} + {h}) × (1 + {pct}/100)",
        "rounded_low": f"derived:{c} − {sc}/2 + {h} − {sh}/2",
        "rounded_high": f"derived:{c} + {sc}/2 + {h} + {sh}/2",
    }
    for key, basis in list(bases.items()):  # with CCRM Nordic: its low end to low ends
        bases[f"ccrm_{key}"] = f"{basis} + {low if key.endswith('_low') else high}"
    return bases


def check_table(check: pd.DataFrame, baseline: Scenario, facts: pd.DataFrame, lang: str
                ) -> pd.DataFrame:  # fmt: skip
    """The stated needs added up: at the stated figures, under the band, rounded."""
    bases = _check_bases(baseline)
    words = _reading_words(baseline, lang)
    rows = check.set_index("row")
    ccrm = get_fact(facts, "need_ccrm_nordic").display(lang)
    labels = {
        "without_ccrm": t("scen_check_row_without", lang),
        "with_ccrm": t("scen_check_row_with", lang, ccrm=ccrm),
    }
    columns: dict[str, list[str]] = {t("scen_check_col_need", lang): list(labels.values())}
    for reading in ("stated", "band", "rounded"):
        header = t(f"scen_check_col_{reading}", lang, **words)
        cells = []
        for row in labels:
            prefix = "" if row == "without_ccrm" else "ccrm_"
            cells.append(
                span(rows.loc[row, f"{reading}_low"], rows.loc[row, f"{reading}_high"], lang,
                     bases[f"{prefix}{reading}_low"], bases[f"{prefix}{reading}_high"])
            )  # fmt: skip
        columns[header] = cells
    return pd.DataFrame(columns)


# --------------------------------------------------------------------------- need by sector


def need_sectors(scenario: Scenario) -> list[str]:
    """The sectors whose need counts: CCRM Nordic only when it is established."""
    return [s for s in model.SECTORS if s != "ccrm_nordic" or scenario.ccrm_nordic_established]


def whole_need(frame: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    """The need per sector and year in whole people, rounded so that the table adds up.

    Each sector's running total is rounded and its yearly figures are the steps between
    those totals: every figure stays within one person of the model's, the sectors add up to
    each year's need and the years to the running total (rounding each cell on its own would
    show e.g. 12 + 12 = 25 for 12.4 a year).
    """
    whole = pd.DataFrame({"year": frame["year"].astype(int)})
    sectors = need_sectors(scenario)
    for sector in sectors:
        running = np.rint(frame[f"need_{sector}"].cumsum().to_numpy())
        whole[f"need_{sector}"] = np.diff(running, prepend=0).astype(int)
    whole["need"] = whole[[f"need_{s}" for s in sectors]].sum(axis=1)
    whole["cumulative_need"] = whole["need"].cumsum()
    return whole


def need_is_whole(frame: pd.DataFrame, scenario: Scenario) -> bool:
    """Whether every sector's yearly need is a whole number of people (nothing to adjust)."""
    values = frame[[f"need_{s}" for s in need_sectors(scenario)]].to_numpy()
    return bool(np.allclose(values, np.rint(values)))


def need_note(frame: pd.DataFrame, scenario: Scenario, note: str, lang: str) -> str:
    """The need table's source note, saying how it rounds when a yearly need is not whole."""
    if need_is_whole(frame, scenario):
        return note
    return f"{t('scen_need_rounding', lang)} {note}"


def need_table(frame: pd.DataFrame, scenario: Scenario, lang: str) -> pd.DataFrame:
    """Need per year by sector at the stated figures, the total and its running sum, in
    whole people that add up (see :func:`whole_need`)."""
    whole = whole_need(frame, scenario)
    columns: dict[str, list[str]] = {
        t("scen_col_year", lang): [year_text(y, "parameter:first_year") for y in whole["year"]]
    }
    labels = {f"need_{s}": f"scen_sector_{s}" for s in need_sectors(scenario)}
    labels |= {quantity: f"scen_q_{quantity}" for quantity in ("need", "cumulative_need")}
    for name, label in labels.items():
        columns[t(label, lang)] = [
            people(v, lang, f"model:{name}:{y}")
            for y, v in zip(whole["year"], whole[name], strict=True)
        ]
    return pd.DataFrame(columns)


def need_values(scenario: Scenario, frame: pd.DataFrame, lang: str) -> dict[str, str]:
    """The figures the need text quotes: each sector's yearly rate ("about 12" when it is not
    whole) and the need up to the last year as the need table adds it up."""
    total = whole_need(frame, scenario)["cumulative_need"].iloc[-1]
    return {
        "companies": about_people(frame["need_companies"].iloc[0], lang,
                                  "model:need_companies:first"),
        "healthcare": about_people(frame["need_healthcare"].iloc[0], lang,
                                   "model:need_healthcare:first"),
        "total": people(total, lang, "model:cumulative_need:last"),
        "last_year": year_text(scenario.last_year, "derived:first_year + horizon_years - 1"),
    }  # fmt: skip


def need_notes(scenario: Scenario, basis: Basis, frame: pd.DataFrame, lang: str) -> str:
    """Whether and from when CCRM Nordic counts; and, when the horizon runs past the survey
    period with extra growth assumed, how much of the need that growth adds."""
    return " ".join(
        part for part in (ccrm_sentence(scenario, frame, lang),
                          growth_sentence(scenario, basis, frame, lang)) if part
    )  # fmt: skip


def growth_sentence(scenario: Scenario, basis: Basis, frame: pd.DataFrame, lang: str) -> str:
    """What the assumed growth after the survey period adds (empty when it adds nothing)."""
    if scenario.horizon_years <= basis.need_period_years:
        return ""
    stated_rate = frame["need_companies"].iloc[0]
    beyond = frame["need_companies"].sum() - stated_rate * scenario.horizon_years
    if not round(beyond):
        return ""
    survey_last = scenario.first_year + basis.need_period_years - 1
    return t(
        "scen_growth_after_survey", lang,
        survey_last_year=year_text(survey_last, "derived:first_year + survey_horizon_years - 1"),
        pct=percent_text(scenario.company_growth_beyond_survey_pct, lang,
                         "parameter:company_growth_beyond_survey_pct"),
        beyond=people(beyond, lang, "model:need_companies:beyond_survey"),
        last_year=year_text(scenario.last_year, "derived:first_year + horizon_years - 1"),
    )  # fmt: skip


def ccrm_sentence(scenario: Scenario, frame: pd.DataFrame, lang: str) -> str:
    """Whether and from when CCRM Nordic counts, and how much of its need falls inside."""
    if not scenario.ccrm_nordic_established:
        return t("scen_ccrm_not_counted", lang)
    inside = frame["need_ccrm_nordic"].sum()
    return t(
        "scen_ccrm_counted", lang,
        start=year_text(scenario.start_year("ccrm"), "derived:first_year + ccrm_start_lag_years"),
        per_year=about_people(frame["need_ccrm_nordic"].max(), lang,
                              "model:need_ccrm_nordic:per_year"),
        inside=people(inside, lang, "model:need_ccrm_nordic:horizon"),
        last_year=year_text(scenario.last_year, "derived:first_year + horizon_years - 1"),
    )  # fmt: skip


# --------------------------------------------------------------------------- options


def options_table(scenario: Scenario, lang: str) -> pd.DataFrame:
    """Today's training and each option: on or off, what it adds a year, from when, its range."""
    rates = model.fixed_rates(scenario)
    rows = [_domestic_row(scenario, lang)]
    for option in OPTIONS:
        on = scenario.enabled(option)
        if option == "recruited_abroad":
            adds = t("scen_adds_abroad", lang, share=percent_text(
                scenario.recruited_abroad_share, lang, "parameter:recruited_abroad_share"))
        elif option == "apprenticeship":
            adds = _apprentices_text(scenario, rates[option], lang)
        else:
            adds = t("scen_adds_people", lang, value=people(
                rates[option], lang, f"parameter:{_rate_field(option)}"))
        lag_field = f"{option}_start_lag_years"
        size = range_text(_rate_field(option), lang)
        if option == "apprenticeship":
            size = t("scen_range_places_sweden", lang, range=size)
        rows.append({
            "option": option_name(option, lang),
            "on": t("scen_yes" if on else "scen_no", lang),
            "adds": adds,
            "range": size,
            "from": year_text(scenario.start_year(option), f"derived:first_year + {lag_field}"),
        })  # fmt: skip
    frame = pd.DataFrame(rows)
    frame.columns = [t(f"scen_opt_col_{c}", lang) for c in frame.columns]
    return frame


def _domestic_row(scenario: Scenario, lang: str) -> dict[str, str]:
    value = scenario.domestic_training_per_year
    adds = (
        t("scen_unknown", lang) if value is None
        else t("scen_adds_people", lang, value=people(
            value, lang, "parameter:domestic_training_per_year"))
    )  # fmt: skip
    return {
        "option": t("scen_option_domestic_today", lang),
        "on": t("scen_domestic_on" if value is not None else "scen_domestic_off", lang),
        "adds": adds,
        "range": range_text("domestic_training_per_year", lang),
        "from": year_text(scenario.first_year, "parameter:first_year"),
    }


def _rate_field(option: str) -> str:
    """The parameter that sets an option's size."""
    return {
        "apprenticeship": PLACES_SWEDEN,
        "degree_modules": "degree_modules_graduates_per_year",
        "training_centre": "training_centre_trained_per_year",
        "recruited_abroad": "recruited_abroad_share",
    }[option]


def _apprentices_text(scenario: Scenario, per_year: float, lang: str) -> str:
    """ "about 8 people (15 places in Sweden / 2 years per place)"."""
    return t(
        "scen_adds_apprenticeship", lang,
        value=about_people(per_year, lang, f"derived:{PLACES_SWEDEN} / "
                           "apprenticeship_duration_years"),
        places=number_text(scenario.apprenticeship_places_sweden, lang,
                           f"parameter:{PLACES_SWEDEN}"),
        years=number_text(scenario.apprenticeship_duration_years, lang,
                          "parameter:apprenticeship_duration_years"),
    )  # fmt: skip


def options_values(origins: dict[str, Origin], facts: pd.DataFrame, lang: str) -> dict[str, str]:
    """The figures the options text quotes: the default and the range of the apprenticeship
    places in Sweden (assumptions) and the UK's "över 100" the default was scaled from."""
    origin = origins[PLACES_SWEDEN]
    low, high = BY_NAME[PLACES_SWEDEN].param.bounds()
    sources = range_sources(PLACES_SWEDEN)
    return {
        "default": number_text(origin.value, lang, origin.basis),
        "uk_fact": get_fact(facts, UK_PLACES_FACT).display(lang),
        "low": number_text(low, lang, sources[0]),
        "high": number_text(high, lang, sources[-1]),
    }


# --------------------------------------------------------------------------- uncovered need


def uncovered_values(projection: model.Projection, scenario: Scenario, lang: str,
                     options: bool = True) -> dict[str, str]:  # fmt: skip
    """The figures the uncovered-need text quotes (P10/P50/P90 by the last year); without
    ``options`` only the need's (the uncovered need is then the need itself)."""
    result = model.end_of_horizon(projection)
    year = scenario.last_year

    def stat(quantity: str, index: int) -> str:
        value = result[quantity][index]
        return people(value, lang, f"model:{quantity}:{year}:p{model.PERCENTILES[index]}")

    low, high = model.PERCENTILES[0], model.PERCENTILES[-1]
    middle = claims.number(high - low, lang, f"derived:{high} − {low}")
    values = {
        "last_year": year_text(year, "derived:first_year + horizon_years - 1"),
        "middle": format_unit(middle, "%", lang),
        "need10": stat("cumulative_need", 0),
        "need50": stat("cumulative_need", 1),
        "need90": stat("cumulative_need", 2),
        "draws": claims.number(projection.draws, lang, "parameter:draws"),
        **stat_names(),
    }
    if options:
        values |= {
            "capacity": stat("cumulative_capacity", 1),
            "p10": stat("cumulative_uncovered", 0),
            "p50": stat("cumulative_uncovered", 1),
            "p90": stat("cumulative_uncovered", 2),
        }
    return values


def uncovered_text(projection: model.Projection, scenario: Scenario, lang: str) -> str:
    """The uncovered need by the last year, with its percentiles (shorter when nothing is
    subtracted: no option on and today's training not entered)."""
    options = bool(scenario.enabled_options) or scenario.domestic_known
    values = uncovered_values(projection, scenario, lang, options)
    key = "scen_uncovered_text" if options else "scen_uncovered_text_none"
    return t(key, lang, **values)


def uncovered_sentences(scenario: Scenario, lang: str) -> str:
    """Which options are on, and whether today's training in Sweden is subtracted."""
    parts = []
    if scenario.enabled_options:
        names = ", ".join(_in_sentence(option_name(o, lang)) for o in scenario.enabled_options)
        parts.append(t("scen_options_on", lang, options=names))
    value = scenario.domestic_training_per_year
    if value is None:
        parts.append(t("scen_domestic_unknown", lang))
    else:
        parts.append(t("scen_domestic_known", lang, value=people(
            value, lang, "parameter:domestic_training_per_year")))
    return " ".join(parts)


def summary_table(summary: pd.DataFrame, lang: str) -> pd.DataFrame:
    """P10/P50/P90 per year of need, capacity, uncovered need and its running sum."""
    rows = summary[summary["quantity"].isin(TABLE_QUANTITIES)]
    order = {quantity: index for index, quantity in enumerate(TABLE_QUANTITIES)}
    rows = rows.assign(_order=rows["quantity"].map(order))
    rows = rows.sort_values(["_order", "year"], kind="stable")
    columns: dict[str, list[str]] = {
        t("scen_col_what", lang): [t(f"scen_q_{q}", lang) for q in rows["quantity"]],
        t("scen_col_year", lang): [year_text(y, "parameter:first_year") for y in rows["year"]],
    }
    for stat, name in zip(("p10", "p50", "p90"), stat_names().values(), strict=True):
        columns[name] = [
            people(value, lang, f"model:{quantity}:{year}:{stat}")
            for quantity, year, value in zip(rows["quantity"], rows["year"], rows[stat],
                                             strict=True)
        ]  # fmt: skip
    return pd.DataFrame(columns).reset_index(drop=True)


# --------------------------------------------------------------------------- sensitivity


def whole_tornado(frame: pd.DataFrame) -> pd.DataFrame:
    """The sensitivity rows as the page shows them: the centre and both ends in whole people,
    the difference taken between the rounded ends (so that it follows from the ends shown:
    284 and 277 differ by 7, not by the 8 of the unrounded 284.4 and 276.6), ranked by that
    difference (ties keep the model's order)."""
    shown = frame.assign(**{column: np.rint(frame[column].to_numpy(dtype=float))
                            for column in ("base", "at_low", "at_high")})  # fmt: skip
    shown["swing"] = (shown["at_high"] - shown["at_low"]).abs()
    return shown.sort_values("swing", ascending=False, kind="stable").reset_index(drop=True)


def tornado_table(frame: pd.DataFrame, scenario: Scenario, lang: str) -> pd.DataFrame:
    """Each input's range and the cumulative uncovered need at its two ends, ranked."""
    year = scenario.last_year
    rows = []
    for _, row in whole_tornado(frame).iterrows():
        name = row["input"]
        rows.append([
            input_name(name, lang),
            _range_cell(name, row["low"], row["high"], scenario, lang),
            people(row["at_low"], lang, f"model:tornado:{name}:at_low:{year}"),
            people(row["at_high"], lang, f"model:tornado:{name}:at_high:{year}"),
            people(row["swing"], lang, f"model:tornado:{name}:swing:{year}"),
        ])  # fmt: skip
    columns = [
        t(f"scen_tornado_col_{c}", lang,
          last_year=year_text(year, "derived:first_year + horizon_years - 1"))
        for c in ("input", "range", "at_low", "at_high", "swing")
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


def _range_cell(name: str, low: float, high: float, scenario: Scenario, lang: str) -> str:
    """A sensitivity range, each end recorded with what it rests on."""
    if name in model.APPROXIMATE_INPUTS:
        formula = _approx_formula(name, scenario)
        ends = (f"derived:{formula[0]}", f"derived:{formula[1]}")
    elif name == model.CCRM_NEED:
        ends = ("parameter:ccrm_need_low", "parameter:ccrm_need_high")
    else:
        sources = range_sources(name) or (f"parameter:{name}",)
        ends = (sources[0], sources[-1])
    unit = "%" if name.endswith(("_pct", "_share")) else ""
    text = f"{number_text(low, lang, ends[0])}\u2013{number_text(high, lang, ends[1])}"
    return format_unit(text, unit, lang)


def _approx_formula(name: str, s: Scenario) -> tuple[str, str]:
    value = f"{getattr(s, name):g}"
    if s.approx_reading == "rounded":
        step = {"need_companies": s.rounding_step_companies,
                "need_healthcare": s.rounding_step_healthcare}[name]  # fmt: skip
        return f"{value} − {step:g}/2", f"{value} + {step:g}/2"
    pct = f"{s.approx_band_pct:g}"
    return f"{value} × (1 − {pct}/100)", f"{value} × (1 + {pct}/100)"


def top_input(frame: pd.DataFrame) -> str:
    """The input that matters most, as the page ranks them (by the difference shown)."""
    return str(whole_tornado(frame)["input"].iloc[0])


def tornado_values(frame: pd.DataFrame, scenario: Scenario, lang: str) -> dict[str, str]:
    """The figures the sensitivity text quotes: the centre it varies around (and whether it
    counts CCRM Nordic), the input that matters most and its difference."""
    top = whole_tornado(frame).iloc[0]
    year = scenario.last_year
    return {
        "top": input_name(top["input"], lang),  # quoted as the table names it
        "swing": people(top["swing"], lang, f"model:tornado:{top['input']}:swing:{year}"),
        "base": people(top["base"], lang, f"model:cumulative_uncovered:{year}:point"),
        "ccrm": tornado_ccrm(scenario, lang),
        "last_year": year_text(year, "derived:first_year + horizon_years - 1"),
    }


def tornado_ccrm(scenario: Scenario, lang: str) -> str:
    """Whether the sensitivity view's centre counts CCRM Nordic, and from when."""
    if not scenario.ccrm_nordic_established:
        return t("scen_tornado_ccrm_off", lang)
    start = year_text(scenario.start_year("ccrm"), "derived:first_year + ccrm_start_lag_years")
    return t("scen_tornado_ccrm_on", lang, start=start)


# --------------------------------------------------------------------------- named scenarios


def comparison_footnote(lang: str) -> str:
    """Why the P50 columns need not add up: each is a percentile of its own measure."""
    return t("scen_cmp_footnote", lang, mid=stat_names()["mid"])


def comparison_table(
    comparison: pd.DataFrame, named: dict[str, Scenario], lang: str
) -> pd.DataFrame:
    """The named scenarios' need, capacity and uncovered need by their last year."""
    rows = []
    for _, row in comparison.iterrows():
        name, year = row["scenario"], int(row["last_year"])
        basis = f"model:{name}:{year}"
        rows.append([
            scenario_name(name, named[name], lang),
            f"params/{name}.yaml",
            year_text(year, f"parameter:{name}:horizon"),
            people(row["need_p50"], lang, f"{basis}:cumulative_need:p50"),
            people(row["capacity_p50"], lang, f"{basis}:cumulative_capacity:p50"),
            people(row["uncovered_p50"], lang, f"{basis}:cumulative_uncovered:p50"),
            span(row["uncovered_p10"], row["uncovered_p90"], lang,
                 f"{basis}:cumulative_uncovered:p10", f"{basis}:cumulative_uncovered:p90"),
        ])  # fmt: skip
    names = stat_names()
    columns = [t(f"scen_cmp_col_{c}", lang, **names)
               for c in ("scenario", "file", "last_year", "need", "capacity", "p50", "p10_p90")]
    return pd.DataFrame(rows, columns=columns)  # fmt: skip


# --------------------------------------------------------------------------- parameters


def format_value(name: str, value: object, lang: str, basis: str) -> str:
    """A parameter's value for a table: unknown, yes/no, a reading, a year, a number."""
    field = BY_NAME[name]
    if value is None:
        return t("scen_unknown", lang)
    if field.kind is bool:
        return t("scen_yes" if value else "scen_no", lang)
    if field.kind is str:
        return t(f"scen_reading_{value}", lang)
    if field.plain:
        return claims.record(str(value), float(value), basis)
    return number_text(float(value), lang, basis)


def origin_text(origin: Origin, lang: str) -> str:
    """Where a default comes from: the table and the row id (which end of a stated range),
    a setting of the report, or nothing."""
    end = origin.ref.partition(":")[0].removeprefix("fact").removeprefix("_")
    text = t(f"scen_origin_{origin.kind}", lang, ids=origin.row)
    return t(f"scen_origin_end_{end}", lang, origin=text) if end in ("low", "high") else text


def range_text(name: str, lang: str) -> str:
    """What a parameter allows, in words, each number recorded with its source row."""
    field = BY_NAME[name]
    param = field.param
    if field.kind is bool:
        return t("scen_range_yes_no", lang)
    if field.kind is str:
        return " / ".join(t(f"scen_reading_{choice}", lang) for choice in param.choices)
    low, high = param.bounds()
    low_text = _bound_text(field, low, lang, _bound_basis(param.low, name))
    high_text = _bound_text(field, high, lang, _bound_basis(param.high, name))
    key = "scen_range_either" if param.discrete else "scen_range_from_to"
    text = t(key, lang, low=low_text, high=high_text)
    if name.endswith(("_pct", "_share")):
        text = format_unit(text, "%", lang)
    if param.optional:
        text = t("scen_range_optional", lang, range=text)
    return text


def _bound_basis(bound: object, name: str) -> str:
    return bound if isinstance(bound, str) else f"parameter:{name}"


def _bound_text(field: Field, value: float, lang: str, basis: str) -> str:
    if field.plain and value < PLAIN_BELOW:  # a year; the seed's upper end is grouped
        return claims.record(str(int(value)), value, basis)
    return number_text(value, lang, basis)


def parameter_table(scenario: Scenario, origins: dict[str, Origin], lang: str) -> pd.DataFrame:
    """Every parameter: its value, its default, where the default comes from, its range."""
    rows = []
    for name in FIELD_NAMES:
        origin = origins[name]
        rows.append([
            claims.record_numbers(t(f"param_{name}", lang), f"name:param_{name}"),
            format_value(name, getattr(scenario, name), lang, f"parameter:{name}"),
            format_value(name, origin.value, lang, origin.basis),
            origin_text(origin, lang),
            range_text(name, lang),
        ])  # fmt: skip
    columns = [t(f"scen_col_{c}", lang) for c in ("parameter", "value", "default", "basis",
                                                   "range")]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


def used_assumptions(assumptions: pd.DataFrame) -> pd.DataFrame:
    """The rows of assumptions.csv the scenario parameters use (defaults and ranges)."""
    refs = (ref for field in FIELDS
            for ref in (field.param.data_default, field.param.low, field.param.high))
    ids = {ref.split(":", 1)[1] for ref in refs
           if isinstance(ref, str) and ref.startswith("assumption:")}  # fmt: skip
    return assumptions[assumptions["id"].isin(ids)].reset_index(drop=True)


def assumptions_table(used: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Each assumption with its value, range, unit and reason, in the language."""
    rows = []
    for _, row in used.iterrows():
        key = f"data:assumptions:{row['id']}"
        rows.append([
            claims.record_numbers(row[f"label_{lang}"], f"{key}:label_{lang}"),
            _assumption_number(row["value"], row["unit"], lang, f"assumption:{row['id']}"),
            _assumption_range(row, lang, key),
            t(UNIT_LABELS[row["unit"]], lang),
            claims.record_numbers(row[f"rationale_{lang}"], f"{key}:rationale_{lang}"),
        ])  # fmt: skip
    columns = [t("assumption_label", lang), t("col_value", lang), t("scen_col_range", lang),
               t("col_unit", lang), t("scen_col_rationale", lang)]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


def _assumption_number(value: float, unit: str, lang: str, basis: str) -> str:
    if unit == "1 = yes, 0 = no":
        return t("scen_yes" if value else "scen_no", lang)
    if unit in ("year", "seed") and value >= 1000:
        return claims.record(str(int(value)), value, basis)
    return number_text(float(value), lang, basis)


def _assumption_range(row: pd.Series, lang: str, key: str) -> str:
    if pd.isna(row["low"]) or pd.isna(row["high"]):
        return ""
    low = _assumption_number(float(row["low"]), row["unit"], lang, f"{key}:low")
    high = _assumption_number(float(row["high"]), row["unit"], lang, f"{key}:high")
    return f"{low}\u2013{high}"


# --------------------------------------------------------------------------- the parameters cell


def parameters_cell(origins: dict[str, Origin], facts: pd.DataFrame) -> str:
    """The notebook's parameters cell, written from the declarations
    (:func:`atmp_lib.parameters.parameters_cell`): a parameter whose default comes from the
    data gets the literal None, its comment naming that default; today's training in Sweden
    gets None as "not known". A test checks that the notebook holds exactly this text."""
    notes = {
        field.name: "; None: the default from the data, "
        + _default_words(origins[field.name], facts)
        for field in FIELDS
        if field.param.data_default
    }
    return parameters.parameters_cell("scenarios", notes)


def _default_words(origin: Origin, facts: pd.DataFrame) -> str:
    """ "400 (fact need_companies: “ca 400”)", "10 (assumption approx_band_pct)"."""
    value = parameters.literal(origin.value)
    if origin.kind == "assumption":
        return f"{value} (assumption {origin.row})"
    fact = get_fact(facts, origin.row)
    stated = format_fact(fact.value, fact.low, fact.high, fact.qualifier, "sv")
    end = {"fact_low": "low end of ", "fact_high": "high end of "}.get(origin.ref.split(":")[0], "")
    return f"{value} ({end}fact {origin.row}: “{stated}”)"
