-- Resident survey per buurt, year and question (aggregated; the subjective half of the index).
with source as (
    select * from raw.bewoners__bewonersenquete
),

final as (
    select
        source._partner as partner,
        source.buurtcode,
        source.jaar,
        source.vraag,
        source.n_respondenten,
        source.score,
        source._period as delivery_period
    from source
)

select * from final
