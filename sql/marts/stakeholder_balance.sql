-- Who pays, who gains ("wrong pocket"): per programme, cohort and payer, what the payer spends on
-- the persons of the programme's counterfactual path over its window (cost_eur: the cost domains
-- the payer funds, sources/unit_costs.yaml payers.domains; transfers apart in transfers_eur) and
-- what it would have paid without the programme (the avoided unit cost split by its payers,
-- gross and net of deadweight, from marts.social_return). Every payer gets a row, also one with
-- nothing in the data (police and justice: incidents are aggregated and never linked to
-- persons), so partners see what is measured and what is not. Inherits suppression from
-- marts.social_return and marts.cost_per_outcome (city totals).
with social as (
    select * from marts.social_return
),

cells as (
    select programme, cohort, outcome_id, cost_wonen_eur, cost_zorg_eur, cost_welzijn_eur,
        cost_transfers_eur
    from marts.cost_per_outcome
    where area_level = 'totaal'
),

payers as (
    select * from core.payers
),

shares as (
    select * from core.unit_cost_payers
),

final as (
    select
        social.programme,
        social.cohort,
        social.cohort_kind,
        payers.payer,
        payers.name_nl as payer_nl,
        payers.name_en as payer_en,
        case when not social.suppressed then round(
            case when list_contains(payers.domains, 'wonen') then cells.cost_wonen_eur else 0 end
            + case when list_contains(payers.domains, 'zorg') then cells.cost_zorg_eur else 0 end
            + case when list_contains(payers.domains, 'welzijn') then cells.cost_welzijn_eur else 0 end,
            2) end as cost_eur,
        case when not social.suppressed then round(
            case when list_contains(payers.domains, 'transfers') then cells.cost_transfers_eur
                 else 0 end, 2) end as transfers_eur,
        round(social.avoided_mid_eur * coalesce(shares.share, 0), 2) as avoided_gross_mid_eur,
        round(social.avoided_net_mid * coalesce(shares.share, 0), 2) as avoided_net_mid_eur,
        round(social.avoided_net_mid * coalesce(shares.share, 0)
              - (case when list_contains(payers.domains, 'wonen') then cells.cost_wonen_eur else 0 end
                 + case when list_contains(payers.domains, 'zorg') then cells.cost_zorg_eur else 0 end
                 + case when list_contains(payers.domains, 'welzijn') then cells.cost_welzijn_eur else 0 end),
              2) as balance_mid_eur,
        social.unit_cost_id,
        social.deadweight_method,
        social.provisional,
        social.suppressed
    from social
    inner join cells using (programme, cohort, outcome_id)
    cross join payers
    left join shares
        on shares.unit_cost_id = social.unit_cost_id
        and shares.payer = payers.payer
    order by social.programme, social.cohort, payers.payer
)

select * from final
