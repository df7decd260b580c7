-- Cost per outcome before disclosure control, in the shape marts.cost_per_outcome publishes:
-- per programme (tenancy target group; regulier as comparison), cohort (start quarter), area
-- (totaal, gemeente, wijk, buurt of the home) and outcome, every partner's costs for the decided
-- persons within the outcome window divided by the outcomes achieved. Censored persons (window
-- not yet over) and excluded persons (rule not applicable) are counted apart and carry no cost.
-- Internal: assets/outcomes.py publishes it through quality/disclosure.py.
with cells as (
    select *
    from core.outcome_cells
    where outcome_id <> 'tenancy_month'
),

definitions as (
    select outcome_id, sort_order, name_nl, name_en, window_months
    from core.outcome_definitions
),

final as (
    select
        cells.programme,
        cells.programme_role,
        cells.cohort,
        cells.area_level,
        cells.area_code,
        cells.parent_code,
        cells.outcome_id,
        definitions.name_nl as outcome_nl,
        definitions.name_en as outcome_en,
        definitions.window_months,
        cells.n_cohort,
        cells.n_persons,
        cells.n_outcomes,
        cells.n_censored,
        cells.n_excluded,
        round(cells.n_outcomes / nullif(cells.n_persons, 0), 4) as outcome_rate,
        round(cells.cost_wonen_eur, 2) as cost_wonen_eur,
        round(cells.cost_zorg_eur, 2) as cost_zorg_eur,
        round(cells.cost_welzijn_eur, 2) as cost_welzijn_eur,
        round(cells.total_cost_eur, 2) as total_cost_eur,
        round(cells.total_cost_eur / nullif(cells.n_outcomes, 0), 2) as cost_per_outcome_eur
    from cells
    inner join definitions using (outcome_id)
    order by cells.programme, cells.cohort, definitions.sort_order, cells.area_level, cells.area_code
)

select * from final
