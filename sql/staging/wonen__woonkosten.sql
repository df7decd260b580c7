-- Housing corporation costs per contract, month and cost type.
-- partition column: delivery_period (one partition per delivery month)
with source as (
    select * from raw.wonen__woonkosten
),

final as (
    select
        source._partner as partner,
        source.contract_id,
        source.maand,
        source.kostensoort,
        source.bedrag_eur,
        source._period as delivery_period
    from source
)

select * from final
