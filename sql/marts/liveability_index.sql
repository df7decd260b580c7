-- The liveability index per area (buurt, wijk, gemeente), period and theme (wonen, veiligheid,
-- sociaal) plus the total, and beside it the zorgvraag panel (service use: need, never part of the
-- total). Computed from the published small-area estimates only (a hidden cell whose estimate is
-- not published counts with its wijk's, else the city's; a hidden city cell takes its buurten's
-- inhabitant-weighted mean), so a score gives away nothing the published table does not. Every
-- indicator is scored as a standardised difference to the city in the pinned base period:
-- 100 + points_per_sd x (estimate - city) / sd, mirrored where higher is worse (city = 100 in
-- the base period; sd = the spread of the buurt estimates then). A half (objective, subjective)
-- and a theme are scored only from their fixed composition (marts.index_composition: the
-- indicators of core.index_themes with a published estimate in the base period), the total is
-- the mean of the liveability themes. Every score carries a 90% interval, and change_significant
-- says whether anything in the theme really changed since the same period a year earlier (the
-- theme's change or one of its indicators', combined with Simes), with Benjamini-Hochberg control
-- of the false-discovery rate over the areas of one level tested at once. Our own, documented
-- method in the spirit of the Rotterdam Wijkprofiel, whose exact standardisation is not
-- published.
with settings as (
    select base_period, score_min, score_max, points_per_sd, change_fdr, interval_z as z
    from core.index_settings
),

bands as (
    select unnest(bands, recursive := true) from core.index_settings
),

themes as (
    select dimension, panel, indicator_id, half, n_in_half,
        -- an indicator's weight in its theme and in the total (fixed compositions)
        1 / (n_in_half * count(distinct half) over (partition by dimension)) as theme_weight,
        theme_weight / count(distinct dimension) filter (where panel = 'leefbaarheid')
            over () as total_weight
    from marts.index_composition
    where in_index
),

catalogue as (
    select indicator_id, direction, objective,
        -- scored by calendar year: the survey, and rare events (see yearly_sources)
        not objective or pooling is not null as yearly
    from core.indicator_catalogue
),

periods as (
    select period_type, period, period_start, period_end from core.calendar_periods
),

base as (
    select periods.period_type, periods.period, periods.period_start, periods.period_end
    from periods
    cross join settings
    where periods.period = settings.base_period
),

areas as (
    select distinct 'buurt' as area_level, buurtcode as area_code, buurtnaam as area_name,
        wijkcode, gemeentecode
    from core.dim_buurt
    union all
    select distinct 'wijk', wijkcode, wijknaam, wijkcode, gemeentecode from core.dim_buurt
    union all
    select distinct 'gemeente', gemeentecode, gemeentenaam, null, gemeentecode from core.dim_buurt
),

-- A hidden cell's estimate and interval are rounded to as few as one significant digit
-- (assets/estimates.py: to keep its count open), the interval at times to a single value
-- (20, 20-20): the unrounded interval lies up to half a rounding step further out at each end,
-- and the index takes it so. Its digits: the fewest that give all three values back.
published_rounded as (
    select published.indicator_id, published.area_code, published.period_type,
        published.period, published.estimate, published.value_low, published.value_high,
        case when not published.suppressed or published.estimate is null then null
             when list_bool_and(list_transform([published.estimate, published.value_low, published.value_high],
                  lambda x: x = 0 or abs(x - round(x, (0 - floor(log10(abs(x))))::integer)) <= 1e-9 * abs(x))) then 1
             when list_bool_and(list_transform([published.estimate, published.value_low, published.value_high],
                  lambda x: x = 0 or abs(x - round(x, (1 - floor(log10(abs(x))))::integer)) <= 1e-9 * abs(x))) then 2
             else 3 end as digits
    from marts.indicator_values_published as published
    inner join themes using (indicator_id)
),

published as (
    select indicator_id, area_code, period_type, period, estimate,
        value_low - case when digits is null or value_low = 0 then 0
                         else 0.5 * pow(10, floor(log10(abs(value_low))) - digits + 1) end as value_low,
        value_high + case when digits is null or value_high = 0 then 0
                          else 0.5 * pow(10, floor(log10(abs(value_high))) - digits + 1) end as value_high
    from published_rounded
),

