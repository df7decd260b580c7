-- Rule type zrm_improvement: compare the intake ZRM (first measurement within ± intake tolerance
-- of startdatum) with the measurement nearest startdatum + followup months (within ± followup
-- tolerance, after the intake), domain by domain: success when at least min_domains_up domains
-- went up and at most max_domains_down went down. ZRM is ordinal: never summed. Excluded without
-- an intake or a follow-up; censored while startdatum + decided_after_months lies after the
-- newest housing or care delivery.
with definitions as (
    select *
    from core.outcome_definitions
    where rule_type = 'zrm_improvement'
),

entries as (
    select *
    from core.person_trajectories
    where counts_in_cohort
),

scores as (
    select * from core.person_zrm_scores
),

measurements as (
    select distinct persoon_pseudoniem, meetdatum
    from scores
),

windows as (
    select
        entries.trajectory_id,
        entries.persoon_pseudoniem,
        entries.startdatum,
        entries.care_observed_until,
        definitions.outcome_id,
        definitions.min_domains_up,
        definitions.max_domains_down,
        cast(entries.startdatum - to_months(definitions.intake_tolerance_months) as date) as intake_from,
        cast(entries.startdatum + to_months(definitions.intake_tolerance_months) as date) as intake_to,
        cast(entries.startdatum + to_months(definitions.followup_months) as date) as followup_target,
        cast(entries.startdatum + to_months(definitions.followup_months)
             - to_months(definitions.followup_tolerance_months) as date) as followup_from,
        cast(entries.startdatum + to_months(definitions.followup_months)
             + to_months(definitions.followup_tolerance_months) as date) as followup_to,
        cast(entries.startdatum + to_months(definitions.decided_after_months) as date) as decided_on
    from entries
    cross join definitions
),

intakes as (
    select
        windows.trajectory_id,
        windows.outcome_id,
        min(measurements.meetdatum) as intake_date
    from windows
    inner join measurements
        on measurements.persoon_pseudoniem = windows.persoon_pseudoniem
        and measurements.meetdatum between windows.intake_from and windows.intake_to
    group by windows.trajectory_id, windows.outcome_id
),

followups as (
    select
        windows.trajectory_id,
        windows.outcome_id,
        arg_min(measurements.meetdatum,
                (abs(datediff('day', measurements.meetdatum, windows.followup_target)),
                 measurements.meetdatum)) as followup_date
    from windows
    inner join intakes using (trajectory_id, outcome_id)
    inner join measurements
        on measurements.persoon_pseudoniem = windows.persoon_pseudoniem
        and measurements.meetdatum between windows.followup_from and windows.followup_to
        and measurements.meetdatum > intakes.intake_date
    group by windows.trajectory_id, windows.outcome_id
),

movement as (
    select
        windows.trajectory_id,
        windows.outcome_id,
        count(*) filter (where followup_scores.score > intake_scores.score) as domains_up,
        count(*) filter (where followup_scores.score = intake_scores.score) as domains_same,
        count(*) filter (where followup_scores.score < intake_scores.score) as domains_down
    from windows
    inner join intakes using (trajectory_id, outcome_id)
    inner join followups using (trajectory_id, outcome_id)
    inner join scores as intake_scores
        on intake_scores.persoon_pseudoniem = windows.persoon_pseudoniem
        and intake_scores.meetdatum = intakes.intake_date
    inner join scores as followup_scores
        on followup_scores.persoon_pseudoniem = windows.persoon_pseudoniem
        and followup_scores.meetdatum = followups.followup_date
        and followup_scores.domain = intake_scores.domain
    group by windows.trajectory_id, windows.outcome_id
),

final as (
    select
        windows.trajectory_id,
        windows.outcome_id,
        windows.decided_on,
        case
            when windows.decided_on > windows.care_observed_until then 'censored'
            when intakes.intake_date is null or followups.followup_date is null then 'excluded'
            when coalesce(movement.domains_up, 0) >= windows.min_domains_up
                and coalesce(movement.domains_down, 0) <= windows.max_domains_down then 'success'
            else 'failure'
        end as status,
        to_json(struct_pack(
            intake_date := intakes.intake_date,
            followup_date := followups.followup_date,
            domains_up := movement.domains_up,
            domains_same := movement.domains_same,
            domains_down := movement.domains_down
        )) as detail
    from windows
    left join intakes using (trajectory_id, outcome_id)
    left join followups using (trajectory_id, outcome_id)
    left join movement using (trajectory_id, outcome_id)
)

select * from final
