-- Numerator and denominator of every liveability indicator per buurt and period, one CTE per
-- indicator, in long format (marts.indicator_values adds empty buurten, wijken, the gemeente).
-- GENERATED from sources/indicators.yaml by `python -m sources.indicators`: edit the
-- catalogue, not this file.
with huurachterstand_pct as (
    -- Rent arrears: tenancies with arrears above 0 euro in a month of the period / tenancies running in the period
    select 'huurachterstand_pct' as indicator_id, buurtcode, period_type, period,
        coalesce(cast(count(*) filter (where in_arrears) as double), 0) as numerator,
        coalesce(cast(count(*) as double), 0) as denominator,
        cast(null as double) as largest
    from core.tenancy_periods
    group by buurtcode, period_type, period
),

achterstand_diepte_eur as (
    -- Depth of rent arrears: sum of each tenancy's highest arrears (euro) in the period / tenancies in arrears in the period
    select 'achterstand_diepte_eur' as indicator_id, buurtcode, period_type, period,
        coalesce(cast(sum(arrears_eur) filter (where in_arrears) as double), 0) as numerator,
        coalesce(cast(count(*) filter (where in_arrears) as double), 0) as denominator,
        cast(max(arrears_eur) filter (where in_arrears) as double) as largest
    from core.tenancy_periods
    group by buurtcode, period_type, period
),

ernstige_achterstand_pct as (
    -- Serious rent arrears: tenancies 3 or more months in arrears / tenancies running in the period
    select 'ernstige_achterstand_pct' as indicator_id, buurtcode, period_type, period,
        coalesce(cast(count(*) filter (where severe_arrears) as double), 0) as numerator,
        coalesce(cast(count(*) as double), 0) as denominator,
        cast(null as double) as largest
    from core.tenancy_periods
    group by buurtcode, period_type, period
),

huisuitzettingen_per_1000 as (
    -- Evictions: tenancies ending in the period with end reason eviction / tenancies running in the period
    select 'huisuitzettingen_per_1000' as indicator_id, buurtcode, period_type, period,
        coalesce(cast(count(*) filter (where evicted) as double), 0) as numerator,
        coalesce(cast(count(*) as double), 0) as denominator,
        cast(null as double) as largest
    from core.tenancy_periods
    group by buurtcode, period_type, period
),

mutatiegraad_pct as (
    -- Tenancy turnover: tenancies ending in the period / tenancies running in the period
    select 'mutatiegraad_pct' as indicator_id, buurtcode, period_type, period,
        coalesce(cast(count(*) filter (where ended) as double), 0) as numerator,
        coalesce(cast(count(*) as double), 0) as denominator,
        cast(null as double) as largest
    from core.tenancy_periods
    group by buurtcode, period_type, period
),

leegstand_pct as (
    -- Vacancy: homes without a running tenancy on the period's last day / corporation homes in the newest snapshot, not sold
    select 'leegstand_pct' as indicator_id, buurtcode, period_type, period,
        sum(numerator) as numerator, sum(denominator) as denominator, max(largest) as largest
    from (
        select buurtcode, period_type, period,
            coalesce(cast(count(*) filter (where vacant) as double), 0) as numerator, 0.0 as denominator,
            cast(null as double) as largest
        from core.unit_periods
        group by buurtcode, period_type, period
        union all
        select buurtcode, period_type, period,
            0.0, coalesce(cast(sum(homes) as double), 0), cast(null as double)
        from core.buurt_periods
        group by buurtcode, period_type, period
    )
    group by buurtcode, period_type, period
),

incidenten_per_1000 as (
    -- Incidents: incidents in the period (all kinds) / inhabitants according to CBS key figures for wijken and buurten 2025
    select 'incidenten_per_1000' as indicator_id, buurtcode, period_type, period,
        coalesce(cast(sum(incidents_total) as double), 0) as numerator,
        coalesce(cast(sum(inwoners) as double), 0) as denominator,
        cast(null as double) as largest
    from core.buurt_periods
    group by buurtcode, period_type, period
),

verward_gedrag_per_1000 as (
    -- Incidents with confused persons: incidents of kind verward_persoon / inhabitants according to CBS key figures for wijken and buurten 2025
    select 'verward_gedrag_per_1000' as indicator_id, buurtcode, period_type, period,
        coalesce(cast(sum(incidents_verward_persoon) as double), 0) as numerator,
        coalesce(cast(sum(inwoners) as double), 0) as denominator,
        cast(null as double) as largest
    from core.buurt_periods
    group by buurtcode, period_type, period
),

