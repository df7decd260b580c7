-- Rent arrears per contract per month, as delivered (a correction replaces its month).
-- partition column: delivery_period (one partition per delivery month)
with source as (
    select * from raw.wonen__huurachterstand
),

final as (
    select
        source._partner as partner,
        source.contract_id,
        source.maand,
        source.achterstand_eur,
        source.maanden_achterstand,
        source._period as delivery_period
    from source
)

select * from final
