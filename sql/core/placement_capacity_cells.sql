-- Placement capacity per area (buurt, wijk, gemeente) and month, unsuppressed: the cells behind
-- marts.placement_capacity and what `wijkwijzer plan` reads inside the warehouse. Never per
-- complex. Per month (the last `months` of the calendar, sources/placement.yaml): tenancies running
-- in the month (any day of it: the indicators' tenancy base, so one count is published, not two
-- whose difference is the small number of tenancies that ended), those in a vulnerable doelgroep
-- (configured) and statushouders apart
-- (core.tenancy_mix_cells, whose disclosure pattern this mart shares); the threshold; expected free
-- units in the next 12 months = homes empty at the month's end + running tenancies x the yearly end
-- rate of the 12 months before (shrunk toward the city's rate with a prior of
-- `turnover_prior_tenancies`); the liveability band and a significant year-on-year decline of the
-- total index (marts.liveability_index); support nearby = at least `support_min_persons` tenants in
-- care, resp. using a wijkteam-type provision, in the wijk; and the capacity: how many more
-- vulnerable tenancies the buurt takes before its share passes the threshold, counting each
-- placement against the same running tenancies (a placement into a home a regular tenant left;
-- conservative for a home that stood empty). Buurten under `min_tenancies` running tenancies get no
-- capacity. A wijk's and the gemeente's counts are the sums of their buurten; `room` is
-- floor(threshold x tenancies) - vulnerable at every level, with the wijk threshold for wijken
-- (internal, never published), and their capacity their own room, not less than 0.
with settings as (
    select * from core.placement_settings
),

buurten as (
    select buurtcode, buurtnaam, wijkcode, wijknaam, gemeentecode, gemeentenaam
    from core.dim_buurt
),

months as (
    select periods.period, periods.period_end
    from core.calendar_periods as periods
    cross join settings
    where periods.period_type = 'month'
    qualify row_number() over (order by periods.period desc) <= settings.months
),

tenancies as (
    select persoon_pseudoniem, buurtcode, startdatum, einddatum
    from core.tenancies
    where buurtcode is not null and startdatum is not null
),

running as (
    -- the counts every mart showing running tenancies shares (one disclosure pattern)
    select area_code as buurtcode, period, tenancies, vulnerable_tenancies, statushouders
    from core.tenancy_mix_cells
    where area_level = 'buurt'
),

ended as (
    -- tenancies that ended in the 12 months up to the month's end: the turnover history
    select tenancies.buurtcode, months.period, count(*) as ended_12m
    from months
    inner join tenancies
        on tenancies.einddatum <= months.period_end
        and tenancies.einddatum > cast(months.period_end - interval 12 month as date)
    group by all
),

vacant as (
    select buurtcode, period, count(*) filter (where vacant) as vacant_units
    from core.unit_periods
    where period_type = 'month' and buurtcode is not null
    group by all
),

grid as (
    select
        buurten.*,
        months.period,
        months.period_end,
        coalesce(running.tenancies, 0) as tenancies,
        coalesce(running.vulnerable_tenancies, 0) as vulnerable_tenancies,
        coalesce(running.statushouders, 0) as statushouders,
        coalesce(ended.ended_12m, 0) as ended_12m,
        coalesce(vacant.vacant_units, 0) as vacant_units
    from buurten
    cross join months
    left join running using (buurtcode, period)
    left join ended using (buurtcode, period)
    left join vacant using (buurtcode, period)
),

city_rate as (
    select period, sum(ended_12m) / nullif(sum(tenancies), 0) as rate
    from grid
    group by period
),

care as (
    -- tenants in care on the month's last day, per wijk of their home
    select buurten.wijkcode, months.period, count(distinct tenancies.persoon_pseudoniem) as persons
    from months
    inner join tenancies
        on tenancies.startdatum <= months.period_end
        and coalesce(tenancies.einddatum, date '9999-12-31') >= months.period_end
    inner join staging.zorg__trajecten as trajecten
        on trajecten.persoon_pseudoniem = tenancies.persoon_pseudoniem
        and trajecten.startdatum <= months.period_end
        and coalesce(trajecten.einddatum, date '9999-12-31') >= months.period_end
    inner join buurten using (buurtcode)
    group by all
),

wijkteam as (
    -- persons using a wijkteam-type provision on the month's last day, per wijk of the provision
    select buurten.wijkcode, months.period, count(distinct voorzieningen.persoon_pseudoniem) as persons
    from months
    cross join settings
    inner join staging.welzijn__voorzieningen as voorzieningen
        on voorzieningen.startdatum <= months.period_end
        and coalesce(voorzieningen.einddatum, date '9999-12-31') >= months.period_end
        and list_contains(settings.support_voorzieningen, voorzieningen.soort)
    inner join buurten using (buurtcode)
    group by all
),

