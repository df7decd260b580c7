-- Social return per programme and cohort: costs avoided by the outcomes achieved (n_outcomes x
-- quantity x attribution x unit cost, at the low, mid and high unit cost of
-- sources/unit_costs.yaml) against the programme cost (every partner's cost for the persons
-- decided on the configured cost-basis outcome, e.g. tenancy_sustained_12m: months 0-11). One row per valued
-- outcome and a 'totaal' row. Gross (attribution 1.0 unless configured): an upper bound until a
-- comparison group supports a deadweight. Programmes only; inherits suppression from marts.cost_per_outcome.
with costs as (
    select *
    from marts.cost_per_outcome
    where area_level = 'totaal'
        and programme_role = 'programme'
),

valuations as (
    select * from core.outcome_valuations
),

unit_costs as (
    select * from core.unit_costs
),

settings as (
    select * from core.social_return_settings
),

basis as (
    select
        costs.programme,
        costs.cohort,
        costs.n_persons,
        costs.total_cost_eur as programme_cost_eur,
        costs.suppressed
    from costs
    inner join settings on settings.cost_basis_outcome_id = costs.outcome_id
),

components as (
    select
        basis.programme,
        basis.cohort,
        valuations.outcome_id,
        valuations.unit_cost_id,
        unit_costs.status as unit_cost_status,
        basis.n_persons,
        costs.n_outcomes,
        unit_costs.low_eur as unit_cost_low_eur,
        unit_costs.mid_eur as unit_cost_mid_eur,
        unit_costs.high_eur as unit_cost_high_eur,
        costs.n_outcomes * valuations.quantity * valuations.attribution * unit_costs.low_eur
            as avoided_low_eur,
        costs.n_outcomes * valuations.quantity * valuations.attribution * unit_costs.mid_eur
            as avoided_mid_eur,
        costs.n_outcomes * valuations.quantity * valuations.attribution * unit_costs.high_eur
            as avoided_high_eur,
        basis.programme_cost_eur,
        basis.suppressed or costs.suppressed as suppressed
    from basis
    cross join valuations
    inner join unit_costs using (unit_cost_id)
    inner join costs
        on costs.programme = basis.programme
        and costs.cohort = basis.cohort
        and costs.outcome_id = valuations.outcome_id
),

totals as (
    select
        components.programme,
        components.cohort,
        'totaal' as outcome_id,
        null::varchar as unit_cost_id,
        case when bool_and(components.unit_cost_status = 'cited') then 'cited' else 'to_confirm' end
            as unit_cost_status,
        any_value(components.n_persons) as n_persons,
        null::bigint as n_outcomes,
        null::double as unit_cost_low_eur,
        null::double as unit_cost_mid_eur,
        null::double as unit_cost_high_eur,
        sum(components.avoided_low_eur) as avoided_low_eur,
        sum(components.avoided_mid_eur) as avoided_mid_eur,
        sum(components.avoided_high_eur) as avoided_high_eur,
        any_value(components.programme_cost_eur) as programme_cost_eur,
        bool_or(components.suppressed) as suppressed
    from components
    group by components.programme, components.cohort
),

combined as (
    select * from components
    union all
    select * from totals
),

final as (
    select
        combined.programme,
        combined.cohort,
        combined.outcome_id,
        combined.unit_cost_id,
        combined.unit_cost_status,
        case when not combined.suppressed then combined.n_persons end as n_persons,
        case when not combined.suppressed then combined.n_outcomes end as n_outcomes,
        combined.unit_cost_low_eur,
        combined.unit_cost_mid_eur,
        combined.unit_cost_high_eur,
        case when not combined.suppressed then round(combined.avoided_low_eur, 2) end
            as avoided_low_eur,
        case when not combined.suppressed then round(combined.avoided_mid_eur, 2) end
            as avoided_mid_eur,
        case when not combined.suppressed then round(combined.avoided_high_eur, 2) end
            as avoided_high_eur,
        case when not combined.suppressed then round(combined.programme_cost_eur, 2) end
            as programme_cost_eur,
        case when not combined.suppressed
            then round(combined.avoided_mid_eur - combined.programme_cost_eur, 2) end as net_mid_eur,
        case when not combined.suppressed and combined.programme_cost_eur > 0
            then round(combined.avoided_low_eur / combined.programme_cost_eur, 3) end as return_low,
        case when not combined.suppressed and combined.programme_cost_eur > 0
            then round(combined.avoided_mid_eur / combined.programme_cost_eur, 3) end as return_mid,
        case when not combined.suppressed and combined.programme_cost_eur > 0
            then round(combined.avoided_high_eur / combined.programme_cost_eur, 3) end as return_high,
        combined.suppressed
    from combined
    order by combined.programme, combined.cohort, combined.outcome_id = 'totaal', combined.outcome_id
)

select * from final
