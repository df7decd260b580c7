-- Our cost per outcome against a configured outcome price (sources/rate_card.yaml, e.g.
-- Fair-Chance-style milestone prices), per programme, cohort and area: what a funder would pay
-- for the outcomes achieved (n_outcomes x price) against what every partner spent on the decided
-- persons in the outcome window. The milestone prices are cumulative for a person (a tenancy
-- sustained 12 months also earned the 3 and 6 month prices): cumulative_price_eur sums them, and
-- the cost over the same window is set against that cumulative price (cost_to_price_ratio), not
-- against the single milestone price. Provisional cohorts (still under observation) get no
-- comparison. Inherits suppression from marts.cost_per_outcome.
with costs as (
    select *
    from marts.cost_per_outcome
),

prices as (
    select * from core.rate_card
),

definitions as (
    select outcome_id, rule_type, months
    from core.outcome_definitions
),

cumulative as (
    -- milestones of the same rule type up to and including this one
    select
        prices.outcome_id,
        sum(earlier.price_eur) as cumulative_price_eur
    from prices
    inner join definitions as this_milestone using (outcome_id)
    inner join prices as earlier on true
    inner join definitions as earlier_milestone on earlier_milestone.outcome_id = earlier.outcome_id
    where earlier_milestone.rule_type = this_milestone.rule_type
        and earlier_milestone.months <= this_milestone.months
    group by prices.outcome_id
),

final as (
    select
        costs.programme,
        costs.programme_role,
        costs.cohort,
        costs.cohort_kind,
        costs.area_level,
        costs.area_code,
        costs.outcome_id,
        costs.outcome_en,
        prices.price_eur,
        cumulative.cumulative_price_eur,
        costs.n_persons,
        costs.n_outcomes,
        costs.total_cost_eur,
        costs.cost_per_outcome_eur,
        case when not costs.suppressed then costs.n_outcomes * cumulative.cumulative_price_eur end
            as payable_eur,
        case when not costs.suppressed and not costs.provisional and costs.n_outcomes > 0
            then round(costs.cost_per_outcome_eur / cumulative.cumulative_price_eur, 2)
        end as cost_to_price_ratio,
        case when not costs.suppressed and not costs.provisional and costs.n_outcomes > 0
            then round(costs.cost_per_outcome_eur - cumulative.cumulative_price_eur, 2)
        end as cost_above_cumulative_price_eur,
        costs.provisional,
        prices.rate_card_name,
        prices.status as rate_card_status,
        prices.source_title as rate_card_source,
        prices.rate_card_date,
        costs.suppressed
    from costs
    inner join prices using (outcome_id)
    inner join cumulative using (outcome_id)
    order by costs.programme, costs.cohort, costs.outcome_id, costs.area_level, costs.area_code
)

select * from final
