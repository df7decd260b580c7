-- Welfare provisions as the municipality knows them now.
-- Every monthly file repeats the full history, so only each partner's newest delivery counts.
with source as (
    select * from raw.welzijn__voorzieningen
),

newest_delivery as (
    select _partner, max(_period) as _period
    from source
    group by _partner
),

final as (
    select
        source._partner as partner,
        source.voorziening_id,
        source.persoon_pseudoniem,
        source.buurtcode,
        source.soort,
        source.startdatum,
        source.einddatum,
        source._period as delivery_period
    from source
    inner join newest_delivery using (_partner, _period)
)

select * from final