jeugdoverlast_per_1000 as (
    -- Youth nuisance: incidents of kind overlast_jeugd / inhabitants according to CBS key figures for wijken and buurten 2025
    select 'jeugdoverlast_per_1000' as indicator_id, buurtcode, period_type, period,
        coalesce(cast(sum(incidents_overlast_jeugd) as double), 0) as numerator,
        coalesce(cast(sum(inwoners) as double), 0) as denominator,
        cast(null as double) as largest
    from core.buurt_periods
    group by buurtcode, period_type, period
),

burenruzie_per_1000 as (
    -- Neighbour disputes: incidents of kind burenruzie / inhabitants according to CBS key figures for wijken and buurten 2025
    select 'burenruzie_per_1000' as indicator_id, buurtcode, period_type, period,
        coalesce(cast(sum(incidents_burenruzie) as double), 0) as numerator,
        coalesce(cast(sum(inwoners) as double), 0) as denominator,
        cast(null as double) as largest
    from core.buurt_periods
    group by buurtcode, period_type, period
),

woninginbraak_per_1000 as (
    -- Burglaries: incidents of kind woninginbraak / inhabitants according to CBS key figures for wijken and buurten 2025
    select 'woninginbraak_per_1000' as indicator_id, buurtcode, period_type, period,
        coalesce(cast(sum(incidents_woninginbraak) as double), 0) as numerator,
        coalesce(cast(sum(inwoners) as double), 0) as denominator,
        cast(null as double) as largest
    from core.buurt_periods
    group by buurtcode, period_type, period
),

geweld_per_1000 as (
    -- Violent incidents: incidents of kind geweld / inhabitants according to CBS key figures for wijken and buurten 2025
    select 'geweld_per_1000' as indicator_id, buurtcode, period_type, period,
        coalesce(cast(sum(incidents_geweld) as double), 0) as numerator,
        coalesce(cast(sum(inwoners) as double), 0) as denominator,
        cast(null as double) as largest
    from core.buurt_periods
    group by buurtcode, period_type, period
),

vernieling_per_1000 as (
    -- Vandalism: incidents of kind vernieling / inhabitants according to CBS key figures for wijken and buurten 2025
    select 'vernieling_per_1000' as indicator_id, buurtcode, period_type, period,
        coalesce(cast(sum(incidents_vernieling) as double), 0) as numerator,
        coalesce(cast(sum(inwoners) as double), 0) as denominator,
        cast(null as double) as largest
    from core.buurt_periods
    group by buurtcode, period_type, period
),

drugsoverlast_per_1000 as (
    -- Drug nuisance: incidents of kind drugsoverlast / inhabitants according to CBS key figures for wijken and buurten 2025
    select 'drugsoverlast_per_1000' as indicator_id, buurtcode, period_type, period,
        coalesce(cast(sum(incidents_drugsoverlast) as double), 0) as numerator,
        coalesce(cast(sum(inwoners) as double), 0) as denominator,
        cast(null as double) as largest
    from core.buurt_periods
    group by buurtcode, period_type, period
),

overlastmeldingen_per_1000_woningen as (
    -- Nuisance reports to the corporation: nuisance reports dated in the period / corporation homes in the newest snapshot, not sold
    select 'overlastmeldingen_per_1000_woningen' as indicator_id, buurtcode, period_type, period,
        coalesce(cast(sum(nuisance_reports) as double), 0) as numerator,
        coalesce(cast(sum(homes) as double), 0) as denominator,
        cast(null as double) as largest
    from core.buurt_periods
    group by buurtcode, period_type, period
),

voorzieningen_per_1000 as (
    -- Residents with a welfare provision: persons with a provision running in the period, in the provision's buurt / inhabitants according to CBS key figures for wijken and buurten 2025
    select 'voorzieningen_per_1000' as indicator_id, buurtcode, period_type, period,
        sum(numerator) as numerator, sum(denominator) as denominator, max(largest) as largest
    from (
        select buurtcode, period_type, period,
            coalesce(cast(count(*) as double), 0) as numerator, 0.0 as denominator,
            cast(null as double) as largest
        from core.resident_periods
        group by buurtcode, period_type, period
        union all
        select buurtcode, period_type, period,
            0.0, coalesce(cast(sum(inwoners) as double), 0), cast(null as double)
        from core.buurt_periods
        group by buurtcode, period_type, period
    )
    group by buurtcode, period_type, period
),

