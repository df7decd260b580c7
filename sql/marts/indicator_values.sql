-- Every liveability indicator for every buurt, wijk and the gemeente, per month, quarter and
-- year in which all of its source datasets were delivered. Wijk and gemeente values come from
-- the summed numerators and denominators of their buurten (never a mean of buurt rates), so
-- every level adds up. Unsuppressed: reports read marts.indicator_values_published.
with catalogue as (
    select indicator_id, sources, scale from core.indicator_catalogue
),

indicator_sources as (
    select indicator_id, unnest(sources) as dataset, len(sources) as n_sources
    from catalogue
),

indicator_periods as (
    select indicator_sources.indicator_id, coverage.period_type, coverage.period
    from indicator_sources
    inner join core.dataset_periods as coverage using (dataset)
    group by indicator_sources.indicator_id, coverage.period_type, coverage.period,
        indicator_sources.n_sources
    having count(distinct indicator_sources.dataset) = indicator_sources.n_sources
),

buurten as (
    select buurtcode, buurtnaam, wijkcode, wijknaam, gemeentecode, gemeentenaam
    from core.dim_buurt
),

buurt_values as (
    select
        indicator_periods.indicator_id,
        buurten.buurtcode,
        buurten.wijkcode,
        buurten.gemeentecode,
        indicator_periods.period_type,
        indicator_periods.period,
        coalesce(computed.numerator, 0) as numerator,
        coalesce(computed.denominator, 0) as denominator,
        computed.largest
    from indicator_periods
    cross join buurten
    left join core.indicator_buurt_values as computed
        on computed.indicator_id = indicator_periods.indicator_id
        and computed.buurtcode = buurten.buurtcode
        and computed.period_type = indicator_periods.period_type
        and computed.period = indicator_periods.period
),

levels as (
    select indicator_id, 'buurt' as area_level, buurtcode as area_code, period_type, period,
        numerator, denominator, largest
    from buurt_values
    union all
    select indicator_id, 'wijk', wijkcode, period_type, period, sum(numerator), sum(denominator),
        max(largest)
    from buurt_values
    group by indicator_id, wijkcode, period_type, period
    union all
    select indicator_id, 'gemeente', gemeentecode, period_type, period, sum(numerator),
        sum(denominator), max(largest)
    from buurt_values
    group by indicator_id, gemeentecode, period_type, period
),

area_names as (
    select distinct buurtcode as area_code, buurtnaam as area_name from buurten
    union
    select distinct wijkcode, wijknaam from buurten
    union
    select distinct gemeentecode, gemeentenaam from buurten
),

final as (
    select
        levels.indicator_id,
        levels.area_level,
        levels.area_code,
        area_names.area_name,
        levels.period_type,
        levels.period,
        levels.numerator,
        levels.denominator,
        case when levels.denominator > 0
            then catalogue.scale * levels.numerator / levels.denominator end as value,
        -- a sum of euros: its largest single amount (unpublished; the grain of the released mean)
        levels.largest
    from levels
    inner join catalogue using (indicator_id)
    left join area_names using (area_code)
)

select * from final
