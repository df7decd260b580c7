-- Cost per outcome before disclosure control, in the shape marts.cost_per_outcome publishes:
-- per programme (tenancy target group; regulier as comparison), cohort (start quarter, and the
-- pool of quarters it belongs to: cohort_kind 'pool'), area (totaal, gemeente, wijk, buurt of the
-- home) and outcome, every partner's social costs for the decided persons within the outcome
-- window divided by the outcomes achieved; transfers (bijstand) apart in cost_transfers_eur and
-- not in the cost per outcome. Censored persons (window not yet over) and excluded persons (rule
-- not applicable, or died) are counted apart and carry no cost.
-- Every rate has its 95% Wilson score interval (outcome_rate_low/high, z from
-- core.outcome_settings); excluded_share and outcome_rate_excluded_as_failure show what the
-- exclusions do to the rate; the cost per outcome has a bootstrap interval over persons
-- (core.cost_per_outcome_intervals, city totals only). A cell with any censored entry is
-- provisional: never set beside a complete one. benchmark_rate: a published reference rate.
-- Internal: assets/outcomes.py publishes it through quality/disclosure.py.
with cells as (
    select *
    from core.outcome_cells
    where outcome_id <> 'tenancy_month'
),

definitions as (
    select outcome_id, sort_order, name_nl, name_en, window_months, benchmark_rate,
        benchmark_source
    from core.outcome_definitions
),

settings as (
    select z_value
    from core.outcome_settings
),

intervals as (
    select programme, cohort, outcome_id, cost_per_outcome_low_eur, cost_per_outcome_high_eur
    from core.cost_per_outcome_intervals
),

rates as (
    select
        cells.*,
        cells.n_outcomes / nullif(cells.n_persons, 0) as p,
        cast(cells.n_persons as double) as n,
        settings.z_value as z
    from cells
    cross join settings
),

final as (
    select
        rates.programme,
        rates.programme_role,
        rates.cohort,
        rates.cohort_kind,
        rates.cohort_parent,
        rates.area_level,
        rates.area_code,
        rates.parent_code,
        rates.outcome_id,
        definitions.name_nl as outcome_nl,
        definitions.name_en as outcome_en,
        definitions.window_months,
        rates.n_cohort,
        rates.n_persons,
        rates.n_outcomes,
        rates.n_censored,
        rates.n_excluded,
        rates.n_same_home,
        rates.n_moved_on,
        rates.n_lost_housing,
        rates.n_died,
        rates.n_censored > 0 as provisional,
        round(rates.p, 4) as outcome_rate,
        -- Wilson score interval: (p + z²/2n ± z·sqrt(p(1-p)/n + z²/4n²)) / (1 + z²/n)
        case when rates.n > 0 then round(greatest((rates.p + rates.z ^ 2 / (2 * rates.n)
               - rates.z * sqrt(rates.p * (1 - rates.p) / rates.n + rates.z ^ 2 / (4 * rates.n ^ 2)))
              / (1 + rates.z ^ 2 / rates.n), 0), 4) end as outcome_rate_low,
        case when rates.n > 0 then round(least((rates.p + rates.z ^ 2 / (2 * rates.n)
               + rates.z * sqrt(rates.p * (1 - rates.p) / rates.n + rates.z ^ 2 / (4 * rates.n ^ 2)))
              / (1 + rates.z ^ 2 / rates.n), 1), 4) end as outcome_rate_high,
        round(rates.n_excluded / nullif(rates.n_persons + rates.n_excluded, 0), 4) as excluded_share,
        round(rates.n_outcomes / nullif(rates.n_persons + rates.n_excluded, 0), 4)
            as outcome_rate_excluded_as_failure,
        definitions.benchmark_rate,
        definitions.benchmark_source,
        round(rates.cost_wonen_eur, 2) as cost_wonen_eur,
        round(rates.cost_zorg_eur, 2) as cost_zorg_eur,
        round(rates.cost_welzijn_eur, 2) as cost_welzijn_eur,
        round(rates.total_cost_eur, 2) as total_cost_eur,
        round(rates.cost_transfers_eur, 2) as cost_transfers_eur,
        round(rates.total_cost_eur / nullif(rates.n_outcomes, 0), 2) as cost_per_outcome_eur,
        round(intervals.cost_per_outcome_low_eur, 2) as cost_per_outcome_low_eur,
        round(intervals.cost_per_outcome_high_eur, 2) as cost_per_outcome_high_eur,
        rates.largest_wonen_eur,
        rates.largest_zorg_eur,
        rates.largest_welzijn_eur,
        rates.largest_total_eur,
        rates.largest_transfers_eur
    from rates
    inner join definitions using (outcome_id)
    left join intervals
        on rates.area_level = 'totaal'
        and intervals.programme = rates.programme
        and intervals.cohort = rates.cohort
        and intervals.outcome_id = rates.outcome_id
    order by rates.programme, rates.cohort, definitions.sort_order, rates.area_level, rates.area_code
)

select * from final