-- The survey is yearly, and a rare event (catalogue `pooling`) is scored by calendar year too:
-- its month or quarter estimate pools the 12 months up to it, which is published only where none
-- of them is hidden (assets/estimates.py) and so is missing in most buurten and often in the
-- city, while its year is audited with its months. Every period takes the latest year up to its
-- own year, so a theme keeps its composition in a year that is not in yet.
yearly_years as (
    select distinct published.indicator_id, published.period as source_year
    from published
    inner join catalogue using (indicator_id)
    where catalogue.yearly and published.period_type = 'year'
),

yearly_sources as (
    select yearly_years.indicator_id, periods.period_type, periods.period,
        max(yearly_years.source_year) as source_period
    from yearly_years
    inner join periods on yearly_years.source_year <= cast(year(periods.period_start) as varchar)
    group by all
),

published_by_period as (
    select published.indicator_id, published.area_code, published.period_type,
        published.period, published.period as source_period, published.estimate,
        published.value_low, published.value_high
    from published
    inner join catalogue using (indicator_id)
    where not catalogue.yearly
    union all
    select published.indicator_id, published.area_code, yearly_sources.period_type,
        yearly_sources.period, yearly_sources.source_period, published.estimate,
        published.value_low, published.value_high
    from published
    inner join yearly_sources
        on yearly_sources.indicator_id = published.indicator_id
        and yearly_sources.source_period = published.period
        and published.period_type = 'year'
),

-- Periods in which an indicator was computed (its city cell exists, estimate or not).
indicator_periods as (
    select distinct published_by_period.indicator_id, published_by_period.period_type,
        published_by_period.period
    from published_by_period
    inner join areas using (area_code)
    where areas.area_level = 'gemeente'
),

-- Own estimate, else the wijk's, else the city's ("reported from wijk level up").
filled_up as (
    select
        indicator_periods.indicator_id, areas.area_level, areas.area_code,
        indicator_periods.period_type, indicator_periods.period,
        coalesce(own.estimate, wijk.estimate, city.estimate) as estimate,
        case when own.estimate is not null then 'own'
             when wijk.estimate is not null then 'wijk' else 'gemeente' end as source_level,
        coalesce(own.source_period, wijk.source_period, city.source_period) as source_period,
        case when own.estimate is not null then own.value_low
             when wijk.estimate is not null then wijk.value_low else city.value_low end
            as value_low,
        case when own.estimate is not null then own.value_high
             when wijk.estimate is not null then wijk.value_high else city.value_high end
            as value_high
    from indicator_periods
    cross join areas
    left join published_by_period as own
        on own.indicator_id = indicator_periods.indicator_id
        and own.area_code = areas.area_code
        and own.period_type = indicator_periods.period_type
        and own.period = indicator_periods.period
    left join published_by_period as wijk
        on wijk.indicator_id = indicator_periods.indicator_id
        and wijk.area_code = areas.wijkcode
        and wijk.period_type = indicator_periods.period_type
        and wijk.period = indicator_periods.period
    left join published_by_period as city
        on city.indicator_id = indicator_periods.indicator_id
        and city.area_code = areas.gemeentecode
        and city.period_type = indicator_periods.period_type
        and city.period = indicator_periods.period
),

-- A city cell whose estimate cannot be published (a rare event city-wide, its pooled count
-- not protected by any rounding) has nothing above it to borrow from: it takes the
-- inhabitant-weighted mean of its buurten's own or borrowed wijk estimates and of their interval
-- bounds (as if their errors were fully correlated: a wide interval). Published values and
-- public inhabitant counts only, so it discloses nothing new; and the buurten and wijken that
-- had to borrow the city's value borrow this one.
from_buurten as (
    select filled_up.indicator_id, dim.gemeentecode, filled_up.period_type, filled_up.period,
        any_value(filled_up.source_period) as source_period,
        sum(filled_up.estimate * dim.inwoners) / sum(dim.inwoners) as estimate,
        sum(filled_up.value_low * dim.inwoners) / sum(dim.inwoners) as value_low,
        sum(filled_up.value_high * dim.inwoners) / sum(dim.inwoners) as value_high
    from filled_up
    inner join core.dim_buurt as dim on dim.buurtcode = filled_up.area_code
    where filled_up.area_level = 'buurt' and filled_up.source_level in ('own', 'wijk')
        and filled_up.estimate is not null and dim.inwoners > 0
    group by all
),

