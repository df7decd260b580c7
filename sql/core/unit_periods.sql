-- One row per rental home and period, saying whether it stood empty (no running tenancy) on the
-- period's last day. The homes are those of each corporation's newest snapshot that are not
-- sold: the snapshot has no history, so a home sold or bought earlier is not known then.
with periods as (
    select period_type, period, period_end from core.calendar_periods
),

homes as (
    select partner, vhe_id, buurtcode
    from staging.wonen__verhuureenheden
    where status <> 'verkocht'
),

occupied as (
    select tenancies.partner, tenancies.vhe_id, periods.period_type, periods.period
    from core.tenancies as tenancies
    inner join periods
        on tenancies.startdatum <= periods.period_end
        and (tenancies.einddatum is null or tenancies.einddatum >= periods.period_end)
    group by all
),

final as (
    select
        homes.partner,
        homes.vhe_id,
        homes.buurtcode,
        periods.period_type,
        periods.period,
        occupied.vhe_id is null as vacant
    from homes
    cross join periods
    left join occupied
        on occupied.partner = homes.partner
        and occupied.vhe_id = homes.vhe_id
        and occupied.period_type = periods.period_type
        and occupied.period = periods.period
)

select * from final
