-- Dated events per person: crisis moments from the care provider, and nuisance reports whose
-- causer contract (overlastmeldingen.veroorzaker_contract_id) belongs to the person. Police
-- incidents are aggregated per buurt and never reach this table.
with contracts as (
    select partner, contract_id, persoon_pseudoniem
    from staging.wonen__huurcontracten
),

crisis as (
    select
        crisismomenten.persoon_pseudoniem,
        crisismomenten.datum as event_date,
        'crisis' as event,
        crisismomenten.soort as subtype,
        crisismomenten.partner,
        null::varchar as source_id
    from staging.zorg__crisismomenten as crisismomenten
),

nuisance as (
    select
        contracts.persoon_pseudoniem,
        meldingen.meldingsdatum as event_date,
        'nuisance_causer' as event,
        meldingen.categorie as subtype,
        meldingen.partner,
        meldingen.melding_id as source_id
    from staging.wonen__overlastmeldingen as meldingen
    inner join contracts
        on contracts.partner = meldingen.partner
        and contracts.contract_id = meldingen.veroorzaker_contract_id
),

final as (
    select * from crisis
    union all
    select * from nuisance
)

select * from final
