-- Tenancy contracts as the corporations know them now: every monthly file repeats the full
-- history, so only each corporation's newest delivery counts.
with source as (
    select * from raw.wonen__huurcontracten
),

newest_delivery as (
    select _partner, max(_period) as _period
    from source
    group by _partner
),

final as (
    select
        source._partner as partner,
        source.contract_id,
        source.persoon_pseudoniem,
        source.vhe_id,
        source.startdatum,
        source.einddatum,
        source.einde_reden,
        source.doelgroep,
        source.begeleidingsafspraak = 'ja' as begeleidingsafspraak,
        source._period as delivery_period
    from source
    inner join newest_delivery using (_partner, _period)
)

select * from final
