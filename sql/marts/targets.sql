-- When is it solved? Every target of sources/targets.yaml (core.targets) per area and period: the
-- measured value (published estimate, index score or programme outcome rate), the target value,
-- the trajectory (a straight line from the area's own value in the pinned base period, or the
-- programme's first complete pooled cohort, to the target at the end of target_year) and a status: reached,
-- on_track (at least as good as the trajectory) or behind. The measured value keeps its interval
-- as published (value_low, value_high), and status_certain says whether all of it agrees with the
-- status against all of the line's own interval (from the base value's: the base row of the same
-- target and area shows it): a board reads a target line with its uncertainty. Reads published
-- tables only.
with targets as (
    select * from core.targets
),

settings as (
    select base_period from core.index_settings
),

periods as (
    select period_type, period, period_end from core.calendar_periods
),

measured as (
    select 'indicator' as subject_kind, published.indicator_id as subject_id,
        cast(null as varchar) as programme, published.area_level, published.area_code,
        published.period_type, published.period, periods.period_end, published.estimate as value,
        published.value_low, published.value_high
    from marts.indicator_values_published as published
    inner join periods using (period_type, period)
    -- years only: a rate per quarter is on another scale than the base year's
    where published.period_type = 'year' and published.estimate is not null
    union all
    select 'index', index.dimension, null, index.area_level, index.area_code, index.period_type,
        index.period, periods.period_end, index.score, index.score_low, index.score_high
    from marts.liveability_index as index
    inner join periods using (period_type, period)
    where index.period_type in ('quarter', 'year')
    union all
    select 'programme_outcome', outcomes.outcome_id, outcomes.programme, outcomes.area_level,
        outcomes.area_code, 'cohort', outcomes.cohort,
        -- a pool 'YYYY-Qn..YYYY-Qn' ends on the last day of its last quarter, a calendar-year
        -- pool 'YYYY' on 31 December
        cast(case
            when regexp_full_match(outcomes.cohort, '\d{4}')
                then make_date(cast(outcomes.cohort as integer), 12, 31)
            else make_date(cast(left(right(outcomes.cohort, 7), 4) as integer),
                           3 * cast(right(outcomes.cohort, 1) as integer), 1)
                + interval 1 month - interval 1 day
        end as date),
        outcomes.outcome_rate, outcomes.outcome_rate_low, outcomes.outcome_rate_high
    from marts.cost_per_outcome as outcomes
    -- the pooled cohorts the report shows, complete ones only: one start quarter is too small to
    -- judge, and a cohort still under observation is not comparable with a finished one
    where outcomes.programme_role = 'programme' and outcomes.outcome_rate is not null
        and outcomes.cohort_kind = 'pool' and not coalesce(outcomes.provisional, true)
),

target_measures as (
    select targets.*, measured.area_code, measured.period_type, measured.period,
        measured.period_end, measured.value, measured.value_low, measured.value_high
    from targets
    inner join measured
        on measured.subject_kind = targets.subject_kind
        and measured.subject_id = targets.subject_id
        and measured.area_level = targets.area_level
        and measured.programme is not distinct from targets.programme
),

-- The starting point: the area's value in the base period, for a programme its first complete
-- pooled cohort, with the interval it was published with.
starts as (
    select target_measures.target_id, target_measures.area_code,
        arg_min(target_measures.value, target_measures.period_end) filter (
            where target_measures.subject_kind = 'programme_outcome'
               or target_measures.period = settings.base_period) as base_value,
        arg_min(target_measures.value_low, target_measures.period_end) filter (
            where target_measures.subject_kind = 'programme_outcome'
               or target_measures.period = settings.base_period) as base_low,
        arg_min(target_measures.value_high, target_measures.period_end) filter (
            where target_measures.subject_kind = 'programme_outcome'
               or target_measures.period = settings.base_period) as base_high,
        min(target_measures.period_end) filter (
            where target_measures.subject_kind = 'programme_outcome'
               or target_measures.period = settings.base_period) as base_end
    from target_measures
    cross join settings
    group by all
),

progress as (
    -- how far along the line a period lies: 0 at the base, 1 at the end of the target year
    select
        target_measures.*,
        starts.base_value,
        coalesce(starts.base_low, starts.base_value) as base_low,
        coalesce(starts.base_high, starts.base_value) as base_high,
        least(1.0, greatest(0.0,
            datediff('day', starts.base_end, target_measures.period_end)
            / nullif(datediff('day', starts.base_end, make_date(target_measures.target_year, 12, 31)), 0)))
            as progress
    from target_measures
    left join starts using (target_id, area_code)
),

trajectories as (
    -- The line from the base to the goal, and where it lies for the ends of the base's interval:
    -- the base is an estimate too, so the line (and a goal relative to the base) is uncertain
    select
        progress.*,
        coalesce(target_value, relative_to_base * base_value) as goal,
        least(coalesce(target_value, relative_to_base * base_low),
              coalesce(target_value, relative_to_base * base_high)) as goal_low,
        greatest(coalesce(target_value, relative_to_base * base_low),
                 coalesce(target_value, relative_to_base * base_high)) as goal_high,
        base_value + (goal - base_value) * progress as trajectory_value,
        least(base_low + (coalesce(target_value, relative_to_base * base_low) - base_low) * progress,
              base_high + (coalesce(target_value, relative_to_base * base_high) - base_high) * progress)
            as trajectory_low,
        greatest(base_low + (coalesce(target_value, relative_to_base * base_low) - base_low) * progress,
                 base_high + (coalesce(target_value, relative_to_base * base_high) - base_high) * progress)
            as trajectory_high
    from progress
),

final as (
    select
        target_id,
        subject_kind,
        subject_id,
        programme,
        area_level,
        area_code,
        period_type,
        period,
        round(value, 4) as value,
        round(value_low, 4) as value_low,
        round(value_high, 4) as value_high,
        round(goal, 4) as target_value,
        target_year,
        round(base_value, 4) as base_value,
        round(trajectory_value, 4) as trajectory_value,
        direction,
        case
            when goal is null then null
            when (direction = 'at_least' and value >= goal)
              or (direction = 'at_most' and value <= goal) then 'reached'
            when trajectory_value is not null
              and ((direction = 'at_least' and value >= trajectory_value)
                   or (direction = 'at_most' and value <= trajectory_value)) then 'on_track'
            else 'behind'
        end as status,
        -- Whether the whole interval agrees with that status, against the whole interval of the
        -- line (or of a goal relative to the base): reached by its worst end, on track by its
        -- worst end, behind by its best end. Two intervals that do not overlap: cautious, as
        -- the difference's own interval would be narrower. NULL without an interval (or status).
        case
            when goal is null or value_low is null or value_high is null then null
            when (direction = 'at_least' and value >= goal)
              or (direction = 'at_most' and value <= goal)
                then (direction = 'at_least' and value_low >= goal_high)
                  or (direction = 'at_most' and value_high <= goal_low)
            when trajectory_value is not null
              and ((direction = 'at_least' and value >= trajectory_value)
                   or (direction = 'at_most' and value <= trajectory_value))
                then (direction = 'at_least' and value_low >= trajectory_high)
                  or (direction = 'at_most' and value_high <= trajectory_low)
            when trajectory_value is null then null
            else (direction = 'at_least' and value_high < trajectory_low)
              or (direction = 'at_most' and value_low > trajectory_high)
        end as status_certain,
        source,
        source_note
    from trajectories
)

select * from final
