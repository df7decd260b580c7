-- ZRM-2017 scores in long form: one row per person, measurement date and domain with a score
-- (1-5, ordinal). Empty domains are left out; they are never summed or averaged, only compared
-- domain by domain. Two measurements of one person on one day keep the lower score (cautious).
with measurements as (
    select * from staging.zorg__zrm_metingen
),

long as (
    unpivot measurements
    on financien, werk_opleiding, tijdsbesteding, huisvesting, huiselijke_relaties,
       geestelijke_gezondheid, lichamelijke_gezondheid, middelengebruik, basale_adl,
       instrumentele_adl, sociaal_netwerk, maatschappelijke_participatie, justitie
    into name domain value score
),

final as (
    select
        long.persoon_pseudoniem,
        long.meetdatum,
        long.domain,
        min(long.score) as score
    from long
    where long.score is not null
    group by long.persoon_pseudoniem, long.meetdatum, long.domain
)

select * from final
