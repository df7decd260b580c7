-- Running tenancies in a vulnerable target group per buurt, per 1,000 inhabitants (CBS 2025).
-- Counts under 10 are suppressed and shown counts rounded to 5: a board never sees a number that
-- small, nor an exact one (sources/publication.yaml).
with running as (
    select buurtcode, count(*) as huurcontracten,
        count(*) filter (where kwetsbare_doelgroep) as kwetsbaar
    from core.tenancies
    where einddatum is null and buurtcode is not null
    group by buurtcode
),

buurten as (
    select buurtcode, buurtnaam, wijkcode, wijknaam, inwoners
    from core.dim_buurt
),

shown as (
    -- persons and tenancies of 1-9 are never shown (either count); shown counts are rounded to 5
    -- and the rate is computed from the rounded count, so it gives nothing more away
    select
        buurten.*,
        coalesce(running.huurcontracten, 0) as huurcontracten,
        coalesce(running.kwetsbaar, 0) as kwetsbaar,
        coalesce(running.huurcontracten, 0) between 1 and 9
            or coalesce(running.kwetsbaar, 0) between 1 and 9 as suppressed
    from buurten
    left join running using (buurtcode)
),

final as (
    select
        buurtcode,
        buurtnaam,
        wijkcode,
        wijknaam,
        inwoners,
        case when not suppressed then cast(round(huurcontracten / 5) * 5 as bigint) end
            as huurcontracten,
        case when not suppressed and kwetsbaar >= 10
            then cast(round(kwetsbaar / 5) * 5 as bigint) end as kwetsbare_huurders,
        case when not suppressed and kwetsbaar >= 10 and inwoners > 0
            then round(1000.0 * round(kwetsbaar / 5) * 5 / inwoners, 1) end as per_1000_inwoners,
        suppressed
    from shown
)

select * from final
