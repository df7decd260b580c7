-- Care costs per trajectory per month.
-- partition column: delivery_period (one partition per delivery month)
with source as (
    select * from raw.zorg__zorgkosten
),

final as (
    select
        source._partner as partner,
        source.traject_id,
        source.maand,
        source.bedrag_eur,
        source._period as delivery_period
    from source
)

select * from final
