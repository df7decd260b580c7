-- Rule type tenancy_sustained (parameters from core.outcome_definitions, i.e. sources/outcomes.yaml):
-- the entry's housing path on the horizon startdatum + k months:
--   same_home     the tenancy still runs on the horizon (an end on exactly that day counts)
--   died          it ended before the horizon by overlijden
--   lost_housing  it ended by ontbinding or huisuitzetting, or ended without a known next home
--   moved_on      it ended otherwise, and a later tenancy of the same pseudonym (any partner,
--                 any doelgroep) or a housing-with-care traject (core.outcome_settings) starts
--                 within moved_on_within_days of the end, no later than the horizon, and still
--                 runs on the horizon
-- success_paths are a success, excluded_paths are excluded, every other path is a failure.
-- Censored while startdatum + decided_after_months lies after the observation date.
with definitions as (
    select *
    from core.outcome_definitions
    where rule_type = 'tenancy_sustained'
),

settings as (
    select moved_on_within_days, housing_with_care
    from core.outcome_settings
),

entries as (
    select *
    from core.person_trajectories
    where counts_in_cohort
),

later_homes as (
    -- every tenancy, and every traject of a housing-with-care zorgvorm, as a place to live
    select trajectory_id as home_id, persoon_pseudoniem, startdatum, einddatum
    from core.person_trajectories
    union all
    select trajecten.partner || '/' || trajecten.traject_id, trajecten.persoon_pseudoniem,
        trajecten.startdatum, trajecten.einddatum
    from staging.zorg__trajecten as trajecten
    cross join settings
    where list_contains(settings.housing_with_care, trajecten.zorgvorm)
),

judged as (
    select
        entries.trajectory_id,
        entries.persoon_pseudoniem,
        entries.startdatum,
        definitions.outcome_id,
        cast(entries.startdatum + to_months(definitions.months) as date) as horizon,
        cast(entries.startdatum + to_months(definitions.decided_after_months) as date) as decided_on,
        entries.observed_until,
        entries.einddatum,
        entries.einde_reden,
        definitions.success_paths,
        definitions.excluded_paths
    from entries
    cross join definitions
),

moved_on as (
    select distinct
        judged.trajectory_id,
        judged.outcome_id
    from judged
    cross join settings
    inner join later_homes
        on later_homes.persoon_pseudoniem = judged.persoon_pseudoniem
        and later_homes.home_id <> judged.trajectory_id
        and later_homes.startdatum > judged.startdatum
        and later_homes.startdatum <= judged.einddatum + to_days(settings.moved_on_within_days)
        and later_homes.startdatum <= judged.horizon
        and coalesce(later_homes.einddatum, date '9999-12-31') >= judged.horizon
    where judged.einddatum < judged.horizon
),

paths as (
    select
        judged.*,
        case
            when judged.einddatum is null or judged.einddatum >= judged.horizon then 'same_home'
            when judged.einde_reden = 'overlijden' then 'died'
            when judged.einde_reden in ('ontbinding', 'huisuitzetting') then 'lost_housing'
            when moved_on.trajectory_id is not null then 'moved_on'
            else 'lost_housing'
        end as housing_path
    from judged
    left join moved_on using (trajectory_id, outcome_id)
),

final as (
    select
        paths.trajectory_id,
        paths.outcome_id,
        paths.decided_on,
        case
            when paths.decided_on > paths.observed_until then 'censored'
            when list_contains(paths.success_paths, paths.housing_path) then 'success'
            when list_contains(paths.excluded_paths, paths.housing_path) then 'excluded'
            else 'failure'
        end as status,
        to_json(struct_pack(
            horizon := paths.horizon,
            einddatum := paths.einddatum,
            einde_reden := paths.einde_reden,
            housing_path := paths.housing_path
        )) as detail
    from paths
)

select * from final
