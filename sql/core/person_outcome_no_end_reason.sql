-- Rule type no_end_reason (e.g. no eviction within 12 months): a failure when the tenancy ended
-- before startdatum + k months with one of the configured end reasons (huisuitzetting,
-- ontbinding); any other course is a success. Censored while startdatum + decided_after_months
-- lies after the observation date.
with definitions as (
    select *
    from core.outcome_definitions
    where rule_type = 'no_end_reason'
),

entries as (
    select *
    from core.person_trajectories
    where counts_in_cohort
),

judged as (
    select
        entries.trajectory_id,
        definitions.outcome_id,
        cast(entries.startdatum + to_months(definitions.months) as date) as horizon,
        cast(entries.startdatum + to_months(definitions.decided_after_months) as date) as decided_on,
        entries.observed_until,
        entries.einddatum,
        entries.einde_reden,
        definitions.end_reasons
    from entries
    cross join definitions
),

final as (
    select
        judged.trajectory_id,
        judged.outcome_id,
        judged.decided_on,
        case
            when judged.decided_on > judged.observed_until then 'censored'
            when judged.einddatum < judged.horizon
                and list_contains(judged.end_reasons, judged.einde_reden) then 'failure'
            else 'success'
        end as status,
        to_json(struct_pack(
            horizon := judged.horizon,
            einddatum := judged.einddatum,
            einde_reden := judged.einde_reden
        )) as detail
    from judged
)

select * from final
