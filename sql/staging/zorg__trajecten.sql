-- Care trajectories as the care provider knows them now.
-- Every monthly file repeats the full history, so only each partner's newest delivery counts.
with source as (
    select * from raw.zorg__trajecten
),

newest_delivery as (
    select _partner, max(_period) as _period
    from source
    group by _partner
),

final as (
    select
        source._partner as partner,
        source.traject_id,
        source.persoon_pseudoniem,
        source.zorgvorm,
        source.startdatum,
        source.einddatum,
        source.einde_reden,
        source._period as delivery_period
    from source
    inner join newest_delivery using (_partner, _period)
)

select * from final
