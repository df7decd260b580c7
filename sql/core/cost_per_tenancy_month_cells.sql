-- Cost per sustained tenancy-month before disclosure control, in the shape
-- marts.cost_per_tenancy_month publishes: per programme, cohort and area, every partner's costs
-- for the cohort's persons from the month their tenancy started to the newest delivery, divided by
-- the months they were in a tenancy (any day of the month); transfers (bijstand) apart.
-- Internal: assets/outcomes.py publishes
-- it through quality/disclosure.py.
with cells as (
    select *
    from core.outcome_cells
    where outcome_id = 'tenancy_month'
),

final as (
    select
        cells.programme,
        cells.programme_role,
        cells.cohort,
        cells.area_level,
        cells.area_code,
        cells.parent_code,
        cells.n_persons,
        cells.n_outcomes as tenancy_months,
        round(cells.cost_wonen_eur, 2) as cost_wonen_eur,
        round(cells.cost_zorg_eur, 2) as cost_zorg_eur,
        round(cells.cost_welzijn_eur, 2) as cost_welzijn_eur,
        round(cells.total_cost_eur, 2) as total_cost_eur,
        round(cells.cost_transfers_eur, 2) as cost_transfers_eur,
        round(cells.total_cost_eur / nullif(cells.n_outcomes, 0), 2) as cost_per_tenancy_month_eur,
        cells.largest_wonen_eur,
        cells.largest_zorg_eur,
        cells.largest_welzijn_eur,
        cells.largest_total_eur,
        cells.largest_transfers_eur
    from cells
    order by cells.programme, cells.cohort, cells.area_level, cells.area_code
)

select * from final
