-- Which periods each partner dataset covers, so an indicator is only computed where all of its
-- sources were delivered (a month a partner has not delivered yet must not read as zero).
-- Monthly datasets cover a month when every partner delivering the dataset delivered it (an
-- accepted file with no rows counts); full-history datasets cover every month up to their
-- newest delivery; the newest snapshot of rental units stands for the whole window; the survey
-- covers the years delivered. A quarter or year is covered when all of its months are.
with months as (
    select month from core.calendar_months
),

periods as (
    select period_type, period, period_start, period_end, n_months from core.calendar_periods
),

monthly_rows as (
    select 'wonen__huurachterstand' as dataset, partner, delivery_period from staging.wonen__huurachterstand
    union select 'wonen__overlastmeldingen', partner, delivery_period from staging.wonen__overlastmeldingen
    union select 'wonen__woonkosten', partner, delivery_period from staging.wonen__woonkosten
    union select 'veiligheid__incidenten', partner, delivery_period from staging.veiligheid__incidenten
    union select 'zorg__crisismomenten', partner, delivery_period from staging.zorg__crisismomenten
    union select 'zorg__zrm_metingen', partner, delivery_period from staging.zorg__zrm_metingen
    union select 'zorg__zorgkosten', partner, delivery_period from staging.zorg__zorgkosten
    union select 'welzijn__welzijnskosten', partner, delivery_period from staging.welzijn__welzijnskosten
),

ledger as (
    select partner, dataset, period as delivery_period
    from raw.load_ledger
    where decision in ('accepted', 'accepted_with_warnings')
),

monthly_deliveries as (
    select monthly_rows.dataset, monthly_rows.partner, monthly_rows.delivery_period
    from monthly_rows
    union
    select monthly_names.dataset, ledger.partner, ledger.delivery_period
    from ledger
    inner join (select distinct dataset from monthly_rows) as monthly_names
        on split_part(monthly_names.dataset, '__', 2) = ledger.dataset
),

monthly_partners as (
    select dataset, count(distinct partner) as partners
    from monthly_deliveries
    group by dataset
),

monthly_covered as (
    select deliveries.dataset, cast(try_strptime(deliveries.delivery_period, '%Y-%m') as date) as month
    from monthly_deliveries as deliveries
    inner join monthly_partners using (dataset)
    where regexp_full_match(deliveries.delivery_period, '[0-9]{4}-[0-9]{2}')
    group by deliveries.dataset, month, monthly_partners.partners
    having count(distinct deliveries.partner) = monthly_partners.partners
),

full_history as (
    select 'wonen__huurcontracten' as dataset, partner, max(delivery_period) as newest
    from staging.wonen__huurcontracten group by partner
    union all
    select 'zorg__trajecten', partner, max(delivery_period) from staging.zorg__trajecten group by partner
    union all
    select 'welzijn__voorzieningen', partner, max(delivery_period) from staging.welzijn__voorzieningen group by partner
),

full_history_covered as (
    select full_history.dataset, months.month
    from (
        select dataset, min(cast(try_strptime(newest, '%Y-%m') as date)) as newest
        from full_history
        group by dataset
    ) as full_history
    inner join months on months.month <= full_history.newest
),

snapshot_covered as (
    select 'wonen__verhuureenheden' as dataset, months.month
    from months
    where exists (select 1 from staging.wonen__verhuureenheden)
),

covered_months as (
    select dataset, month from monthly_covered
    union
    select dataset, month from full_history_covered
    union
    select dataset, month from snapshot_covered
),

month_based as (
    select covered_months.dataset, periods.period_type, periods.period
    from periods
    inner join covered_months
        on covered_months.month between periods.period_start and periods.period_end
    group by covered_months.dataset, periods.period_type, periods.period, periods.n_months
    having count(distinct covered_months.month) = periods.n_months
),

survey_years as (
    select distinct 'bewoners__bewonersenquete' as dataset, 'year' as period_type,
        cast(jaar as varchar) as period
    from staging.bewoners__bewonersenquete
    where jaar between (select min(year(month)) from months) and (select max(year(month)) from months)
),

final as (
    select dataset, period_type, period from month_based
    union all
    select dataset, period_type, period from survey_years
)

select * from final
