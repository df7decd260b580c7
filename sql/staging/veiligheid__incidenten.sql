-- Police incidents aggregated per buurt, month and kind: no persons, never linked to persons.
-- partition column: delivery_period (one partition per delivery month)
with source as (
    select * from raw.veiligheid__incidenten
),

final as (
    select
        source._partner as partner,
        source.buurtcode,
        source.maand,
        source.incidentsoort,
        source.aantal,
        source._period as delivery_period
    from source
)

select * from final
