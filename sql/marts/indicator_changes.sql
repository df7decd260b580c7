-- Real change per indicator: for every area with a published estimate in a period and in the
-- same period a year earlier (free of season), the change of the estimate, its 90% interval (the
-- two periods as independent) and change_significant with Benjamini-Hochberg
-- control of the false-discovery rate over the areas of one level tested at once. What drives a
-- theme's change; read from the published table only.
with settings as (
    select change_fdr, interval_z as z from core.index_settings
),

periods as (
    select period_type, period, period_start, period_end from core.calendar_periods
),

estimates as (
    select published.indicator_id, published.area_level, published.area_code,
        published.period_type, published.period, periods.period_start, periods.period_end,
        published.estimate,
        (published.value_high - published.value_low) / (2 * settings.z) as se
    from marts.indicator_values_published as published
    inner join periods using (period_type, period)
    cross join settings
    where published.estimate is not null
),

changes as (
    select current.indicator_id, current.area_level, current.area_code, current.period_type,
        current.period, current.estimate - previous.estimate as change,
        sqrt(current.se * current.se + previous.se * previous.se) as change_se,
        abs(change) / nullif(change_se, 0) as z,
        -- two-sided normal p-value (Abramowitz & Stegun 26.2.17, error below 1e-7)
        1 / (1 + 0.2316419 * z) as t,
        coalesce(2 * exp(-z * z / 2) / sqrt(2 * pi())
            * t * (0.319381530 + t * (-0.356563782 + t * (1.781477937
                   + t * (-1.821255978 + t * 1.330274429)))),
            case when change = 0 then 1.0 else 0.0 end) as p_value
    from estimates as current
    inner join estimates as previous
        on previous.indicator_id = current.indicator_id
        and previous.area_code = current.area_code
        and previous.period_type = current.period_type
        and previous.period_start = current.period_start - interval 12 month
),

ranked as (
    select changes.*,
        row_number() over tested as p_rank,
        count(*) over family as m
    from changes
    window tested as (partition by indicator_id, area_level, period_type, period order by p_value),
        family as (partition by indicator_id, area_level, period_type, period)
),

discoveries as (
    select ranked.*,
        max(case when p_value <= p_rank * settings.change_fdr / m then p_rank end)
            over (partition by indicator_id, area_level, period_type, period) as max_rank
    from ranked
    cross join settings
),

final as (
    select indicator_id, area_level, area_code, period_type, period,
        change,
        change - (select z from settings) * change_se as change_low,
        change + (select z from settings) * change_se as change_high,
        coalesce(p_rank <= max_rank, false) as change_significant
    from discoveries
)

select * from final
