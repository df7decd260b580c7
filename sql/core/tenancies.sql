-- One row per tenancy with the buurt of its home; the base of housing indicators.
with contracts as (
    select * from staging.wonen__huurcontracten
),

units as (
    select * from staging.wonen__verhuureenheden
),

final as (
    select
        contracts.partner,
        contracts.contract_id,
        contracts.persoon_pseudoniem,
        contracts.vhe_id,
        units.buurtcode,
        contracts.startdatum,
        contracts.einddatum,
        contracts.einde_reden,
        contracts.doelgroep,
        contracts.doelgroep <> 'regulier' as kwetsbare_doelgroep,
        contracts.begeleidingsafspraak
    from contracts
    left join units
        on units.partner = contracts.partner
        and units.vhe_id = contracts.vhe_id
)

select * from final
