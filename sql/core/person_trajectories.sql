-- One row per programme entry: a tenancy of a person (pseudonym) with its target group as the
-- programme, the start quarter as cohort and the pooled cohort it belongs to, its
-- buurt/wijk/gemeente and the dates up to which housing and care data are observed. The base of
-- person-level outcomes; police and survey data are aggregated and never joined here.
-- A person counts once (counts_in_cohort): an entry in the same programme within reentry_months
-- of the previous one is a re-entry, judged with the first; a comparison entry of someone who was
-- in a programme before is the programme's outcome, not a comparison. next_programme_start (the
-- person's next counted programme entry) ends this entry's cost window: windows never overlap.
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

settings as (
    select pooling, reentry_months
    from core.outcome_settings
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

anchor as (
    -- the newest complete quarter of observation (the quarter of observed_until + 1 day - 3
    -- months): trailing pools are counted back from it in blocks of four quarters
    select
        year(max(entries.observed_until) + interval 1 day - interval 3 month) * 4
            + quarter(max(entries.observed_until) + interval 1 day - interval 3 month) - 1
            as anchor_index
    from entries
),

counted as (
    select
        entries.*,
        lag(entries.startdatum) over (
            partition by entries.persoon_pseudoniem, entries.programme
            order by entries.startdatum, entries.partner, entries.contract_id
        ) as previous_start,
        count(*) filter (where entries.programme_role = 'programme') over (
            partition by entries.persoon_pseudoniem
            order by entries.startdatum, entries.partner, entries.contract_id
            rows between unbounded preceding and 1 preceding
        ) as earlier_programme_entries,
        -- the last quarter (year * 4 + quarter - 1) of the trailing block this entry falls in
        anchor.anchor_index - 4 * cast(floor((anchor.anchor_index
            - (year(entries.startdatum) * 4 + quarter(entries.startdatum) - 1)) / 4) as bigint)
            as block_last
    from entries
    cross join anchor
),

flagged as (
    select
        counted.* exclude (previous_start, earlier_programme_entries, block_last),
        (counted.previous_start is null
         or cast(counted.previous_start + to_months(settings.reentry_months) as date)
            <= counted.startdatum)
        and not (counted.programme_role = 'comparison' and counted.earlier_programme_entries > 0)
            as counts_in_cohort,
        case
            when settings.pooling = 'calendar_year' then strftime(counted.startdatum, '%Y')
            else cast((counted.block_last - 3) // 4 as varchar) || '-Q'
                || cast((counted.block_last - 3) % 4 + 1 as varchar) || '..'
                || cast(counted.block_last // 4 as varchar) || '-Q'
                || cast(counted.block_last % 4 + 1 as varchar)
        end as cohort_pool
    from counted
    cross join settings
),

final as (
    select
        flagged.*,
        min(case when flagged.counts_in_cohort and flagged.programme_role = 'programme'
                 then flagged.startdatum end) over (
            partition by flagged.persoon_pseudoniem
            order by flagged.startdatum, flagged.partner, flagged.contract_id
            rows between 1 following and unbounded following
        ) as next_programme_start
    from flagged
)

select * from final
