-- Every configured outcome for every programme entry: status success / failure / censored /
-- excluded from the rule-type models, with each partner's costs for the person in the outcome
-- window (cost months 0 .. window_months - 1, month 0 = the month of startdatum). Person level,
-- never published: the marts aggregate it with disclosure control.
with entries as (
    select *
    from core.person_trajectories
    where counts_in_cohort
),

definitions as (
    select outcome_id, window_months
    from core.outcome_definitions
),

judged as (
    select * from core.person_outcome_tenancy_sustained
    union all
    select * from core.person_outcome_no_end_reason
    union all
    select * from core.person_outcome_zrm_improvement
    union all
    select * from core.person_outcome_no_event
),

costs as (
    select persoon_pseudoniem, maand, domain, bedrag_eur
    from core.person_costs
),

windows as (
    select
        judged.trajectory_id,
        judged.outcome_id,
        entries.persoon_pseudoniem,
        cast(date_trunc('month', entries.startdatum) as date) as cost_from,
        cast(date_trunc('month', entries.startdatum) + to_months(definitions.window_months) as date)
            as cost_until
    from judged
    inner join entries using (trajectory_id)
    inner join definitions using (outcome_id)
),

window_costs as (
    select
        windows.trajectory_id,
        windows.outcome_id,
        sum(costs.bedrag_eur) filter (where costs.domain = 'wonen') as cost_wonen_eur,
        sum(costs.bedrag_eur) filter (where costs.domain = 'zorg') as cost_zorg_eur,
        sum(costs.bedrag_eur) filter (where costs.domain = 'welzijn') as cost_welzijn_eur
    from windows
    inner join costs
        on costs.persoon_pseudoniem = windows.persoon_pseudoniem
        and costs.maand >= windows.cost_from
        and costs.maand < windows.cost_until
    group by windows.trajectory_id, windows.outcome_id
),

final as (
    select
        entries.trajectory_id,
        entries.persoon_pseudoniem,
        entries.programme,
        entries.programme_role,
        entries.cohort,
        entries.startdatum,
        entries.buurtcode,
        entries.wijkcode,
        entries.gemeentecode,
        entries.observed_from_start,
        judged.outcome_id,
        judged.status,
        judged.decided_on,
        judged.detail,
        coalesce(window_costs.cost_wonen_eur, 0) as cost_wonen_eur,
        coalesce(window_costs.cost_zorg_eur, 0) as cost_zorg_eur,
        coalesce(window_costs.cost_welzijn_eur, 0) as cost_welzijn_eur,
        coalesce(window_costs.cost_wonen_eur, 0) + coalesce(window_costs.cost_zorg_eur, 0)
            + coalesce(window_costs.cost_welzijn_eur, 0) as cost_total_eur
    from judged
    inner join entries using (trajectory_id)
    left join window_costs using (trajectory_id, outcome_id)
)

select * from final
