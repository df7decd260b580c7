-- One row per tenancy and period (month, quarter, year) in which it runs, with what happened to
-- the tenancy and its tenant in that period: arrears, the end of the tenancy, care, crisis and
-- ZRM movement. Persons reach a buurt only through their tenancy (the home's buurt, via the
-- pseudonym for care data), never through a complex.
-- A row depends on its own period of the calendar alone, and a month of rent arrears (whose
-- contract keeps maand in the delivery month) touches only the periods holding it: a corrected
-- month rebuilds those periods.
-- periods touched by a month of: staging.wonen__huurachterstand
with periods as (
    select period_type, period, period_start, period_end from core.calendar_periods
),

tenancies as (
    select partner, contract_id, persoon_pseudoniem, buurtcode, startdatum, einddatum, einde_reden
    from core.tenancies
    where buurtcode is not null and startdatum is not null
),

running as (
    select
        tenancies.*,
        periods.period_type,
        periods.period,
        periods.period_start,
        periods.period_end,
        greatest(tenancies.startdatum, periods.period_start) as overlap_start,
        least(coalesce(tenancies.einddatum, periods.period_end), periods.period_end) as overlap_end
    from tenancies
    inner join periods
        on tenancies.startdatum <= periods.period_end
        and (tenancies.einddatum is null or tenancies.einddatum >= periods.period_start)
),

arrears as (
    select
        running.partner, running.contract_id, running.period_type, running.period,
        max(achterstand.achterstand_eur) as arrears_eur,
        max(achterstand.maanden_achterstand) as arrears_months
    from running
    inner join staging.wonen__huurachterstand as achterstand
        on achterstand.partner = running.partner
        and achterstand.contract_id = running.contract_id
        and achterstand.maand between running.period_start and running.period_end
    where achterstand.achterstand_eur > 0
    group by all
),

care as (
    select running.partner, running.contract_id, running.period_type, running.period,
        count(*) filter (where trajecten.startdatum <= running.overlap_end
                         and (trajecten.einddatum is null
                              or trajecten.einddatum >= running.overlap_start)) as trajectories_running,
        count(*) filter (where trajecten.einddatum between running.overlap_start
                         and running.overlap_end) as trajectories_ended,
        count(*) filter (where trajecten.einddatum between running.overlap_start
                         and running.overlap_end
                         and trajecten.einde_reden = 'doel_bereikt') as trajectories_goal_reached
    from running
    inner join staging.zorg__trajecten as trajecten
        on trajecten.persoon_pseudoniem = running.persoon_pseudoniem
        and trajecten.startdatum <= running.overlap_end
        and (trajecten.einddatum is null or trajecten.einddatum >= running.overlap_start)
    group by all
),

crisis as (
    select running.partner, running.contract_id, running.period_type, running.period,
        count(*) as crisis_events
    from running
    inner join staging.zorg__crisismomenten as crisismomenten
        on crisismomenten.persoon_pseudoniem = running.persoon_pseudoniem
        and crisismomenten.datum between running.overlap_start and running.overlap_end
    group by all
),

-- ZRM domains are ordinal (1-5): never summed or averaged, only compared with the person's
-- previous measurement, domain by domain.
zrm_measurements as (
    select
        persoon_pseudoniem,
        meetdatum,
        [financien, werk_opleiding, tijdsbesteding, huisvesting, huiselijke_relaties,
         geestelijke_gezondheid, lichamelijke_gezondheid, middelengebruik, basale_adl,
         instrumentele_adl, sociaal_netwerk, maatschappelijke_participatie, justitie] as domains
    from staging.zorg__zrm_metingen
),

zrm_movement as (
    select
        persoon_pseudoniem,
        meetdatum,
        domains,
        lag(domains) over (partition by persoon_pseudoniem order by meetdatum) as previous
    from zrm_measurements
),

zrm_compared as (
    select
        persoon_pseudoniem,
        meetdatum,
        len(list_filter(range(1, 14), lambda i: domains[i] > previous[i])) as domains_up,
        len(list_filter(range(1, 14), lambda i: domains[i] < previous[i])) as domains_down
    from zrm_movement
    where previous is not null
),

zrm as (
    select running.partner, running.contract_id, running.period_type, running.period,
        arg_max(zrm_compared.domains_up > zrm_compared.domains_down,
                zrm_compared.meetdatum) as zrm_improved
    from running
    inner join zrm_compared
        on zrm_compared.persoon_pseudoniem = running.persoon_pseudoniem
        and zrm_compared.meetdatum between running.overlap_start and running.overlap_end
    group by all
),

final as (
    select
        running.partner,
        running.contract_id,
        running.persoon_pseudoniem,
        running.buurtcode,
        running.period_type,
        running.period,
        arrears.contract_id is not null as in_arrears,
        coalesce(arrears.arrears_eur, 0) as arrears_eur,
        coalesce(arrears.arrears_months, 0) >= 3 as severe_arrears,
        coalesce(running.einddatum between running.period_start and running.period_end,
                 false) as ended,
        coalesce(running.einddatum between running.period_start and running.period_end
                 and running.einde_reden = 'huisuitzetting', false) as evicted,
        coalesce(care.trajectories_running, 0) > 0 as in_care,
        coalesce(care.trajectories_ended, 0) as trajectories_ended,
        coalesce(care.trajectories_goal_reached, 0) as trajectories_goal_reached,
        coalesce(crisis.crisis_events, 0) as crisis_events,
        zrm.zrm_improved is not null as zrm_compared,
        coalesce(zrm.zrm_improved, false) as zrm_improved
    from running
    left join arrears using (partner, contract_id, period_type, period)
    left join care using (partner, contract_id, period_type, period)
    left join crisis using (partner, contract_id, period_type, period)
    left join zrm using (partner, contract_id, period_type, period)
)

select * from final
