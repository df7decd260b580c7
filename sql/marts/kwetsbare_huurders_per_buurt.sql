-- Running tenancies in a vulnerable target group per buurt, per 1,000 inhabitants (CBS 2025), in
-- the newest month marts.concentration shows (the newest month every corporation delivered).
-- The counts, rounded to 5, and whether a buurt is hidden are concentration's, which shares its
-- pattern with every mart showing running tenancies (core.tenancy_mix_published): a board never
-- sees a count of 1-9, nor an exact one, and no mart gives another's hidden count away. The rate
-- is computed from the rounded count, so it gives nothing more away (sources/publication.yaml).
with newest as (
    select max(period) as period from marts.concentration
),

concentration as (
    select concentration.*
    from marts.concentration as concentration
    inner join newest using (period)
),

buurten as (
    select buurtcode, buurtnaam, wijkcode, wijknaam, inwoners
    from core.dim_buurt
),

final as (
    select
        buurten.buurtcode,
        buurten.buurtnaam,
        buurten.wijkcode,
        buurten.wijknaam,
        buurten.inwoners,
        concentration.running as huurcontracten,
        concentration.vulnerable as kwetsbare_huurders,
        case when buurten.inwoners > 0
            then round(1000.0 * concentration.vulnerable / buurten.inwoners, 1) end as per_1000_inwoners,
        coalesce(concentration.suppressed, false) as suppressed
    from buurten
    left join concentration using (buurtcode)
)

select * from final
