-- Outcome counts and costs per programme, cohort, outcome and area (totaal > gemeente > wijk >
-- buurt of the home; GM-/WK-/BU-onbekend when the home's buurt is unknown), before disclosure
-- control. Cohorts: every start quarter (cohort_kind 'quarter', cohort_parent = its pool) and
-- every pool of quarters (cohort_kind 'pool', core.person_trajectories.cohort_pool). Only
-- programme and comparison entries observed from their start. n_cohort: entries in the cell;
-- n_persons: decided (success or failure); costs only of the decided, transfers apart; the
-- housing paths (tenancy_sustained rules) of the decided and excluded. outcome_id
-- 'tenancy_month': n_outcomes = months in tenancy from the entry's start month to the newest
-- delivery, costs over those months (quarters only). Internal: published only through
-- quality/disclosure.py.
with outcomes as (
    select *
    from core.person_outcomes
    where observed_from_start
        and programme_role in ('programme', 'comparison')
),

entries as (
    select *
    from core.person_trajectories
    where counts_in_cohort
        and observed_from_start
        and programme_role in ('programme', 'comparison')
),

months as (
    select * from core.person_months
),

tenancy_months as (
    select
        entries.trajectory_id,
        entries.programme,
        entries.programme_role,
        entries.cohort,
        entries.gemeentecode,
        entries.wijkcode,
        entries.buurtcode,
        'tenancy_month' as outcome_id,
        'success' as status,
        count(*) filter (where months.in_tenancy) as n_outcomes,
        coalesce(sum(months.cost_wonen_eur), 0) as cost_wonen_eur,
        coalesce(sum(months.cost_zorg_eur), 0) as cost_zorg_eur,
        coalesce(sum(months.cost_welzijn_eur), 0) as cost_welzijn_eur,
        coalesce(sum(months.cost_total_eur), 0) as cost_total_eur,
        coalesce(sum(months.cost_transfers_eur), 0) as cost_transfers_eur,
        null::varchar as housing_path,
        entries.cohort_pool
    from entries
    left join months
        on months.persoon_pseudoniem = entries.persoon_pseudoniem
        and months.maand >= cast(date_trunc('month', entries.startdatum) as date)
    group by all
),

judged as (
    select
        outcomes.trajectory_id,
        outcomes.programme,
        outcomes.programme_role,
        outcomes.cohort,
        outcomes.gemeentecode,
        outcomes.wijkcode,
        outcomes.buurtcode,
        outcomes.outcome_id,
        outcomes.status,
        case when outcomes.status = 'success' then 1 else 0 end as n_outcomes,
        outcomes.cost_wonen_eur,
        outcomes.cost_zorg_eur,
        outcomes.cost_welzijn_eur,
        outcomes.cost_total_eur,
        outcomes.cost_transfers_eur,
        outcomes.housing_path,
        outcomes.cohort_pool
    from outcomes
    union all
    select * from tenancy_months
),

cohorts as (
    -- every entry counts in its quarter and in its pool (tenancy months: quarters only)
    select
        judged.* exclude (cohort, cohort_pool),
        unnest(case
            when judged.outcome_id = 'tenancy_month' then [
                struct_pack(cohort := judged.cohort, cohort_kind := 'quarter',
                            cohort_parent := null::varchar)]
            else [
                struct_pack(cohort := judged.cohort, cohort_kind := 'quarter',
                            cohort_parent := judged.cohort_pool),
                struct_pack(cohort := judged.cohort_pool, cohort_kind := 'pool',
                            cohort_parent := null::varchar)]
        end, recursive := true)
    from judged
),

areas as (
    -- every entry counts at each level of its home's area hierarchy
    select
        judged.*,
        unnest([
            struct_pack(area_level := 'totaal', area_code := 'totaal',
                        parent_code := null::varchar),
            struct_pack(area_level := 'gemeente',
                        area_code := coalesce(judged.gemeentecode, 'GM-onbekend'),
                        parent_code := 'totaal'),
            struct_pack(area_level := 'wijk', area_code := coalesce(judged.wijkcode, 'WK-onbekend'),
                        parent_code := coalesce(judged.gemeentecode, 'GM-onbekend')),
            struct_pack(area_level := 'buurt', area_code := coalesce(judged.buurtcode, 'BU-onbekend'),
                        parent_code := coalesce(judged.wijkcode, 'WK-onbekend'))
        ], recursive := true)
    from cohorts as judged
),

final as (
    select
        areas.programme,
        areas.programme_role,
        areas.cohort,
        areas.cohort_kind,
        areas.cohort_parent,
        areas.outcome_id,
        areas.area_level,
        areas.area_code,
        areas.parent_code,
        count(*) as n_cohort,
        count(*) filter (where areas.status in ('success', 'failure')) as n_persons,
        cast(coalesce(sum(areas.n_outcomes)
                      filter (where areas.status in ('success', 'failure')), 0) as bigint)
            as n_outcomes,
        count(*) filter (where areas.status = 'censored') as n_censored,
        count(*) filter (where areas.status = 'excluded') as n_excluded,
        coalesce(sum(areas.cost_wonen_eur) filter (where areas.status in ('success', 'failure')), 0)
            as cost_wonen_eur,
        coalesce(sum(areas.cost_zorg_eur) filter (where areas.status in ('success', 'failure')), 0)
            as cost_zorg_eur,
        coalesce(sum(areas.cost_welzijn_eur) filter (where areas.status in ('success', 'failure')), 0)
            as cost_welzijn_eur,
        coalesce(sum(areas.cost_total_eur) filter (where areas.status in ('success', 'failure')), 0)
            as total_cost_eur,
        coalesce(sum(areas.cost_transfers_eur) filter (where areas.status in ('success', 'failure')), 0)
            as cost_transfers_eur,
        -- one entry's largest amount per part: the grain a published cost is rounded to, so two
        -- releases around a correction of one person's costs leave them open (quality/magnitudes.py)
        coalesce(max(abs(areas.cost_wonen_eur)) filter (where areas.status in ('success', 'failure')), 0)
            as largest_wonen_eur,
        coalesce(max(abs(areas.cost_zorg_eur)) filter (where areas.status in ('success', 'failure')), 0)
            as largest_zorg_eur,
        coalesce(max(abs(areas.cost_welzijn_eur)) filter (where areas.status in ('success', 'failure')), 0)
            as largest_welzijn_eur,
        coalesce(max(abs(areas.cost_total_eur)) filter (where areas.status in ('success', 'failure')), 0)
            as largest_total_eur,
        coalesce(max(abs(areas.cost_transfers_eur)) filter (where areas.status in ('success', 'failure')), 0)
            as largest_transfers_eur,
        -- housing paths: NULL for rules without one (a sum of NULLs)
        sum(case when areas.housing_path is null then null
                 when areas.status <> 'censored' and areas.housing_path = 'same_home' then 1 else 0 end)
            as n_same_home,
        sum(case when areas.housing_path is null then null
                 when areas.status <> 'censored' and areas.housing_path = 'moved_on' then 1 else 0 end)
            as n_moved_on,
        sum(case when areas.housing_path is null then null
                 when areas.status <> 'censored' and areas.housing_path = 'lost_housing' then 1 else 0 end)
            as n_lost_housing,
        sum(case when areas.housing_path is null then null
                 when areas.status <> 'censored' and areas.housing_path = 'died' then 1 else 0 end)
            as n_died
    from areas
    group by all
)

select * from final