schuldhulp_per_1000 as (
    -- Residents in debt help: persons with debt help running in the period / inhabitants according to CBS key figures for wijken and buurten 2025
    select 'schuldhulp_per_1000' as indicator_id, buurtcode, period_type, period,
        sum(numerator) as numerator, sum(denominator) as denominator, max(largest) as largest
    from (
        select buurtcode, period_type, period,
            coalesce(cast(count(*) filter (where schuldhulp) as double), 0) as numerator, 0.0 as denominator,
            cast(null as double) as largest
        from core.resident_periods
        group by buurtcode, period_type, period
        union all
        select buurtcode, period_type, period,
            0.0, coalesce(cast(sum(inwoners) as double), 0), cast(null as double)
        from core.buurt_periods
        group by buurtcode, period_type, period
    )
    group by buurtcode, period_type, period
),

bijstand_per_1000 as (
    -- Residents on income support: persons with income support running in the period / inhabitants according to CBS key figures for wijken and buurten 2025
    select 'bijstand_per_1000' as indicator_id, buurtcode, period_type, period,
        sum(numerator) as numerator, sum(denominator) as denominator, max(largest) as largest
    from (
        select buurtcode, period_type, period,
            coalesce(cast(count(*) filter (where bijstand) as double), 0) as numerator, 0.0 as denominator,
            cast(null as double) as largest
        from core.resident_periods
        group by buurtcode, period_type, period
        union all
        select buurtcode, period_type, period,
            0.0, coalesce(cast(sum(inwoners) as double), 0), cast(null as double)
        from core.buurt_periods
        group by buurtcode, period_type, period
    )
    group by buurtcode, period_type, period
),

wmo_per_1000 as (
    -- Residents with social support (Wmo): persons with Wmo support or day activities running in the period / inhabitants according to CBS key figures for wijken and buurten 2025
    select 'wmo_per_1000' as indicator_id, buurtcode, period_type, period,
        sum(numerator) as numerator, sum(denominator) as denominator, max(largest) as largest
    from (
        select buurtcode, period_type, period,
            coalesce(cast(count(*) filter (where wmo) as double), 0) as numerator, 0.0 as denominator,
            cast(null as double) as largest
        from core.resident_periods
        group by buurtcode, period_type, period
        union all
        select buurtcode, period_type, period,
            0.0, coalesce(cast(sum(inwoners) as double), 0), cast(null as double)
        from core.buurt_periods
        group by buurtcode, period_type, period
    )
    group by buurtcode, period_type, period
),

zrm_vooruitgang_pct as (
    -- Progress in self-reliance (ZRM): tenants whose latest measurement in the period is higher on more domains than lower than the previous one / tenants with a measurement in the period and an earlier one
    select 'zrm_vooruitgang_pct' as indicator_id, buurtcode, period_type, period,
        coalesce(cast(count(*) filter (where zrm_improved) as double), 0) as numerator,
        coalesce(cast(count(*) filter (where zrm_compared) as double), 0) as denominator,
        cast(null as double) as largest
    from core.tenancy_periods
    group by buurtcode, period_type, period
),

zorgtrajecten_per_1000 as (
    -- Tenants in a care trajectory: tenancies whose tenant (pseudonym) had a trajectory overlapping the tenancy and the period / tenancies running in the period
    select 'zorgtrajecten_per_1000' as indicator_id, buurtcode, period_type, period,
        coalesce(cast(count(*) filter (where in_care) as double), 0) as numerator,
        coalesce(cast(count(*) as double), 0) as denominator,
        cast(null as double) as largest
    from core.tenancy_periods
    group by buurtcode, period_type, period
),

crisismomenten_per_1000 as (
    -- Crisis events: crisis events of tenants dated within the tenancy and the period / tenancies running in the period
    select 'crisismomenten_per_1000' as indicator_id, buurtcode, period_type, period,
        coalesce(cast(sum(crisis_events) as double), 0) as numerator,
        coalesce(cast(count(*) as double), 0) as denominator,
        cast(null as double) as largest
    from core.tenancy_periods
    group by buurtcode, period_type, period
),

