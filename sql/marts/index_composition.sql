-- Which indicators of each theme's composition (core.index_themes) the liveability index scores.
-- An indicator is placed against the city in the base period, so one without any published
-- estimate there (in the gemeente, or in a buurt or wijk the gemeente can take its mean from)
-- cannot be scored anywhere: it is left out of its theme for every area and period until the
-- base is re-decided, rather than leaving the theme and the total without a score in every
-- period (a small gemeente's evictions of a year may be too few to publish anywhere: the demo's
-- city had no wonen and no total until the disclosure audit spared its 51 of 2025). The
-- composition stays fixed for every area and period of one base, so a change is still a
-- change; the board report names what is left out. A rare event or the survey is
-- scored by calendar year (sql/marts/liveability_index.sql, yearly_sources): its base is the
-- latest year up to the base period's.
with settings as (
    select base_period from core.index_settings
),

base as (
    select periods.period_type, periods.period,
        cast(year(periods.period_start) as varchar) as base_year
    from core.calendar_periods as periods
    inner join settings on periods.period = settings.base_period
),

catalogue as (
    select indicator_id, not objective or pooling is not null as yearly
    from core.indicator_catalogue
),

-- A yearly indicator's base, as the index reads it: the latest published year up to the base
-- period's year (hidden or not).
base_years as (
    select published.indicator_id, max(published.period) as source_year
    from marts.indicator_values_published as published
    cross join base
    where published.period_type = 'year' and published.period <= base.base_year
    group by published.indicator_id
),

-- Indicators the city can be placed against: a published estimate in the base period itself
-- (for a yearly indicator in its base year). One rule for every period type, so a theme has one
-- composition; a month or quarter series whose base-year months or quarters have no city value
-- stays unscored, as any theme missing an indicator in a period.
based as (
    select distinct published.indicator_id
    from marts.indicator_values_published as published
    inner join catalogue using (indicator_id)
    cross join base
    left join base_years using (indicator_id)
    where published.estimate is not null
        and case when catalogue.yearly
            then published.period_type = 'year' and published.period = base_years.source_year
            else published.period_type = base.period_type
                and published.period = base.period end
),

composition as (
    select themes.dimension, themes.panel, themes.half, themes.indicator_id,
        based.indicator_id is not null as in_index
    from core.index_themes as themes
    left join based using (indicator_id)
)

select composition.dimension, composition.panel, composition.half, composition.indicator_id,
    composition.in_index,
    count(*) filter (where composition.in_index)
        over (partition by composition.dimension, composition.half) as n_in_half,
    settings.base_period
from composition
cross join settings
