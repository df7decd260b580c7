-- Nuisance reports, one row per report; the month's file replaces that month.
-- partition column: delivery_period (one partition per delivery month)
with source as (
    select * from raw.wonen__overlastmeldingen
),

final as (
    select
        source._partner as partner,
        source.melding_id,
        source.meldingsdatum,
        source.buurtcode,
        source.complex_id,
        source.categorie,
        source.veroorzaker_contract_id,
        source.afgehandeld_op,
        source._period as delivery_period
    from source
)

select * from final