trajecten_doel_bereikt_pct as (
    -- Care trajectories that reached their goal: ended trajectories with end reason doel_bereikt / trajectories of tenants ending within the tenancy and the period
    select 'trajecten_doel_bereikt_pct' as indicator_id, buurtcode, period_type, period,
        coalesce(cast(sum(trajectories_goal_reached) as double), 0) as numerator,
        coalesce(cast(sum(trajectories_ended) as double), 0) as denominator,
        cast(null as double) as largest
    from core.tenancy_periods
    group by buurtcode, period_type, period
),

veiligheidsgevoel_score as (
    -- Feeling safe: sum of score x respondents for question veiligheidsgevoel / respondents to question veiligheidsgevoel
    select 'veiligheidsgevoel_score' as indicator_id, buurtcode, period_type, period,
        coalesce(cast(sum(score_points) filter (where vraag = 'veiligheidsgevoel') as double), 0) as numerator,
        coalesce(cast(sum(n_respondenten) filter (where vraag = 'veiligheidsgevoel') as double), 0) as denominator,
        cast(null as double) as largest
    from core.survey_periods
    group by buurtcode, period_type, period
),

overlast_ervaren_score as (
    -- Nuisance experienced: sum of score x respondents for question overlast_ervaren / respondents to question overlast_ervaren
    select 'overlast_ervaren_score' as indicator_id, buurtcode, period_type, period,
        coalesce(cast(sum(score_points) filter (where vraag = 'overlast_ervaren') as double), 0) as numerator,
        coalesce(cast(sum(n_respondenten) filter (where vraag = 'overlast_ervaren') as double), 0) as denominator,
        cast(null as double) as largest
    from core.survey_periods
    group by buurtcode, period_type, period
),

tevredenheid_buurt_score as (
    -- Satisfaction with the buurt: sum of score x respondents for question tevredenheid_buurt / respondents to question tevredenheid_buurt
    select 'tevredenheid_buurt_score' as indicator_id, buurtcode, period_type, period,
        coalesce(cast(sum(score_points) filter (where vraag = 'tevredenheid_buurt') as double), 0) as numerator,
        coalesce(cast(sum(n_respondenten) filter (where vraag = 'tevredenheid_buurt') as double), 0) as denominator,
        cast(null as double) as largest
    from core.survey_periods
    group by buurtcode, period_type, period
),

sociale_cohesie_score as (
    -- Social cohesion: sum of score x respondents for question sociale_cohesie / respondents to question sociale_cohesie
    select 'sociale_cohesie_score' as indicator_id, buurtcode, period_type, period,
        coalesce(cast(sum(score_points) filter (where vraag = 'sociale_cohesie') as double), 0) as numerator,
        coalesce(cast(sum(n_respondenten) filter (where vraag = 'sociale_cohesie') as double), 0) as denominator,
        cast(null as double) as largest
    from core.survey_periods
    group by buurtcode, period_type, period
),

final as (
    select * from huurachterstand_pct
    union all
    select * from achterstand_diepte_eur
    union all
    select * from ernstige_achterstand_pct
    union all
    select * from huisuitzettingen_per_1000
    union all
    select * from mutatiegraad_pct
    union all
    select * from leegstand_pct
    union all
    select * from incidenten_per_1000
    union all
    select * from verward_gedrag_per_1000
    union all
    select * from jeugdoverlast_per_1000
    union all
    select * from burenruzie_per_1000
    union all
    select * from woninginbraak_per_1000
    union all
    select * from geweld_per_1000
    union all
    select * from vernieling_per_1000
    union all
    select * from drugsoverlast_per_1000
    union all
    select * from overlastmeldingen_per_1000_woningen
    union all
    select * from voorzieningen_per_1000
    union all
    select * from schuldhulp_per_1000
    union all
    select * from bijstand_per_1000
    union all
    select * from wmo_per_1000
    union all
    select * from zrm_vooruitgang_pct
    union all
    select * from zorgtrajecten_per_1000
    union all
    select * from crisismomenten_per_1000
    union all
    select * from trajecten_doel_bereikt_pct
    union all
    select * from veiligheidsgevoel_score
    union all
    select * from overlast_ervaren_score
    union all
    select * from tevredenheid_buurt_score
    union all
    select * from sociale_cohesie_score
)

select * from final