filled as (
    select filled_up.* replace (
        coalesce(filled_up.estimate, from_buurten.estimate) as estimate,
        case when filled_up.estimate is null and from_buurten.estimate is not null
            then 'buurten' else filled_up.source_level end as source_level,
        coalesce(filled_up.source_period, from_buurten.source_period) as source_period,
        coalesce(filled_up.value_low, from_buurten.value_low) as value_low,
        coalesce(filled_up.value_high, from_buurten.value_high) as value_high)
    from filled_up
    inner join areas using (area_level, area_code)
    left join from_buurten
        on from_buurten.indicator_id = filled_up.indicator_id
        and from_buurten.gemeentecode = areas.gemeentecode
        and from_buurten.period_type = filled_up.period_type
        and from_buurten.period = filled_up.period
),

-- The reference per indicator and period type, from the base period: the city's estimate (for
-- a month or quarter the mean over those in the base period) and the spread of the buurten.
reference as (
    select filled.indicator_id, filled.period_type,
        avg(filled.estimate) filter (where filled.area_level = 'gemeente') as city_base,
        stddev_pop(filled.estimate) filter (where filled.area_level = 'buurt') as sd_base
    from filled
    inner join periods using (period_type, period)
    cross join base
    where periods.period_start >= base.period_start and periods.period_end <= base.period_end
    group by all
),

indicator_scores as (
    select
        filled.*, themes.dimension, themes.panel, themes.half, themes.n_in_half,
        themes.theme_weight, themes.total_weight, periods.period_start, periods.period_end,
        -- an indicator without spread among the buurten in the base period cannot rank areas:
        -- it scores 100 (slope 0) until the base is re-decided
        case when catalogue.direction = 'higher_is_worse' then -1 else 1 end
            * coalesce(settings.points_per_sd / nullif(reference.sd_base, 0), 0) as slope,
        100 + slope * (filled.estimate - reference.city_base) as raw_score,
        -- the score's standard error from the width of the estimate's interval; a borrowed
        -- estimate says nothing about where the area sits around its wijk: one sd (the spread),
        -- on top of the borrowed estimate's own error (a hidden wijk's, rounded to one digit,
        -- moved all its buurten when it was borrowed in one year and not in the other)
        case when filled.source_level = 'own'
                  or (filled.source_level = 'buurten' and filled.area_level = 'gemeente')
            then abs(slope) * (filled.value_high - filled.value_low) / (2 * settings.z)
            else abs(slope) * sqrt(reference.sd_base ** 2
                                   + coalesce((filled.value_high - filled.value_low) / (2 * settings.z), 0) ** 2)
        end as se
    from filled
    inner join themes using (indicator_id)
    inner join catalogue using (indicator_id)
    inner join reference using (indicator_id, period_type)
    inner join periods using (period_type, period)
    cross join settings
    where reference.city_base is not null and filled.estimate is not null
),

-- Real change is tested against the same period a year earlier (a month against that month,
-- a quarter against that quarter, a year against the year before): free of season, and a
-- quarter-on-quarter step is mostly noise at buurt level. Its variance, indicator by indicator:
-- an estimate that is the same in both periods (one survey year, one borrowed wijk value)
-- cancels (and is not tested); otherwise the two periods count as independent.
indicator_changes as (
    select current.area_level, current.area_code, current.period_type, current.period,
        current.indicator_id, current.dimension, current.panel, current.theme_weight,
        current.total_weight,
        current.raw_score - previous.raw_score as change,
        case when current.source_period = previous.source_period
                  and current.source_level = previous.source_level then 0
             else current.se * current.se + previous.se * previous.se end as change_var,
        case when change_var > 0 then two_sided_p(abs(change) / sqrt(change_var)) end as p_value
    from indicator_scores as current
    inner join indicator_scores as previous
        on previous.indicator_id = current.indicator_id
        and previous.area_code = current.area_code
        and previous.period_type = current.period_type
        and previous.period_start = current.period_start - interval 12 month
),

