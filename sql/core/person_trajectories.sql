-- One row per programme entry: a tenancy of a person (pseudonym) with its target group as the
-- programme, the start quarter as cohort, its buurt/wijk/gemeente and the dates up to which
-- housing and care data are observed. The base of person-level outcomes; police and survey data
-- are aggregated and never joined here.
with tenancies as (
    select * from core.tenancies
),

buurten as (
    select buurtcode, wijkcode, gemeentecode
    from core.dim_buurt
),

programmes as (
    select doelgroep, programme_role
    from core.programmes
),

housing_observation as (
    -- a tenancy is observed up to the last day of its corporation's newest delivery
    select
        contracts.partner,
        last_day(cast(max(contracts.delivery_period) || '-01' as date)) as observed_until
    from staging.wonen__huurcontracten as contracts
    group by contracts.partner
),

care_observation as (
    -- care events are observed up to the last day of the newest care delivery
    select last_day(cast(max(deliveries.delivery_period) || '-01' as date)) as care_observed_until
    from (
        select delivery_period from staging.zorg__trajecten
        union all
        select delivery_period from staging.zorg__zrm_metingen
        union all
        select delivery_period from staging.zorg__crisismomenten
    ) as deliveries
),

cost_observation as (
    -- the first month with cost data: an entry that started earlier is not observed from its
    -- start (no costs, and full-history files may miss tenancies that ended before then)
    select min(costs.maand) as data_from
    from (
        select maand from staging.wonen__woonkosten
        union all
        select maand from staging.zorg__zorgkosten
        union all
        select maand from staging.welzijn__welzijnskosten
    ) as costs
),

entries as (
    select
        tenancies.partner || '/' || tenancies.contract_id as trajectory_id,
        tenancies.partner,
        tenancies.contract_id,
        tenancies.persoon_pseudoniem,
        tenancies.doelgroep as programme,
        coalesce(programmes.programme_role, 'other') as programme_role,
        strftime(tenancies.startdatum, '%Y') || '-Q' || quarter(tenancies.startdatum) as cohort,
        tenancies.startdatum,
        tenancies.einddatum,
        tenancies.einde_reden,
        tenancies.begeleidingsafspraak,
        tenancies.vhe_id,
        tenancies.buurtcode,
        buurten.wijkcode,
        buurten.gemeentecode,
        housing_observation.observed_until,
        least(housing_observation.observed_until,
              coalesce(care_observation.care_observed_until, date '1900-01-01')) as care_observed_until,
        cast(date_trunc('month', tenancies.startdatum) as date)
            >= coalesce(cost_observation.data_from, date '1900-01-01') as observed_from_start,
        row_number() over (
            partition by tenancies.persoon_pseudoniem
            order by tenancies.startdatum, tenancies.partner, tenancies.contract_id
        ) as entry_number
    from tenancies
    left join buurten on buurten.buurtcode = tenancies.buurtcode
    left join programmes on programmes.doelgroep = tenancies.doelgroep
    left join housing_observation on housing_observation.partner = tenancies.partner
    cross join care_observation
    cross join cost_observation
),

final as (
    select
        entries.*,
        -- a person counts once per programme and cohort: a second tenancy in the same quarter
        -- and programme is a move within the programme, already judged on the first one
        row_number() over (
            partition by entries.persoon_pseudoniem, entries.programme, entries.cohort
            order by entries.startdatum, entries.partner, entries.contract_id
        ) = 1 as counts_in_cohort
    from entries
)

select * from final
