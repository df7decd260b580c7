-- Concentration ("magic mix") per buurt and month: running tenancies, those in a vulnerable
-- target group (doelgroep other than regulier), their share, its change over 12 months in share
-- points, and a signal when the share or its rise reaches the configured threshold
-- (sources/concentration.yaml). A tenancy runs in a month when it runs on the month's last day.
-- Months up to the newest month every corporation has delivered, and not before the first
-- monthly housing delivery (earlier months may miss tenancies that ended before a partner's
-- history starts; no trend reaches back before it either). Per buurt only, never per complex.
-- A buurt-month under 10 running tenancies, or with 1-9 vulnerable ones, shows no counts, share,
-- trend or signal.
with settings as (
    select * from core.concentration_settings
),

tenancies as (
    select buurtcode, startdatum, einddatum, kwetsbare_doelgroep
    from core.tenancies
),

buurten as (
    select buurtcode, buurtnaam, wijkcode, wijknaam
    from core.dim_buurt
),

observation as (
    -- the newest month that every corporation has delivered
    select min(newest.observed_month) as observed_month
    from (
        select cast(max(contracts.delivery_period) || '-01' as date) as observed_month
        from staging.wonen__huurcontracten as contracts
        group by contracts.partner
    ) as newest
),

first_delivery as (
    -- the first month any corporation delivered monthly data (null: no restriction)
    select cast(min(deliveries.delivery_period) || '-01' as date) as first_month
    from (
        select delivery_period from staging.wonen__woonkosten
        union all
        select delivery_period from staging.wonen__huurachterstand
        union all
        select delivery_period from staging.wonen__overlastmeldingen
    ) as deliveries
),

months as (
    -- the published months and the 12 before them (for the trend)
    select
        cast(unnest(generate_series(
            observation.observed_month - to_months(settings.months + 11),
            observation.observed_month,
            interval 1 month)) as date) as month_start
    from observation
    cross join settings
    where observation.observed_month is not null
),

running as (
    select
        tenancies.buurtcode,
        months.month_start,
        count(*) as running,
        count(*) filter (where tenancies.kwetsbare_doelgroep) as vulnerable
    from months
    inner join tenancies
        on tenancies.startdatum <= last_day(months.month_start)
        and coalesce(tenancies.einddatum, date '9999-12-31') >= last_day(months.month_start)
    inner join buurten on buurten.buurtcode = tenancies.buurtcode
    group by tenancies.buurtcode, months.month_start
),

shown as (
    -- published counts are rounded to 5 and the published share and trend come from them, so
    -- neither gives an exact count back (sources/publication.yaml); the signal uses the exact share
    select
        running.*,
        running.running < settings.min_count
            or running.vulnerable between 1 and settings.min_count - 1 as suppressed,
        running.vulnerable / running.running as share,
        round(running.running / 5) * 5 as running_rounded,
        round(running.vulnerable / 5) * 5 as vulnerable_rounded,
        round(running.vulnerable / 5) * 5 / (round(running.running / 5) * 5) as share_rounded
    from running
    cross join settings
),

trended as (
    select
        shown.*,
        shown.share - earlier.share as trend_12m,
        shown.share_rounded - earlier.share_rounded as trend_12m_rounded,
        earlier.suppressed as earlier_suppressed
    from shown
    left join shown as earlier
        on earlier.buurtcode = shown.buurtcode
        and earlier.month_start = cast(shown.month_start - to_months(12) as date)
),

final as (
    select
        trended.buurtcode,
        buurten.buurtnaam,
        buurten.wijkcode,
        buurten.wijknaam,
        strftime(trended.month_start, '%Y-%m') as period,
        case when not trended.suppressed then cast(trended.running_rounded as bigint) end as running,
        case when not trended.suppressed then cast(trended.vulnerable_rounded as bigint) end as vulnerable,
        case when not trended.suppressed then round(trended.share_rounded, 4) end as share,
        case when not trended.suppressed and not trended.earlier_suppressed
            and trended.month_start - to_months(12) >= coalesce(first_delivery.first_month, date '1900-01-01')
            then round(trended.trend_12m_rounded, 4) end as trend_12m,
        case when not trended.suppressed then
            trended.share >= settings.signal_share
            or coalesce(not trended.earlier_suppressed
                        and trended.month_start - to_months(12)
                            >= coalesce(first_delivery.first_month, date '1900-01-01')
                        and trended.trend_12m >= settings.signal_trend_12m, false)
        end as signal,
        trended.suppressed
    from trended
    inner join buurten using (buurtcode)
    cross join settings
    cross join observation
    cross join first_delivery
    where trended.month_start > observation.observed_month - to_months(settings.months)
        and trended.month_start >= coalesce(first_delivery.first_month, date '1900-01-01')
    order by trended.buurtcode, period
)

select * from final
