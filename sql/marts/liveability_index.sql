-- The liveability index per area (buurt, wijk, gemeente), period and theme (wonen, veiligheid,
-- sociaal, zorg) plus the total. Every indicator is scored against the city in the base period
-- (city = 100; mirrored for indicators where higher is worse; capped), a theme is the mean of its
-- objective and its subjective half (equal weights where the survey is present), the total the
-- unweighted mean of the themes. Our own, documented standardisation in the spirit of the
-- Rotterdam Wijkprofiel, whose exact method is not published. Reads only published values, so
-- a suppressed cell never enters (or can be recovered from) a score.
with settings as (
    select base_period, score_min, score_max from core.index_settings
),

bands as (
    select unnest(bands, recursive := true) from core.index_settings
),

catalogue as (
    select indicator_id, dimension, objective, direction from core.indicator_catalogue
),

periods as (
    select period_type, period, period_start, period_end from core.calendar_periods
),

base as (
    -- 'auto': the first complete year in the data, else the first complete quarter
    select periods.period_type, periods.period, periods.period_start, periods.period_end
    from periods
    cross join settings
    where periods.period = case
        when settings.base_period <> 'auto' then settings.base_period
        else coalesce(
            (select min(period) from periods where period_type = 'year'),
            (select min(period) from periods where period_type = 'quarter'))
        end
),

published as (
    select indicator_id, area_level, area_code, area_name, period_type, period, value
    from marts.indicator_values_published
    where not suppressed and value is not null
),

objective_values as (
    select published.indicator_id, published.area_level, published.area_code,
        published.period_type, published.period, published.value
    from published
    inner join catalogue using (indicator_id)
    inner join periods using (period_type, period)
    where catalogue.objective
),

-- The survey is yearly: a month or quarter takes the score of its calendar year.
subjective_values as (
    select published.indicator_id, published.area_level, published.area_code,
        periods.period_type, periods.period, published.value
    from published
    inner join catalogue using (indicator_id)
    inner join periods on published.period = cast(year(periods.period_start) as varchar)
    where not catalogue.objective and published.period_type = 'year'
),

indicator_values as (
    select * from objective_values
    union all
    select * from subjective_values
),

-- The city's value in the base period, per period type: the base period itself for its own
-- type, the mean over the months (quarters, years) overlapping it for the other types.
city_base as (
    select indicator_values.indicator_id, indicator_values.period_type,
        avg(indicator_values.value) as base_value
    from indicator_values
    inner join periods using (period_type, period)
    cross join base
    where indicator_values.area_level = 'gemeente'
        and periods.period_start <= base.period_end
        and periods.period_end >= base.period_start
    group by indicator_values.indicator_id, indicator_values.period_type
),

indicator_scores as (
    select
        indicator_values.*,
        catalogue.dimension,
        catalogue.objective,
        -- 100 plus the relative deviation from the city, mirrored where higher is worse:
        -- linear, so the population-weighted mean of the buurten stays the city's score
        case
            when city_base.base_value is null or city_base.base_value <= 0 then null
            when catalogue.direction = 'higher_is_better'
                then 100 * (indicator_values.value / city_base.base_value)
            else 100 * (2 - indicator_values.value / city_base.base_value)
        end as raw_score,
        settings.score_min,
        settings.score_max
    from indicator_values
    inner join catalogue using (indicator_id)
    cross join settings
    left join city_base using (indicator_id, period_type)
),

halves as (
    select area_level, area_code, period_type, period, dimension, objective,
        avg(least(score_max, greatest(score_min, raw_score))) as half_score,
        count(*) as n_indicators
    from indicator_scores
    where raw_score is not null
    group by all
),

themes as (
    select area_level, area_code, period_type, period, dimension,
        avg(half_score) as score,
        max(half_score) filter (where objective) as objective_score,
        max(half_score) filter (where not objective) as subjective_score,
        sum(n_indicators) as n_indicators
    from halves
    group by all
),

totals as (
    select area_level, area_code, period_type, period, 'totaal' as dimension,
        avg(score) as score,
        cast(null as double) as objective_score,
        cast(null as double) as subjective_score,
        sum(n_indicators) as n_indicators
    from themes
    group by all
),

scores as (
    select * from themes
    union all
    select * from totals
),

rounded as (
    select
        scores.area_level, scores.area_code, scores.period_type, scores.period,
        periods.period_start, periods.period_end, scores.dimension,
        round(scores.score, 1) as score,
        round(scores.objective_score, 1) as objective_score,
        round(scores.subjective_score, 1) as subjective_score,
        scores.n_indicators
    from scores
    inner join periods using (period_type, period)
),

with_changes as (
    select
        rounded.*,
        lag(rounded.score) over same_series as previous_score,
        lag(rounded.period_end) over same_series as previous_end
    from rounded
    window same_series as (partition by rounded.area_level, rounded.area_code,
                           rounded.dimension, rounded.period_type order by rounded.period_start)
),

base_scores as (
    select rounded.area_code, rounded.dimension, rounded.score as base_score
    from rounded
    inner join base using (period_type, period)
),

area_names as (
    select distinct area_code, area_name from published
),

final as (
    select
        with_changes.area_level,
        with_changes.area_code,
        area_names.area_name,
        with_changes.period_type,
        with_changes.period,
        with_changes.dimension,
        with_changes.score,
        bands.band,
        with_changes.objective_score,
        with_changes.subjective_score,
        with_changes.n_indicators,
        case when with_changes.previous_end = with_changes.period_start - interval 1 day
            then round(with_changes.score - with_changes.previous_score, 1) end as change_previous,
        round(with_changes.score - base_scores.base_score, 1) as change_base,
        base.period as base_period
    from with_changes
    cross join base
    left join base_scores using (area_code, dimension)
    left join area_names using (area_code)
    left join bands
        on (bands.lower is null or with_changes.score > bands.lower
            or (not bands.lower_open and with_changes.score = bands.lower))
        and (bands.upper is null or with_changes.score < bands.upper
             or (not bands.upper_open and with_changes.score = bands.upper))
)

select * from final
