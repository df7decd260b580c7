-- Concentration ("magic mix") per buurt and month: running tenancies, those in a vulnerable
-- target group (doelgroep other than regulier), their share, its change over 12 months in share
-- points, and a signal when the share or its rise reaches the configured threshold
-- (sources/concentration.yaml). A tenancy runs in a month when it runs on any day of it: the
-- indicators' tenancy base, one count (sql/core/tenancy_mix_cells.sql).
-- Months up to the newest month every corporation has delivered, and not before the first
-- monthly housing delivery (earlier months may miss tenancies that ended before a partner's
-- history starts; no trend reaches back before it either). Per buurt only, never per complex.
-- The counts and whether a buurt-month is hidden come from the one pattern every mart showing
-- running tenancies shares (core.tenancy_mix_published: counts of 1-9 hidden together with the
-- cells that protect them, shown counts rounded to 5); a hidden buurt-month shows no counts,
-- share, trend or signal.
with settings as (
    select * from core.concentration_settings
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

buurten as (
    select buurtcode, buurtnaam, wijkcode, wijknaam
    from core.dim_buurt
),

months as (
    -- buurt-months from the first delivery on, with their exact share (for the signal only)
    select
        shared.area_code as buurtcode,
        cast(shared.period || '-01' as date) as month_start,
        shared.tenancies as running,
        shared.kwetsbaar as vulnerable,
        shared.suppressed,
        cells.kwetsbaar / nullif(cells.tenancies, 0) as share
    from core.tenancy_mix_published as shared
    inner join core.tenancy_mix_cells as cells using (area_level, area_code, period)
    cross join first_delivery
    where shared.area_level = 'buurt'
        and cast(shared.period || '-01' as date) >= coalesce(first_delivery.first_month, date '1900-01-01')
),

shown as (
    -- the published share and trend come from the rounded counts, so neither gives an exact
    -- count back (sources/publication.yaml); the signal uses the exact share
    select
        months.*,
        months.vulnerable / nullif(months.running, 0) as share_rounded
    from months
),

trended as (
    -- no trend where the month 12 before is hidden or before the first delivery (no row)
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
        trended.running,
        trended.vulnerable,
        round(trended.share_rounded, 4) as share,
        case when not coalesce(trended.earlier_suppressed, true)
            then round(trended.trend_12m_rounded, 4) end as trend_12m,
        case when not trended.suppressed and trended.share is not null then
            trended.share >= settings.signal_share
            or coalesce(not trended.earlier_suppressed
                        and trended.trend_12m >= settings.signal_trend_12m, false)
        end as signal,
        trended.suppressed
    from trended
    inner join buurten using (buurtcode)
    cross join settings
    cross join observation
    where trended.month_start > observation.observed_month - to_months(settings.months)
        and trended.month_start <= observation.observed_month
    order by trended.buurtcode, period
)

select * from final
