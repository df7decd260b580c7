-- Rule type tenancy_sustained (parameters from core.outcome_definitions, i.e. sources/outcomes.yaml):
-- sustained at k months when the tenancy still runs on startdatum + k months (an end on exactly
-- that day counts as running), or it ended before then with a success reason (verhuizing).
-- Excluded end reasons take the entry out; every other early end is a failure. Censored while
-- startdatum + decided_after_months lies after the observation date.
with definitions as (
    select *
    from core.outcome_definitions
    where rule_type = 'tenancy_sustained'
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
        definitions.success_end_reasons,
        definitions.excluded_end_reasons
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
            when judged.einddatum is null or judged.einddatum >= judged.horizon then 'success'
            when list_contains(judged.success_end_reasons, judged.einde_reden) then 'success'
            when list_contains(judged.excluded_end_reasons, judged.einde_reden) then 'excluded'
            else 'failure'
        end as status,
        to_json(struct_pack(
            horizon := judged.horizon,
            einddatum := judged.einddatum,
            einde_reden := judged.einde_reden
        )) as detail
    from judged
)

select * from final