liveability as (
    select area_level, area_code, period, band,
        coalesce(change_significant and change_year < 0, false) as significant_decline
    from marts.liveability_index
    where dimension = 'totaal' and period_type = 'month'
),

buurt_cells as (
    select
        'buurt' as area_level,
        grid.buurtcode as area_code,
        grid.wijkcode as parent_code,
        grid.buurtnaam as area_name,
        grid.period,
        grid.tenancies,
        grid.vulnerable_tenancies,
        grid.statushouders,
        grid.vacant_units,
        -- expected ends in the next 12 months, shrunk toward the city's yearly end rate
        round(grid.tenancies * (grid.ended_12m + settings.turnover_prior_tenancies * coalesce(city_rate.rate, 0))
              / (grid.tenancies + settings.turnover_prior_tenancies))::integer as expected_turnover,
        settings.threshold_share,
        floor(settings.threshold_share * grid.tenancies + 1e-9)::integer - grid.vulnerable_tenancies as room,
        coalesce(care.persons, 0) >= settings.support_min_persons as care_nearby,
        coalesce(wijkteam.persons, 0) >= settings.support_min_persons as wijkteam_nearby,
        grid.tenancies >= settings.min_tenancies as plannable
    from grid
    cross join settings
    left join city_rate using (period)
    left join care using (wijkcode, period)
    left join wijkteam using (wijkcode, period)
),

buurt_final as (
    select
        buurt_cells.*,
        buurt_cells.vacant_units + buurt_cells.expected_turnover as expected_free_units,
        case when buurt_cells.plannable then greatest(buurt_cells.room, 0) else 0 end as capacity
    from buurt_cells
),

levels as (
    -- every buurt's wijk and gemeente: the areas its cells add up to
    select buurtcode, 'wijk' as area_level, wijkcode as area_code, gemeentecode as parent_code,
        wijknaam as area_name
    from buurten
    union all
    select buurtcode, 'gemeente', gemeentecode, null, gemeentenaam
    from buurten
),

rollup_final as (
    select
        levels.area_level,
        levels.area_code,
        any_value(levels.parent_code) as parent_code,
        any_value(levels.area_name) as area_name,
        cells.period,
        sum(cells.tenancies) as tenancies,
        sum(cells.vulnerable_tenancies) as vulnerable_tenancies,
        sum(cells.statushouders) as statushouders,
        sum(cells.vacant_units) as vacant_units,
        sum(cells.expected_turnover) as expected_turnover,
        any_value(case when levels.area_level = 'wijk' then settings.wijk_threshold_share
                       else settings.threshold_share end) as threshold_share,
        bool_or(cells.care_nearby) as care_nearby,
        bool_or(cells.wijkteam_nearby) as wijkteam_nearby,
        bool_or(cells.plannable) as plannable,
        sum(cells.expected_free_units) as expected_free_units
    from buurt_final as cells
    inner join levels on levels.buurtcode = cells.area_code
    cross join settings
    group by levels.area_level, levels.area_code, cells.period
),

rollup_room as (
    select rollup_final.*,
        (floor(rollup_final.threshold_share * rollup_final.tenancies + 1e-9)
         - rollup_final.vulnerable_tenancies)::integer as room
    from rollup_final
),

cells as (
    -- A wijk's (the gemeente's) capacity is its own room under its threshold, not the sum of its
    -- buurten's: that sum of values cut off at 0, beside the wijk's own counts, tells how far its
    -- hidden buurten lie over their thresholds, and with it their vulnerable tenancies (an
    -- outsider proved 1-9 of them to be at most 9 in the demo). The planner holds a wijk to the
    -- same room.
    select * from buurt_final
    union all by name
    select rollup_room.*,
        case when rollup_room.plannable then greatest(rollup_room.room, 0) else 0 end as capacity
    from rollup_room
),

final as (
    select
        cells.area_level,
        cells.area_code,
        cells.parent_code,
        cells.area_name,
        cells.period,
        cells.tenancies::integer as tenancies,
        cells.vulnerable_tenancies::integer as vulnerable_tenancies,
        cells.statushouders::integer as statushouders,
        cells.vulnerable_tenancies / nullif(cells.tenancies, 0) as share,
        cells.threshold_share,
        cells.vacant_units::integer as vacant_units,
        cells.expected_turnover::integer as expected_turnover,
        cells.expected_free_units::integer as expected_free_units,
        cells.room,
        cells.capacity::integer as capacity,
        cells.plannable,
        cells.care_nearby,
        cells.wijkteam_nearby,
        liveability.band,
        coalesce(liveability.significant_decline, false) as significant_decline
    from cells
    left join liveability using (area_level, area_code, period)
    order by cells.area_level, cells.area_code, cells.period
)

select * from final
