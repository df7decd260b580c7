-- How the social return of every published programme cohort depends on what is least certain:
-- the deadweight share (0 to 1 in steps of 0.1: the part of the achieved outcomes that would
-- have happened anyway) and the unit cost (low, mid, high of sources/unit_costs.yaml). A return
-- of 1 is break-even. Also for programmes whose deadweight is unknown, where it is the only
-- honest figure. Inherits suppression from marts.social_return (suppressed cohorts are left out).
with social as (
    select *
    from marts.social_return
    where not suppressed
        and n_outcomes is not null
),

grid as (
    select round(unnest(generate_series(0, 10)) / 10, 1) as deadweight_share
),

levels as (
    select * from (values ('low', 1), ('mid', 2), ('high', 3)) as t(unit_cost_level, level_order)
),

final as (
    select
        social.programme,
        social.cohort,
        social.cohort_kind,
        social.outcome_id,
        social.unit_cost_id,
        levels.unit_cost_level,
        grid.deadweight_share,
        case levels.unit_cost_level
            when 'low' then social.unit_cost_low_eur
            when 'mid' then social.unit_cost_mid_eur
            else social.unit_cost_high_eur
        end as unit_cost_eur,
        social.programme_cost_eur,
        round(social.n_outcomes * social.quantity * (1 - grid.deadweight_share) * case levels.unit_cost_level
            when 'low' then social.unit_cost_low_eur
            when 'mid' then social.unit_cost_mid_eur
            else social.unit_cost_high_eur end, 2) as avoided_net_eur,
        round(social.n_outcomes * social.quantity * (1 - grid.deadweight_share) * case levels.unit_cost_level
            when 'low' then social.unit_cost_low_eur
            when 'mid' then social.unit_cost_mid_eur
            else social.unit_cost_high_eur end / nullif(social.programme_cost_eur, 0), 3)
            as return_ratio,
        social.provisional
    from social
    cross join grid
    cross join levels
    order by social.programme, social.cohort, levels.level_order, grid.deadweight_share
)

select * from final
