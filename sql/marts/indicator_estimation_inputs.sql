-- What the small-area estimates (assets/estimates.py) are made from: per indicator, area and
-- period the count y and base n, pooled over the 12 months (4 quarters) up to the period for the
-- indicators the catalogue marks `pooling: rolling_12_months` (rare events), and the area one
-- level up whose rate is the prior mean (buurt → wijk, wijk → gemeente). Unpublished. A pooled row
-- names the periods it pools (`window_periods`): its estimate gives their sum away, so it is only
-- published where none of them is hidden (assets/estimates.py, publish_estimates).
with catalogue as (
    select indicator_id, unit, scale, numerator_counts, pooling from core.indicator_catalogue
),

periods as (
    select period_type, period, period_start, period_end from core.calendar_periods
),

parents as (
    select distinct buurtcode as area_code, wijkcode as parent_code from core.dim_buurt
    union
    select distinct wijkcode, gemeentecode from core.dim_buurt
),

values_by_period as (
    select values.indicator_id, values.area_level, values.area_code, values.period_type,
        values.period, values.numerator, values.denominator, periods.period_start,
        periods.period_end
    from marts.indicator_values as values
    -- left: a survey year is published before the calendar year is complete
    left join periods using (period_type, period)
),

-- A pooled month (quarter) sums the months (quarters) of the same type whose end lies in the
-- 12 months up to its own end: events add up, and so do the tenancy-months of the base.
pooled as (
    select target.indicator_id, target.area_level, target.area_code, target.period_type,
        target.period, sum(window_rows.numerator) as y, sum(window_rows.denominator) as n,
        count(*) as periods_pooled,
        list(window_rows.period order by window_rows.period) as window_periods
    from values_by_period as target
    inner join catalogue using (indicator_id)
    inner join values_by_period as window_rows
        on window_rows.indicator_id = target.indicator_id
        and window_rows.area_code = target.area_code
        and window_rows.period_type = target.period_type
        and window_rows.period_end <= target.period_end
        and window_rows.period_end > target.period_end - interval 12 month
    where catalogue.pooling = 'rolling_12_months' and target.period_type <> 'year'
    group by all
),

final as (
    select
        values.indicator_id,
        values.area_level,
        values.area_code,
        parents.parent_code,
        values.period_type,
        values.period,
        case
            when catalogue.unit = 'percent' and catalogue.numerator_counts <> 'euros' then 'beta'
            when catalogue.numerator_counts in ('euros', 'points') then 'normal'
            else 'gamma'
        end as model,
        catalogue.scale,
        catalogue.unit,
        case when catalogue.unit = 'percent'
            then least(coalesce(pooled.y, values.numerator), coalesce(pooled.n, values.denominator))
            else coalesce(pooled.y, values.numerator) end as y,
        coalesce(pooled.n, values.denominator) as n,
        coalesce(pooled.periods_pooled, 1) as periods_pooled,
        pooled.window_periods
    from values_by_period as values
    inner join catalogue using (indicator_id)
    left join pooled using (indicator_id, area_code, period_type, period)
    left join parents using (area_code)
)

select * from final
