-- ZRM-2017 measurements: 13 ordinal domains 1-5 per person and date (never summed).
-- partition column: delivery_period (one partition per delivery month)
with source as (
    select * from raw.zorg__zrm_metingen
),

final as (
    select
        source._partner as partner,
        source.persoon_pseudoniem,
        source.meetdatum,
        source.financien,
        source.werk_opleiding,
        source.tijdsbesteding,
        source.huisvesting,
        source.huiselijke_relaties,
        source.geestelijke_gezondheid,
        source.lichamelijke_gezondheid,
        source.middelengebruik,
        source.basale_adl,
        source.instrumentele_adl,
        source.sociaal_netwerk,
        source.maatschappelijke_participatie,
        source.justitie,
        source._period as delivery_period
    from source
)

select * from final
