-- Every configured outcome for every programme entry: status success / failure / censored /
-- excluded from the rule-type models (and the housing path of tenancy_sustained rules), with each
-- partner's costs for the person over the outcome window, as a social cost-benefit analysis
-- counts them (docs/outcomes.md "Costs"):
-- - the window is the days [startdatum, startdatum + window_months), cut short at the person's
--   next counted programme entry (next_programme_start): cost windows never overlap;
-- - a monthly cost accrues evenly over the days its source (contract, traject, voorziening) ran
--   in that month; the window takes the days it covers. Month 0 is pro-rated from startdatum, the
--   last month up to the horizon, and a source that ended before startdatum (the preceding
--   setting, e.g. beschermd wonen) contributes nothing. A line booked in a month its source did
--   not run (a final bill) is spread over the whole month;
-- - costs after the tenancy ends stay with the entry until the window ends (the programme is
--   accountable for where the person goes: shelter, care), unless a next programme entry starts;
-- - transfers (core.cost_transfers, e.g. bijstand) are summed apart in cost_transfers_eur and
--   are in none of the other cost columns.
-- Person level, never published: the marts aggregate it with disclosure control.
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
    select
        persoon_pseudoniem,
        maand,
        domain,
        is_transfer,
        bedrag_eur,
        -- the days of the month the source ran; the whole month when it did not run then
        case when greatest(maand, coalesce(source_from, maand))
                  <= least(last_day(maand), coalesce(source_until, last_day(maand)))
             then greatest(maand, coalesce(source_from, maand)) else maand end as active_from,
        case when greatest(maand, coalesce(source_from, maand))
                  <= least(last_day(maand), coalesce(source_until, last_day(maand)))
             then least(last_day(maand), coalesce(source_until, last_day(maand)))
             else last_day(maand) end as active_until
    from core.person_costs
),

windows as (
    select
        judged.trajectory_id,
        judged.outcome_id,
        entries.persoon_pseudoniem,
        entries.startdatum as window_from,
        -- the last day inside the window
        cast(least(entries.startdatum + to_months(definitions.window_months),
                   coalesce(entries.next_programme_start, date '9999-12-31')) - interval 1 day
             as date) as window_until
    from judged
    inner join entries using (trajectory_id)
    inner join definitions using (outcome_id)
),

window_lines as (
    select
        windows.trajectory_id,
        windows.outcome_id,
        costs.domain,
        costs.is_transfer,
        costs.bedrag_eur
            * greatest(datediff('day', greatest(costs.active_from, windows.window_from),
                                least(costs.active_until, windows.window_until)) + 1, 0)
            / (datediff('day', costs.active_from, costs.active_until) + 1) as bedrag_in_window
    from windows
    inner join costs
        on costs.persoon_pseudoniem = windows.persoon_pseudoniem
        and costs.maand >= cast(date_trunc('month', windows.window_from) as date)
        and costs.maand <= windows.window_until
),

window_costs as (
    select
        trajectory_id,
        outcome_id,
        sum(bedrag_in_window) filter (where domain = 'wonen' and not is_transfer) as cost_wonen_eur,
        sum(bedrag_in_window) filter (where domain = 'zorg' and not is_transfer) as cost_zorg_eur,
        sum(bedrag_in_window) filter (where domain = 'welzijn' and not is_transfer) as cost_welzijn_eur,
        sum(bedrag_in_window) filter (where is_transfer) as cost_transfers_eur
    from window_lines
    group by trajectory_id, outcome_id
),

final as (
    select
        entries.trajectory_id,
        entries.persoon_pseudoniem,
        entries.programme,
        entries.programme_role,
        entries.cohort,
        entries.cohort_pool,
        entries.startdatum,
        entries.buurtcode,
        entries.wijkcode,
        entries.gemeentecode,
        entries.observed_from_start,
        judged.outcome_id,
        judged.status,
        judged.decided_on,
        judged.detail,
        judged.detail ->> 'housing_path' as housing_path,
        cast(coalesce(window_costs.cost_wonen_eur, 0) as double) as cost_wonen_eur,
        cast(coalesce(window_costs.cost_zorg_eur, 0) as double) as cost_zorg_eur,
        cast(coalesce(window_costs.cost_welzijn_eur, 0) as double) as cost_welzijn_eur,
        cast(coalesce(window_costs.cost_wonen_eur, 0) + coalesce(window_costs.cost_zorg_eur, 0)
            + coalesce(window_costs.cost_welzijn_eur, 0) as double) as cost_total_eur,
        cast(coalesce(window_costs.cost_transfers_eur, 0) as double) as cost_transfers_eur
    from judged
    inner join entries using (trajectory_id)
    left join window_costs using (trajectory_id, outcome_id)
)

select * from final
