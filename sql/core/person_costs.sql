-- Every partner's costs linked to a person by pseudonym, per month: wonen = woonkosten by
-- contract, zorg = zorgkosten by traject, welzijn = welzijnskosten by voorziening. All months
-- and all persons (with or without a tenancy); costs whose contract, traject or voorziening is
-- unknown cannot be linked and are left out (an asset check reports them). Each line carries the
-- period its source (contract, traject, voorziening) ran, so an outcome window can take the days
-- it covers, and whether it is a transfer (core.cost_transfers, e.g. bijstand): not a social cost.
with contracts as (
    select partner, contract_id, persoon_pseudoniem, startdatum, einddatum
    from staging.wonen__huurcontracten
),

trajecten as (
    select partner, traject_id, persoon_pseudoniem, zorgvorm, startdatum, einddatum
    from staging.zorg__trajecten
),

voorzieningen as (
    select partner, voorziening_id, persoon_pseudoniem, soort, startdatum, einddatum
    from staging.welzijn__voorzieningen
),

transfers as (
    select domain, cost_type
    from core.cost_transfers
),

wonen as (
    select
        contracts.persoon_pseudoniem,
        woonkosten.maand,
        'wonen' as domain,
        woonkosten.partner,
        woonkosten.kostensoort as cost_type,
        woonkosten.contract_id as source_id,
        contracts.startdatum as source_from,
        contracts.einddatum as source_until,
        woonkosten.bedrag_eur
    from staging.wonen__woonkosten as woonkosten
    inner join contracts
        on contracts.partner = woonkosten.partner
        and contracts.contract_id = woonkosten.contract_id
),

zorg as (
    select
        trajecten.persoon_pseudoniem,
        zorgkosten.maand,
        'zorg' as domain,
        zorgkosten.partner,
        trajecten.zorgvorm as cost_type,
        zorgkosten.traject_id as source_id,
        trajecten.startdatum as source_from,
        trajecten.einddatum as source_until,
        zorgkosten.bedrag_eur
    from staging.zorg__zorgkosten as zorgkosten
    inner join trajecten
        on trajecten.partner = zorgkosten.partner
        and trajecten.traject_id = zorgkosten.traject_id
),

welzijn as (
    select
        voorzieningen.persoon_pseudoniem,
        welzijnskosten.maand,
        'welzijn' as domain,
        welzijnskosten.partner,
        voorzieningen.soort as cost_type,
        welzijnskosten.voorziening_id as source_id,
        voorzieningen.startdatum as source_from,
        voorzieningen.einddatum as source_until,
        welzijnskosten.bedrag_eur
    from staging.welzijn__welzijnskosten as welzijnskosten
    inner join voorzieningen
        on voorzieningen.partner = welzijnskosten.partner
        and voorzieningen.voorziening_id = welzijnskosten.voorziening_id
),

linked as (
    select * from wonen
    union all
    select * from zorg
    union all
    select * from welzijn
),

final as (
    select
        linked.*,
        transfers.domain is not null as is_transfer
    from linked
    left join transfers
        on transfers.domain = linked.domain
        and transfers.cost_type = linked.cost_type
)

select * from final
