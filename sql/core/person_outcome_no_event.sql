-- Rule type no_event (no crisis admission, no nuisance as causer): a failure when the person has
-- an event of the configured kind (and subtype, when given) dated in [startdatum + from months,
-- startdatum + to months); otherwise a success. With population in_tenancy_at_from only persons
-- with a tenancy running on startdatum + from months are judged (after a tenancy ends, a nuisance
-- report cannot reach the person through a contract), the others are excluded. Censored while
-- startdatum + decided_after_months lies after the observation date (for crisis events also the
-- newest care delivery).
with definitions as (
    select *
    from core.outcome_definitions
    where rule_type = 'no_event'
),

entries as (
    select *
    from core.person_trajectories
    where counts_in_cohort
),

all_tenancies as (
    select persoon_pseudoniem, startdatum, einddatum
    from core.person_trajectories
),

events as (
    select * from core.person_events
),

windows as (
    select
        entries.trajectory_id,
        entries.persoon_pseudoniem,
        definitions.outcome_id,
        definitions.event,
        definitions.subtypes,
        definitions.population,
        cast(entries.startdatum + to_months(definitions.from_months) as date) as window_from,
        cast(entries.startdatum + to_months(definitions.to_months) as date) as window_to,
        cast(entries.startdatum + to_months(definitions.decided_after_months) as date) as decided_on,
        case
            when definitions.event = 'crisis' then entries.care_observed_until
            else entries.observed_until
        end as observed_until
    from entries
    cross join definitions
),

hits as (
    select
        windows.trajectory_id,
        windows.outcome_id,
        count(*) as n_events
    from windows
    inner join events
        on events.persoon_pseudoniem = windows.persoon_pseudoniem
        and events.event = windows.event
        and (windows.subtypes is null or list_contains(windows.subtypes, events.subtype))
        and events.event_date >= windows.window_from
        and events.event_date < windows.window_to
    group by windows.trajectory_id, windows.outcome_id
),

housed as (
    select distinct
        windows.trajectory_id,
        windows.outcome_id
    from windows
    inner join all_tenancies
        on all_tenancies.persoon_pseudoniem = windows.persoon_pseudoniem
        and all_tenancies.startdatum <= windows.window_from
        and coalesce(all_tenancies.einddatum, date '9999-12-31') >= windows.window_from
),

final as (
    select
        windows.trajectory_id,
        windows.outcome_id,
        windows.decided_on,
        case
            when windows.decided_on > windows.observed_until then 'censored'
            when windows.population = 'in_tenancy_at_from' and housed.trajectory_id is null
                then 'excluded'
            when hits.n_events > 0 then 'failure'
            else 'success'
        end as status,
        to_json(struct_pack(
            window_from := windows.window_from,
            window_to := windows.window_to,
            n_events := coalesce(hits.n_events, 0)
        )) as detail
    from windows
    left join hits using (trajectory_id, outcome_id)
    left join housed using (trajectory_id, outcome_id)
)

select * from final
