-- Running tenancies in a vulnerable target group per buurt, per 1,000 inhabitants (CBS 2025).
-- Counts under 10 are suppressed: a board never sees a number that small.
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

final as (
    select
        buurten.buurtcode,
        buurten.buurtnaam,
        buurten.wijkcode,
        buurten.wijknaam,
        buurten.inwoners,
        coalesce(running.huurcontracten, 0) as huurcontracten,
        case when running.kwetsbaar >= 10 then running.kwetsbaar end as kwetsbare_huurders,
        case when running.kwetsbaar >= 10 and buurten.inwoners > 0
            then round(1000.0 * running.kwetsbaar / buurten.inwoners, 1) end as per_1000_inwoners,
        coalesce(running.kwetsbaar, 0) between 1 and 9 as suppressed
    from buurten
    left join running using (buurtcode)
)

select * from final
