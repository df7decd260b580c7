-- Welfare costs per provision per month.
-- partition column: delivery_period (one partition per delivery month)
with source as (
    select * from raw.welzijn__welzijnskosten
),

final as (
    select
        source._partner as partner,
        source.voorziening_id,
        source.maand,
        source.bedrag_eur,
        source._period as delivery_period
    from source
)

select * from final
