-- Police incidents aggregated per buurt, month and kind: no persons, never linked to persons.
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
