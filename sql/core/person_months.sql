-- One row per person per month, from the month of the person's first tenancy (or the first month
-- with cost data, when that is later) to the month of the newest housing delivery: in tenancy?,
-- care trajectories and welfare provisions active, ZRM measured, crisis events, nuisance as
-- causer, and every partner's costs by domain (transfers such as bijstand apart in
-- cost_transfers_eur, in no other cost column). Persons enter through a tenancy; their care and
-- welfare records follow them by pseudonym.
with trajectories as (
    select * from core.person_trajectories
),

costs as (
    select * from core.person_costs
),

events as (
    select * from core.person_events
),

zrm as (
    select distinct persoon_pseudoniem, meetdatum
    from core.person_zrm_scores
),

trajecten as (
    select persoon_pseudoniem, startdatum, einddatum
    from staging.zorg__trajecten
),

voorzieningen as (
    select persoon_pseudoniem, startdatum, einddatum
    from staging.welzijn__voorzieningen
),

data_start as (
    select min(costs.maand) as data_from
    from costs
),

persons as (
    select
        trajectories.persoon_pseudoniem,
        greatest(cast(date_trunc('month', min(trajectories.startdatum)) as date),
                 coalesce(max(data_start.data_from), date '1900-01-01')) as first_month,
        cast(date_trunc('month', max(trajectories.observed_until)) as date) as last_month
    from trajectories
    cross join data_start
    group by trajectories.persoon_pseudoniem
),

months as (
    select
        persons.persoon_pseudoniem,
        cast(unnest(generate_series(persons.first_month, persons.last_month, interval 1 month))
             as date) as maand
    from persons
    where persons.first_month <= persons.last_month
),

tenancy_months as (
    select
        months.persoon_pseudoniem,
        months.maand,
        count(*) as tenancies_running,
        arg_max(trajectories.programme, trajectories.startdatum) as doelgroep
    from months
    inner join trajectories
        on trajectories.persoon_pseudoniem = months.persoon_pseudoniem
        and trajectories.startdatum <= last_day(months.maand)
        and coalesce(trajectories.einddatum, date '9999-12-31') >= months.maand
    group by months.persoon_pseudoniem, months.maand
),

care_months as (
    select months.persoon_pseudoniem, months.maand, count(*) as care_trajectories_active
    from months
    inner join trajecten
        on trajecten.persoon_pseudoniem = months.persoon_pseudoniem
        and trajecten.startdatum <= last_day(months.maand)
        and coalesce(trajecten.einddatum, date '9999-12-31') >= months.maand
    group by months.persoon_pseudoniem, months.maand
),

provision_months as (
    select months.persoon_pseudoniem, months.maand, count(*) as provisions_active
    from months
    inner join voorzieningen
        on voorzieningen.persoon_pseudoniem = months.persoon_pseudoniem
        and voorzieningen.startdatum <= last_day(months.maand)
        and coalesce(voorzieningen.einddatum, date '9999-12-31') >= months.maand
    group by months.persoon_pseudoniem, months.maand
),

zrm_months as (
    select zrm.persoon_pseudoniem, cast(date_trunc('month', zrm.meetdatum) as date) as maand,
        count(*) as zrm_measurements
    from zrm
    group by all
),

event_months as (
    select
        events.persoon_pseudoniem,
        cast(date_trunc('month', events.event_date) as date) as maand,
        count(*) filter (where events.event = 'crisis') as crisis_events,
        count(*) filter (where events.event = 'crisis' and events.subtype = 'crisisopname')
            as crisis_admissions,
        count(*) filter (where events.event = 'nuisance_causer') as nuisance_as_causer
    from events
    group by all
),

cost_months as (
    select
        costs.persoon_pseudoniem,
        costs.maand,
        sum(costs.bedrag_eur) filter (where costs.domain = 'wonen' and not costs.is_transfer)
            as cost_wonen_eur,
        sum(costs.bedrag_eur) filter (where costs.domain = 'zorg' and not costs.is_transfer)
            as cost_zorg_eur,
        sum(costs.bedrag_eur) filter (where costs.domain = 'welzijn' and not costs.is_transfer)
            as cost_welzijn_eur,
        sum(costs.bedrag_eur) filter (where costs.is_transfer) as cost_transfers_eur
    from costs
    group by costs.persoon_pseudoniem, costs.maand
),

final as (
    select
        months.persoon_pseudoniem,
        months.maand,
        tenancy_months.persoon_pseudoniem is not null as in_tenancy,
        tenancy_months.doelgroep,
        coalesce(care_months.care_trajectories_active, 0) as care_trajectories_active,
        coalesce(provision_months.provisions_active, 0) as provisions_active,
        zrm_months.persoon_pseudoniem is not null as zrm_measured,
        coalesce(event_months.crisis_events, 0) as crisis_events,
        coalesce(event_months.crisis_admissions, 0) as crisis_admissions,
        coalesce(event_months.nuisance_as_causer, 0) as nuisance_as_causer,
        coalesce(cost_months.cost_wonen_eur, 0) as cost_wonen_eur,
        coalesce(cost_months.cost_zorg_eur, 0) as cost_zorg_eur,
        coalesce(cost_months.cost_welzijn_eur, 0) as cost_welzijn_eur,
        coalesce(cost_months.cost_wonen_eur, 0) + coalesce(cost_months.cost_zorg_eur, 0)
            + coalesce(cost_months.cost_welzijn_eur, 0) as cost_total_eur,
        coalesce(cost_months.cost_transfers_eur, 0) as cost_transfers_eur
    from months
    left join tenancy_months using (persoon_pseudoniem, maand)
    left join care_months using (persoon_pseudoniem, maand)
    left join provision_months using (persoon_pseudoniem, maand)
    left join zrm_months using (persoon_pseudoniem, maand)
    left join event_months using (persoon_pseudoniem, maand)
    left join cost_months using (persoon_pseudoniem, maand)
)

select * from final
