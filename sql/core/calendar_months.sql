-- Every month from the first to the last month delivered by any monthly partner dataset: the
-- window the liveability indicators are computed in (full-history and snapshot files say
-- nothing about which months are covered, so only monthly deliveries open the window).
with delivered as (
    select delivery_period from staging.wonen__huurachterstand
    union select delivery_period from staging.wonen__overlastmeldingen
    union select delivery_period from staging.wonen__woonkosten
    union select delivery_period from staging.veiligheid__incidenten
    union select delivery_period from staging.zorg__crisismomenten
    union select delivery_period from staging.zorg__zrm_metingen
    union select delivery_period from staging.zorg__zorgkosten
    union select delivery_period from staging.welzijn__welzijnskosten
),

months as (
    select distinct cast(try_strptime(delivery_period, '%Y-%m') as date) as month
    from delivered
    where regexp_full_match(delivery_period, '[0-9]{4}-[0-9]{2}')
),

bounds as (
    select min(month) as first_month, max(month) as last_month
    from months
),

final as (
    select cast(series.range as date) as month
    from bounds,
        range(bounds.first_month, bounds.last_month + interval 1 month, interval 1 month) as series
    where bounds.first_month is not null
)

select * from final
