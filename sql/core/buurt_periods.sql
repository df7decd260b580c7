-- One row per buurt and period with the buurt's own counts: inhabitants (CBS, the same in every
-- period), corporation homes, police incidents by kind and nuisance reports. Aggregated data
-- only: no persons.
with periods as (
    select period_type, period, period_start, period_end from core.calendar_periods
),

buurten as (
    select buurtcode, coalesce(inwoners, 0) as inwoners from core.dim_buurt
),

homes as (
    select buurtcode, count(*) as homes
    from staging.wonen__verhuureenheden
    where status <> 'verkocht'
    group by buurtcode
),

incidents as (
    select
        incidenten.buurtcode, periods.period_type, periods.period,
        sum(incidenten.aantal) as incidents_total,
        sum(incidenten.aantal) filter (where incidenten.incidentsoort = 'verward_persoon') as incidents_verward_persoon,
        sum(incidenten.aantal) filter (where incidenten.incidentsoort = 'overlast_jeugd') as incidents_overlast_jeugd,
        sum(incidenten.aantal) filter (where incidenten.incidentsoort = 'burenruzie') as incidents_burenruzie,
        sum(incidenten.aantal) filter (where incidenten.incidentsoort = 'woninginbraak') as incidents_woninginbraak,
        sum(incidenten.aantal) filter (where incidenten.incidentsoort = 'geweld') as incidents_geweld,
        sum(incidenten.aantal) filter (where incidenten.incidentsoort = 'vernieling') as incidents_vernieling,
        sum(incidenten.aantal) filter (where incidenten.incidentsoort = 'drugsoverlast') as incidents_drugsoverlast
    from staging.veiligheid__incidenten as incidenten
    inner join periods on incidenten.maand between periods.period_start and periods.period_end
    group by all
),

nuisance as (
    select meldingen.buurtcode, periods.period_type, periods.period, count(*) as nuisance_reports
    from staging.wonen__overlastmeldingen as meldingen
    inner join periods on meldingen.meldingsdatum between periods.period_start and periods.period_end
    group by all
),

final as (
    select
        buurten.buurtcode,
        periods.period_type,
        periods.period,
        buurten.inwoners,
        coalesce(homes.homes, 0) as homes,
        coalesce(incidents.incidents_total, 0) as incidents_total,
        coalesce(incidents.incidents_verward_persoon, 0) as incidents_verward_persoon,
        coalesce(incidents.incidents_overlast_jeugd, 0) as incidents_overlast_jeugd,
        coalesce(incidents.incidents_burenruzie, 0) as incidents_burenruzie,
        coalesce(incidents.incidents_woninginbraak, 0) as incidents_woninginbraak,
        coalesce(incidents.incidents_geweld, 0) as incidents_geweld,
        coalesce(incidents.incidents_vernieling, 0) as incidents_vernieling,
        coalesce(incidents.incidents_drugsoverlast, 0) as incidents_drugsoverlast,
        coalesce(nuisance.nuisance_reports, 0) as nuisance_reports
    from buurten
    cross join periods
    left join homes using (buurtcode)
    left join incidents using (buurtcode, period_type, period)
    left join nuisance using (buurtcode, period_type, period)
)

select * from final
