-- One row per buurt: our liveability index (total and themes) for the latest complete year
-- (else quarter) beside open data for context: CBS inhabitants and households (Kerncijfers
-- wijken en buurten 2025) and the Leefbaarometer 3.0 score 2024 with its named class (Ministerie van BZK).
-- Bron: CBS (CC BY 4.0); Leefbaarometer, Ministerie van BZK.
with buurten as (
    select buurtcode, buurtnaam, wijkcode, wijknaam, inwoners, huishoudens from core.dim_buurt
),

latest as (
    select period_type, max(period) as period
    from marts.liveability_index
    where period_type = case
        when exists (select 1 from marts.liveability_index where period_type = 'year') then 'year'
        else 'quarter' end
    group by period_type
),

index_scores as (
    select
        liveability.area_code as buurtcode,
        any_value(liveability.period) as index_period,
        any_value(liveability.base_period) as base_period,
        max(liveability.score) filter (where liveability.dimension = 'totaal') as index_totaal,
        max(liveability.band) filter (where liveability.dimension = 'totaal') as band_totaal,
        max(liveability.change_base) filter (where liveability.dimension = 'totaal')
            as index_totaal_change_base,
        max(liveability.score) filter (where liveability.dimension = 'wonen') as index_wonen,
        max(liveability.score) filter (where liveability.dimension = 'veiligheid') as index_veiligheid,
        max(liveability.score) filter (where liveability.dimension = 'sociaal') as index_sociaal,
        max(liveability.score) filter (where liveability.dimension = 'zorgvraag') as index_zorgvraag
    from marts.liveability_index as liveability
    inner join latest using (period_type, period)
    where liveability.area_level = 'buurt'
    group by liveability.area_code
),

lbm as (
    select area_code as buurtcode, lbm, afw, fys, onv, soc, vrz, won, klasse_nl
    from marts.leefbaarometer where area_level = 'buurt' and jaar = 2024
),

final as (
    select
        buurten.buurtcode,
        buurten.buurtnaam,
        buurten.wijkcode,
        buurten.wijknaam,
        buurten.inwoners,
        buurten.huishoudens,
        index_scores.index_period,
        index_scores.base_period,
        index_scores.index_totaal,
        index_scores.band_totaal,
        index_scores.index_totaal_change_base,
        index_scores.index_wonen,
        index_scores.index_veiligheid,
        index_scores.index_sociaal,
        index_scores.index_zorgvraag,
        lbm.lbm as lbm_2024,
        lbm.klasse_nl as lbm_2024_klasse,
        lbm.afw as lbm_2024_afwijking,
        lbm.fys as lbm_2024_fysiek,
        lbm.onv as lbm_2024_onveiligheid,
        lbm.soc as lbm_2024_sociaal,
        lbm.vrz as lbm_2024_voorzieningen,
        lbm.won as lbm_2024_woningen
    from buurten
    left join index_scores using (buurtcode)
    left join lbm using (buurtcode)
)

select * from final
