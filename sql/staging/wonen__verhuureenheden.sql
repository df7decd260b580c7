-- Rental units from each corporation's newest snapshot.
with source as (
    select * from raw.wonen__verhuureenheden
),

newest_snapshot as (
    select _partner, max(_period) as _period
    from source
    group by _partner
),

final as (
    select
        source._partner as partner,
        source.vhe_id,
        source.complex_id,
        source.buurtcode,
        source.woningtype,
        source.bouwjaar,
        source.energielabel,
        source.netto_huur,
        source.status,
        cast(source._period as date) as snapshot_date
    from source
    inner join newest_snapshot using (_partner, _period)
)

select * from final
