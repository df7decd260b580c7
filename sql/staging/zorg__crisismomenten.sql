-- Crisis events per person (admission, crisis service, police intervention).
-- partition column: delivery_period (one partition per delivery month)
with source as (
    select * from raw.zorg__crisismomenten
),

final as (
    select
        source._partner as partner,
        source.persoon_pseudoniem,
        source.datum,
        source.soort,
        source._period as delivery_period
    from source
)

select * from final
