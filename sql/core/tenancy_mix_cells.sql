-- Running tenancies per area (buurt, wijk, gemeente) and month, unsuppressed: the one set of
-- counts behind every published mart that shows them (marts.concentration,
-- marts.kwetsbare_huurders_per_buurt, marts.placement_capacity). They are protected once, as one
-- pattern (core.tenancy_mix_published, assets/tenancy_mix.py): two marts suppressed apart would
-- each hide a small count that the other's totals give back. Never per complex.
-- A tenancy runs in a month when it runs on any day of it: exactly the tenancy base the indicators
-- share (core.tenancy_periods, population huurcontracten), so the two publications show one count
-- and the pattern hides it wherever the indicators hide their base (assets/tenancy_mix.py). A
-- stock on the month's last day sat below that base by the tenancies that ended in the month: the
-- two side by side gave hidden counts of ended tenancies away. Per month: all running
-- tenancies; those in a vulnerable doelgroep (kwetsbaar: any doelgroep but regulier, the
-- concentration count) and its parts as the placement planner counts them (vulnerable_tenancies
-- and statushouders by their configured role, other_kwetsbaar the rest). Months: every month of
-- the calendar and every month a corporation delivered its tenancies for.
with roles as (
    select doelgroep, role from core.placement_doelgroepen
),

buurten as (
    select buurtcode, buurtnaam, wijkcode, wijknaam, gemeentecode, gemeentenaam
    from core.dim_buurt
),

months as (
    select period, period_start, period_end
    from core.calendar_periods
    where period_type = 'month'
    union
    select
        delivery_period as period,
        cast(delivery_period || '-01' as date) as period_start,
        last_day(cast(delivery_period || '-01' as date)) as period_end
    from staging.wonen__huurcontracten
    where regexp_full_match(delivery_period, '[0-9]{4}-[0-9]{2}')
),

tenancies as (
    select tenancies.buurtcode, tenancies.startdatum, tenancies.einddatum,
        tenancies.kwetsbare_doelgroep, roles.role
    from core.tenancies as tenancies
    left join roles using (doelgroep)
    where tenancies.buurtcode is not null and tenancies.startdatum is not null
),

running as (
    select
        tenancies.buurtcode,
        months.period,
        count(*) as tenancies,
        count(*) filter (where tenancies.kwetsbare_doelgroep) as kwetsbaar,
        count(*) filter (where tenancies.role = 'vulnerable') as vulnerable_tenancies,
        count(*) filter (where tenancies.role = 'statushouder') as statushouders
    from months
    inner join tenancies
        on tenancies.startdatum <= months.period_end
        and coalesce(tenancies.einddatum, date '9999-12-31') >= months.period_start
    group by all
),

buurt_cells as (
    -- every buurt in every month, none left out: a missing row would say "no tenancies"
    select
        buurten.buurtcode,
        buurten.wijkcode,
        buurten.gemeentecode,
        buurten.buurtnaam,
        months.period,
        coalesce(running.tenancies, 0) as tenancies,
        coalesce(running.kwetsbaar, 0) as kwetsbaar,
        coalesce(running.vulnerable_tenancies, 0) as vulnerable_tenancies,
        coalesce(running.statushouders, 0) as statushouders
    from buurten
    cross join months
    left join running using (buurtcode, period)
),

levels as (
    -- every buurt with itself, its wijk and its gemeente: the areas its counts add up to
    select buurtcode, 'buurt' as area_level, buurtcode as area_code, wijkcode as parent_code,
        buurtnaam as area_name
    from buurten
    union all
    select buurtcode, 'wijk', wijkcode, gemeentecode, wijknaam
    from buurten
    union all
    select buurtcode, 'gemeente', gemeentecode, null, gemeentenaam
    from buurten
),

final as (
    select
        levels.area_level,
        levels.area_code,
        any_value(levels.parent_code) as parent_code,
        any_value(levels.area_name) as area_name,
        cells.period,
        sum(cells.tenancies)::integer as tenancies,
        sum(cells.kwetsbaar)::integer as kwetsbaar,
        sum(cells.vulnerable_tenancies)::integer as vulnerable_tenancies,
        sum(cells.statushouders)::integer as statushouders,
        (sum(cells.kwetsbaar) - sum(cells.vulnerable_tenancies) - sum(cells.statushouders))::integer
            as other_kwetsbaar
    from buurt_cells as cells
    inner join levels using (buurtcode)
    group by levels.area_level, levels.area_code, cells.period
    order by levels.area_level, levels.area_code, cells.period
)

select * from final