change_variances as (
    select area_level, area_code, period_type, period, dimension,
        sum(theme_weight * theme_weight * change_var) as change_var
    from indicator_changes
    group by all
    union all
    select area_level, area_code, period_type, period, 'totaal',
        sum(total_weight * total_weight * change_var)
    from indicator_changes
    where panel = 'leefbaarheid'
    group by all
),

-- The indicators a theme's (the total's) change test looks at: its own, and all liveability
-- indicators for the total.
indicator_families as (
    select area_level, area_code, period_type, period, dimension, indicator_id, p_value
    from indicator_changes
    union all
    select area_level, area_code, period_type, period, 'totaal', indicator_id, p_value
    from indicator_changes
    where panel = 'leefbaarheid'
),

halves as (
    select area_level, area_code, period_type, period, dimension, panel, half,
        avg(raw_score) as score,
        sqrt(sum(se * se)) / count(*) as se,
        count(*) as n_indicators
    from indicator_scores
    group by all
    having count(*) = any_value(n_in_half)   -- the fixed composition, complete
),

theme_halves as (
    select distinct dimension, panel, half from themes
),

theme_scores as (
    select halves.area_level, halves.area_code, halves.period_type, halves.period,
        halves.dimension, any_value(halves.panel) as panel,
        avg(halves.score) as score,
        sqrt(sum(halves.se * halves.se)) / count(*) as se,
        max(halves.score) filter (where halves.half = 'objective') as objective_score,
        max(halves.se) filter (where halves.half = 'objective') as objective_se,
        max(halves.score) filter (where halves.half = 'subjective') as subjective_score,
        max(halves.se) filter (where halves.half = 'subjective') as subjective_se,
        sum(halves.n_indicators) as n_indicators
    from halves
    group by all
    having count(*) = (select count(*) from theme_halves
                       where theme_halves.dimension = halves.dimension)
),

totals as (
    select area_level, area_code, period_type, period, 'totaal' as dimension,
        'leefbaarheid' as panel,
        avg(score) as score,
        sqrt(sum(se * se)) / count(*) as se,
        avg(objective_score) as objective_score,
        sqrt(sum(objective_se * objective_se)) / count(objective_se) as objective_se,
        avg(subjective_score) as subjective_score,
        sqrt(sum(subjective_se * subjective_se)) / count(subjective_se) as subjective_se,
        sum(n_indicators) as n_indicators
    from theme_scores
    where panel = 'leefbaarheid'
    group by all
    having count(*) = (select count(distinct dimension) from themes
                       where panel = 'leefbaarheid')
),

scores as (
    select * from theme_scores
    union all by name
    select * from totals
),

bounded as (
    select scores.* replace (
        least(settings.score_max, greatest(settings.score_min, scores.score)) as score),
        settings.z, settings.score_min, settings.score_max, periods.period_start as start_day
    from scores
    cross join settings
    inner join periods using (period_type, period)
),

with_changes as (
    select
        bounded.*,
        periods.period_start,
        periods.period_end,
        lag(bounded.score) over same_series as previous_score,
        lag(bounded.se) over same_series as previous_se,
        lag(periods.period_end) over same_series as previous_end,
        year_earlier.score as year_earlier_score
    from bounded
    inner join periods using (period_type, period)
    left join bounded as year_earlier
        on year_earlier.area_code = bounded.area_code
        and year_earlier.area_level = bounded.area_level
        and year_earlier.dimension = bounded.dimension
        and year_earlier.period_type = bounded.period_type
        and year_earlier.start_day = bounded.start_day - interval 12 month
    window same_series as (partition by bounded.area_level, bounded.area_code,
                           bounded.dimension, bounded.period_type order by periods.period_start)
),

change_tests as (
    select
        with_changes.*,
        case when with_changes.previous_end = with_changes.period_start - interval 1 day
            then with_changes.score - with_changes.previous_score end as change,
        with_changes.score - with_changes.year_earlier_score as change_year,
        case when change_variances.change_var > 0
            then two_sided_p(abs(change_year) / sqrt(change_variances.change_var)) end
            as composite_p
    from with_changes
    left join change_variances using (area_level, area_code, period_type, period, dimension)
),

