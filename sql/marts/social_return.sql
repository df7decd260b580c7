-- Social return per programme and cohort (quarters and pools), net of what would have happened
-- anyway, as a social cost-benefit analysis (MKBA) counts it. One counterfactual path per
-- programme (core.outcome_valuations, sources/unit_costs.yaml): the persons decided on its outcome
-- (e.g. housed at 12 months) are valued once at one unit cost (e.g. a shelter year), never a
-- sum of a shelter year, an eviction and an admission for the same person and window.
-- - Deadweight: the counterfactual rate of the outcome comes from the comparison group's
--   published rate in the same cohort (method comparison; Wilson bounds as its range, only when
--   both are complete or both provisional), from a cited source (configured), or is unknown
--   (no net figure: see marts.social_return_sensitivity and the break-even).
--   net_outcomes = n_outcomes - counterfactual rate x n_persons; deadweight_share = the part of
--   n_outcomes that would have happened anyway. Range: low = programme Wilson low minus the
--   highest counterfactual rate (Newcombe's score interval for a comparison group), at the low
--   unit cost; high the other way round.
-- - Costs: every partner's social cost of the decided persons over the outcome window; transfers
--   (bijstand) apart in cost_transfers_eur and not in the cost or the return.
-- - Gross avoided costs (avoided_low/mid/high_eur, every success one unit) are kept beside the
--   net ones for comparison with earlier reports.
-- - break_even_deadweight_share: the deadweight share at which the mid avoided cost equals the
--   programme cost (below 0: no break-even even without deadweight).
-- Programmes only; inherits suppression from marts.cost_per_outcome (city totals).
with published as (
    select *
    from marts.cost_per_outcome
    where area_level = 'totaal'
),

roles as (
    select doelgroep, programme_role
    from core.programmes
),

valuations as (
    select * from core.outcome_valuations
),

unit_costs as (
    select * from core.unit_costs
),

comparison as (
    -- the comparison group's published rate per cohort and outcome, with its Wilson bounds
    select
        published.cohort,
        published.outcome_id,
        published.outcome_rate,
        published.outcome_rate_low,
        published.outcome_rate_high,
        published.provisional,
        published.suppressed
    from published
    inner join roles on roles.doelgroep = published.programme
    where roles.programme_role = 'comparison'
),

cells as (
    select
        published.programme,
        published.cohort,
        published.cohort_kind,
        published.outcome_id,
        valuations.unit_cost_id,
        unit_costs.status as unit_cost_status,
        valuations.deadweight_method,
        valuations.deadweight_status,
        valuations.deadweight_source,
        valuations.quantity,
        unit_costs.low_eur as unit_cost_low_eur,
        unit_costs.mid_eur as unit_cost_mid_eur,
        unit_costs.high_eur as unit_cost_high_eur,
        published.n_persons,
        published.n_outcomes,
        published.n_outcomes / nullif(published.n_persons, 0) as p,
        published.outcome_rate_low as p_low,
        published.outcome_rate_high as p_high,
        published.total_cost_eur as programme_cost_eur,
        published.cost_transfers_eur,
        published.provisional,
        published.suppressed,
        case
            when valuations.deadweight_method = 'configured' then valuations.counterfactual_rate_mid
            when valuations.deadweight_method = 'comparison' and not comparison.suppressed
                and comparison.provisional = published.provisional then comparison.outcome_rate
        end as cf,
        case
            when valuations.deadweight_method = 'configured' then valuations.counterfactual_rate_low
            when valuations.deadweight_method = 'comparison' and not comparison.suppressed
                and comparison.provisional = published.provisional then comparison.outcome_rate_low
        end as cf_low,
        case
            when valuations.deadweight_method = 'configured' then valuations.counterfactual_rate_high
            when valuations.deadweight_method = 'comparison' and not comparison.suppressed
                and comparison.provisional = published.provisional then comparison.outcome_rate_high
        end as cf_high
    from published
    inner join valuations
        on valuations.programme = published.programme
        and valuations.outcome_id = published.outcome_id
    inner join unit_costs using (unit_cost_id)
    left join comparison
        on comparison.cohort = published.cohort
        and comparison.outcome_id = published.outcome_id
    where published.programme_role = 'programme'
),

effects as (
    select
        cells.*,
        cells.p - cells.cf as effect,
        case
            when cells.deadweight_method = 'comparison'
                then cells.p - cells.cf
                     - sqrt((cells.p - cells.p_low) ^ 2 + (cells.cf_high - cells.cf) ^ 2)
            else cells.p_low - cells.cf_high
        end as effect_low,
        case
            when cells.deadweight_method = 'comparison'
                then cells.p - cells.cf
                     + sqrt((cells.p_high - cells.p) ^ 2 + (cells.cf - cells.cf_low) ^ 2)
            else cells.p_high - cells.cf_low
        end as effect_high
    from cells
),

final as (
    select
        effects.programme,
        effects.cohort,
        effects.cohort_kind,
        effects.outcome_id,
        effects.unit_cost_id,
        effects.unit_cost_status,
        effects.deadweight_method,
        effects.deadweight_status,
        effects.deadweight_source,
        effects.n_persons,
        effects.n_outcomes,
        effects.quantity,
        effects.unit_cost_low_eur,
        effects.unit_cost_mid_eur,
        effects.unit_cost_high_eur,
        round(effects.cf, 4) as counterfactual_rate,
        round(effects.cf_low, 4) as counterfactual_rate_low,
        round(effects.cf_high, 4) as counterfactual_rate_high,
        round(effects.cf * effects.n_persons / nullif(effects.n_outcomes, 0), 4) as deadweight_share,
        round(effects.effect * effects.n_persons, 2) as net_outcomes,
        round(effects.effect_low * effects.n_persons, 2) as net_outcomes_low,
        round(effects.effect_high * effects.n_persons, 2) as net_outcomes_high,
        round(effects.n_outcomes * effects.quantity * effects.unit_cost_low_eur, 2) as avoided_low_eur,
        round(effects.n_outcomes * effects.quantity * effects.unit_cost_mid_eur, 2) as avoided_mid_eur,
        round(effects.n_outcomes * effects.quantity * effects.unit_cost_high_eur, 2) as avoided_high_eur,
        round(effects.effect_low * effects.n_persons * effects.quantity * effects.unit_cost_low_eur, 2)
            as avoided_net_low,
        round(effects.effect * effects.n_persons * effects.quantity * effects.unit_cost_mid_eur, 2)
            as avoided_net_mid,
        round(effects.effect_high * effects.n_persons * effects.quantity * effects.unit_cost_high_eur, 2)
            as avoided_net_high,
        round(effects.programme_cost_eur, 2) as programme_cost_eur,
        round(effects.cost_transfers_eur, 2) as cost_transfers_eur,
        round(effects.effect * effects.n_persons * effects.quantity * effects.unit_cost_mid_eur
              - effects.programme_cost_eur, 2) as net_mid_eur,
        round(effects.effect_low * effects.n_persons * effects.quantity * effects.unit_cost_low_eur
              / nullif(effects.programme_cost_eur, 0), 3) as return_low,
        round(effects.effect * effects.n_persons * effects.quantity * effects.unit_cost_mid_eur
              / nullif(effects.programme_cost_eur, 0), 3) as return_mid,
        round(effects.effect_high * effects.n_persons * effects.quantity * effects.unit_cost_high_eur
              / nullif(effects.programme_cost_eur, 0), 3) as return_high,
        round(1 - effects.programme_cost_eur
              / nullif(effects.n_outcomes * effects.quantity * effects.unit_cost_mid_eur, 0), 4)
            as break_even_deadweight_share,
        effects.provisional,
        effects.suppressed
    from effects
    order by effects.programme, effects.cohort
)

select * from final
