-- The periods indicators are published for: every month of the window, and the quarters and
-- years that lie entirely inside it (a partial quarter or year would understate every count).
with months as (
    select month from core.calendar_months
),

month_periods as (
    select
        'month' as period_type,
        strftime(month, '%Y-%m') as period,
        month as period_start,
        cast(month + interval 1 month - interval 1 day as date) as period_end,
        1 as n_months
    from months
),

quarter_periods as (
    select
        'quarter' as period_type,
        year(month) || '-Q' || quarter(month) as period,
        min(month) as period_start,
        cast(max(month) + interval 1 month - interval 1 day as date) as period_end,
        count(*) as n_months
    from months
    group by all
    having count(*) = 3
),

year_periods as (
    select
        'year' as period_type,
        cast(year(month) as varchar) as period,
        min(month) as period_start,
        cast(max(month) + interval 1 month - interval 1 day as date) as period_end,
        count(*) as n_months
    from months
    group by all
    having count(*) = 12
),

final as (
    select * from month_periods
    union all
    select * from quarter_periods
    union all
    select * from year_periods
)

select * from final