-- One test per area, theme and period of "something in this theme really changed": the
-- theme's own change and each of its indicators' changes, combined with Simes' method
-- (p = min over k of m x p_(k) / k, valid for independent or positively dependent tests). A
-- theme averages up to ten indicators, so a real change in one of them moves the theme by a
-- tenth or less and drowns in the others' noise; Simes keeps it visible without giving up the
-- theme's own test for a change spread over all its indicators.
family_tests as (
    select area_level, area_code, period_type, period, dimension, composite_p as p_value
    from change_tests
    where change_year is not null
    union all
    select families.area_level, families.area_code, families.period_type, families.period,
        families.dimension, families.p_value
    from indicator_families as families
    inner join change_tests using (area_level, area_code, period_type, period, dimension)
    where change_tests.change_year is not null
),

family_ranked as (
    select family_tests.*,
        row_number() over (partition by area_level, area_code, period_type, period, dimension
                           order by p_value nulls last) as k,
        count(p_value) over (partition by area_level, area_code, period_type, period,
                             dimension) as m
    from family_tests
),

simes as (
    select area_level, area_code, period_type, period, dimension,
        least(1, min(m * p_value / k)) as p_value
    from family_ranked
    group by all
),

-- Benjamini-Hochberg over the areas of one level, theme and period: the k smallest p-values
-- with p_(k) <= k / m x q are the discoveries (Benjamini and Bogomolov's selection of
-- families: each area's theme is one family, tested by its Simes p-value).
ranked as (
    select
        change_tests.*,
        simes.p_value,
        row_number() over tested as p_rank,
        count(simes.p_value) over (partition by change_tests.area_level, change_tests.dimension,
                                   change_tests.period_type, change_tests.period) as m
    from change_tests
    left join simes using (area_level, area_code, period_type, period, dimension)
    window tested as (partition by change_tests.area_level, change_tests.dimension,
                      change_tests.period_type, change_tests.period
                      order by simes.p_value nulls last)
),

discoveries as (
    select
        ranked.*,
        max(case when p_value <= p_rank * settings.change_fdr / m then p_rank end)
            over (partition by area_level, dimension, period_type, period) as max_rank
    from ranked
    cross join settings
),

base_scores as (
    select discoveries.area_code, discoveries.dimension, discoveries.score as base_score
    from discoveries
    inner join base using (period_type, period)
),

final as (
    select
        discoveries.area_level,
        discoveries.area_code,
        areas.area_name,
        discoveries.period_type,
        discoveries.period,
        discoveries.dimension,
        discoveries.panel,
        round(discoveries.score, 1) as score,
        round(greatest(discoveries.score_min, discoveries.score - discoveries.z * discoveries.se), 1)
            as score_low,
        round(least(discoveries.score_max, discoveries.score + discoveries.z * discoveries.se), 1)
            as score_high,
        bands.band,
        round(discoveries.objective_score, 1) as objective_score,
        round(discoveries.objective_score - discoveries.z * discoveries.objective_se, 1)
            as objective_low,
        round(discoveries.objective_score + discoveries.z * discoveries.objective_se, 1)
            as objective_high,
        round(discoveries.subjective_score, 1) as subjective_score,
        round(discoveries.subjective_score - discoveries.z * discoveries.subjective_se, 1)
            as subjective_low,
        round(discoveries.subjective_score + discoveries.z * discoveries.subjective_se, 1)
            as subjective_high,
        discoveries.n_indicators,
        round(discoveries.change, 1) as change_previous,
        round(discoveries.change_year, 1) as change_year,
        case when discoveries.change_year is not null
            then coalesce(discoveries.p_rank <= discoveries.max_rank, false) end
            as change_significant,
        round(discoveries.score - base_scores.base_score, 1) as change_base,
        base.period as base_period
    from discoveries
    cross join base
    left join base_scores using (area_code, dimension)
    left join areas using (area_level, area_code)
    left join bands
        on (bands.lower is null or round(discoveries.score, 1) > bands.lower
            or (not bands.lower_open and round(discoveries.score, 1) = bands.lower))
        and (bands.upper is null or round(discoveries.score, 1) < bands.upper
             or (not bands.upper_open and round(discoveries.score, 1) = bands.upper))
)

select * from final
