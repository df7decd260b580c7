-- The Leefbaarometer 3.0 beside our index, as its own named classes: the 20 Rotterdam wijken
-- 2002-2024 and the buurten 2024, with the class of the total (afw) from the boundaries cited in
-- sources/reference/lbm_classes.yaml, the score and the five dimensions (wijken: from 2018).
-- Bron: Leefbaarometer, Ministerie van BZK.
with classes as (
    select klasse, nl as klasse_nl, en as klasse_en, lower, upper from core.leefbaarometer_klassen
),

scores as (
    select 'wijk' as area_level, wijkcode as area_code, wijknaam as area_name, jaar, lbm, afw,
        fys, onv, soc, vrz, won
    from core.leefbaarometer_wijken
    union all
    select 'buurt', buurtcode, buurtnaam, jaar, lbm, afw, fys, onv, soc, vrz, won
    from core.leefbaarometer
),

final as (
    select scores.*, classes.klasse, classes.klasse_nl, classes.klasse_en
    from scores
    left join classes
        on (classes.lower is null or scores.afw >= classes.lower)
        and (classes.upper is null or scores.afw < classes.upper)
)

select * from final
