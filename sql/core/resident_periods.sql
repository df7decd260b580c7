-- One row per resident and buurt per period in which the resident had a welfare provision
-- running, with the kinds. The buurt is the provision's own buurtcode (the municipality's
-- registration), so residents who do not rent from a corporation count too.
with periods as (
    select period_type, period, period_start, period_end from core.calendar_periods
),

provisions as (
    select persoon_pseudoniem, buurtcode, soort, startdatum, einddatum
    from staging.welzijn__voorzieningen
    where startdatum is not null
),

final as (
    select
        provisions.persoon_pseudoniem,
        provisions.buurtcode,
        periods.period_type,
        periods.period,
        bool_or(provisions.soort = 'schuldhulp') as schuldhulp,
        bool_or(provisions.soort = 'bijstand') as bijstand,
        bool_or(provisions.soort in ('wmo_begeleiding', 'dagbesteding')) as wmo,
        bool_or(provisions.soort = 'wijkteam') as wijkteam
    from provisions
    inner join periods
        on provisions.startdatum <= periods.period_end
        and (provisions.einddatum is null or provisions.einddatum >= periods.period_start)
    group by all
)

select * from final
