"""The simulated population: homes, tenancies, care trajectories, welfare provisions, arrears
episodes and nuisance counts, as numpy arrays (one row per entity, dates as int32 days).

Monthly files are derived from these entities later (events.py); nothing here knows about file
formats. Everything is vectorised over entities; the only Python loops run over tenancy
generations, doelgroepen or months, never over rows.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import rates
from .geography import Geography
from .identity import draw_bsns, rng
from .timeline import OPEN_END, Timeline, month_of

DAYS_PER_YEAR = 365.25
DAYS_PER_MONTH = DAYS_PER_YEAR / 12
N_GROUPS = len(rates.DOELGROEPEN)
GROUP = {name: i for i, name in enumerate(rates.DOELGROEPEN)}
REASON = {name: i for i, name in enumerate(rates.EINDE_REDENEN)}
ZORG_REASON = {name: i for i, name in enumerate(rates.ZORG_EINDE_REDENEN)}
ZORGVORM = {name: i for i, name in enumerate(rates.ZORGVORMEN)}
SOORT = {name: i for i, name in enumerate(rates.VOORZIENING_SOORTEN)}


def daily_hazard(annual_probability: float) -> float:
    return -np.log1p(-annual_probability) / DAYS_PER_YEAR


def stochastic_round(values: np.ndarray, generator: np.random.Generator) -> np.ndarray:
    """Round to integers keeping the expected total (small buurten keep a chance of a home)."""
    base = np.floor(values)
    return (base + (generator.random(values.shape) < values - base)).astype(np.int64)


def categorical(generator: np.random.Generator, cumulative: np.ndarray, rows: np.ndarray
                ) -> np.ndarray:
    """One draw per item from the row of a cumulative probability table that item points at."""
    u = generator.random(rows.size)
    return (u[:, None] > cumulative[rows, :-1]).sum(axis=1).astype(np.int8)


def lognormal_days(generator: np.random.Generator, median_months: np.ndarray, sigma: float = 0.6
                   ) -> np.ndarray:
    return np.maximum(1, median_months * DAYS_PER_MONTH
                      * np.exp(sigma * generator.standard_normal(median_months.size))).astype(
        np.int64)


def as_open(end: np.ndarray, horizon: int) -> np.ndarray:
    """Ends beyond the last delivered day are unknown to partners: open."""
    return np.where(end > horizon, OPEN_END, end).astype(np.int32)


@dataclass
class Homes:
    buurt: np.ndarray
    corp: np.ndarray  # index into World.corporations
    complex_no: np.ndarray  # global complex number, 1-based
    woningtype: np.ndarray
    bouwjaar: np.ndarray
    label: np.ndarray
    rent: np.ndarray  # cents per month
    renovation: np.ndarray  # complex under renovation: vacancies are long and status renovatie
    sold: np.ndarray = field(default=None)  # filled by the tenancy model

    @property
    def n(self) -> int:
        return self.buurt.size


@dataclass
class Contracts:
    home: np.ndarray
    person: np.ndarray
    start: np.ndarray
    end: np.ndarray  # OPEN_END while running at the last delivered day
    reason: np.ndarray  # -1 while running
    group: np.ndarray
    begeleiding: np.ndarray
    corp: np.ndarray
    buurt: np.ndarray

    @property
    def n(self) -> int:
        return self.home.size


@dataclass
class Trajecten:
    person: np.ndarray
    zorgvorm: np.ndarray
    start: np.ndarray
    end: np.ndarray
    reason: np.ndarray
    provider: np.ndarray  # index into World.providers
    intensity: np.ndarray  # cost multiplier of this person's care
    zrm_base: np.ndarray  # latent self-sufficiency at the start of the traject
    zrm_slope: np.ndarray  # drift per year

    @property
    def n(self) -> int:
        return self.person.size


@dataclass
class Voorzieningen:
    person: np.ndarray
    buurt: np.ndarray
    soort: np.ndarray
    start: np.ndarray
    end: np.ndarray
    partner: np.ndarray  # index into World.municipalities
    intensity: np.ndarray

    @property
    def n(self) -> int:
        return self.person.size


@dataclass
class World:
    geography: Geography
    timeline: Timeline
    seed: int
    corporations: list[str]
    providers: list[str]
    municipalities: list[str]
    homes: Homes
    contracts: Contracts
    trajecten: Trajecten
    voorzieningen: Voorzieningen
    bsn: np.ndarray  # per person; in memory only, never written
    person_group: np.ndarray  # doelgroep of the person's tenancy, -1 without one
    arrears: dict  # episode arrays: contract, start_month, length, fraction
    nuisance: dict  # cell arrays and the (cells × months) count matrix, planted buurt


# --- homes ------------------------------------------------------------------------------------

def build_homes(geo: Geography, corporations: list[str], seed: int) -> Homes:
    g = rng(seed, "homes")
    b = geo.buurten
    social = (b["huishoudens"].to_numpy() * b["social_share"].to_numpy() * geo.home_fraction)
    per_buurt = stochastic_round(social, g)
    buurt = np.repeat(np.arange(b.height), per_buurt).astype(np.int32)
    # Complexes: consecutive homes of a buurt, 12-60 homes each (portiekflats to galleries).
    complex_size = g.integers(12, 61, size=b.height)
    offset = np.cumsum(per_buurt) - per_buurt
    local = np.arange(buurt.size) - np.repeat(offset, per_buurt)
    local_complex = local // complex_size[buurt]
    # A complex belongs to one corporation; the buurt's split decides which.
    key = buurt.astype(np.int64) * 100_000 + local_complex
    complex_key, complex_of_home = np.unique(key, return_inverse=True)
    complex_buurt = (complex_key // 100_000).astype(np.int32)
    corp_index = {name: i for i, name in enumerate(corporations)}
    primary = np.array([corp_index[n] for n in b["wonen_primary"].to_list()], dtype=np.int16)
    secondary = np.array([corp_index[n] for n in b["wonen_secondary"].to_list()], dtype=np.int16)
    take_secondary = g.random(complex_key.size) < b["secondary_share"].to_numpy()[complex_buurt]
    complex_corp = np.where(take_secondary, secondary[complex_buurt], primary[complex_buurt])
    n_complex = complex_key.size
    # Complex-level building: the age band sets the likely label; renovations improve it.
    band = g.choice(5, size=n_complex, p=[0.15, 0.30, 0.30, 0.15, 0.10])
    band_start = np.array([1900, 1945, 1970, 1990, 2010])[band]
    band_width = np.array([40, 25, 20, 20, 15])[band]
    complex_year = band_start + g.integers(0, band_width)
    label_base = np.array([9, 8, 6, 5, 2])[band]  # G..A++ index into ENERGIELABELS
    renovated = (g.random(n_complex) < 0.45) & (band < 3)  # post-1990 stock is not renovated yet
    complex_label = np.clip(label_base - 3 * renovated + g.integers(-1, 2, n_complex), 0, 10)
    complex_type = g.choice(4, size=n_complex, p=rates.WONINGTYPE_MIX)
    renovation = g.random(n_complex) < rates.RENOVATION_COMPLEX_SHARE

    # Order homes by corporation, buurt, complex so each corporation's ids run consecutively.
    home_corp = complex_corp[complex_of_home]
    order = np.lexsort((local, complex_of_home, buurt, home_corp))
    complex_of_home = complex_of_home[order]
    complex_order = np.lexsort((np.arange(n_complex), complex_buurt, complex_corp))
    complex_number = np.empty(n_complex, dtype=np.int32)
    complex_number[complex_order] = np.arange(1, n_complex + 1)
    n = buurt.size
    woningtype = complex_type[complex_of_home].astype(np.int8)
    # 5% of homes differ from their complex (a ground floor family home, a room unit).
    woningtype = np.where(g.random(n) < 0.05, g.choice(4, size=n), woningtype).astype(np.int8)
    label = complex_label[complex_of_home].astype(np.int8)
    label = np.where(g.random(n) < 0.03, 11, label).astype(np.int8)  # onbekend
    base = np.array(rates.NETTO_HUUR_BASIS)[woningtype]
    quality = 1 + 0.03 * (6 - np.minimum(label, 10))
    rent = np.clip(base * quality * np.exp(0.08 * g.standard_normal(n)), 30_000,
                   rates.NETTO_HUUR_MAX).astype(np.int64)
    return Homes(buurt=buurt[order], corp=home_corp[order].astype(np.int16),
                 complex_no=complex_number[complex_of_home], woningtype=woningtype,
                 bouwjaar=complex_year[complex_of_home].astype(np.int16), label=label, rent=rent,
                 renovation=renovation[complex_of_home])


# --- tenancies --------------------------------------------------------------------------------

def group_tables(geo: Geography, homes: Homes) -> tuple[np.ndarray, np.ndarray]:
    """Cumulative doelgroep probabilities per buurt for the stock and for new lettings."""
    vulnerability = geo.buurten["vulnerability"].to_numpy()
    homes_per_buurt = np.bincount(homes.buurt, minlength=vulnerability.size)
    # Normalise so the home-weighted average equals the city/national mix.
    mean = (vulnerability * homes_per_buurt).sum() / max(homes_per_buurt.sum(), 1)
    relative = vulnerability / (mean if mean > 0 else 1.0)
    tables = []
    for mix in (rates.STOCK_MIX, rates.LETTING_MIX):
        shares = np.array([mix[name] for name in rates.DOELGROEPEN])
        vulnerable = shares[1:][None, :] * relative[:, None]
        vulnerable *= np.minimum(1.0, 0.5 / np.maximum(vulnerable.sum(axis=1, keepdims=True),
                                                       1e-9))
        table = np.concatenate([1 - vulnerable.sum(axis=1, keepdims=True), vulnerable], axis=1)
        tables.append(np.cumsum(table, axis=1))
    return tables[0], tables[1]


def build_contracts(geo: Geography, homes: Homes, tl: Timeline, seed: int) -> Contracts:
    """Successive tenancies per home from the start of the history to the last day."""
    g = rng(seed, "tenancies")
    t0, t1, range_start = tl.history_start_day, tl.end_day, tl.start_day
    stock_table, letting_table = group_tables(geo, homes)
    hazard = np.array([daily_hazard(rates.EXIT_PROBABILITY[n]) for n in rates.DOELGROEPEN])
    reason_cum = np.cumsum([rates.EXIT_REASON_MIX[n] for n in rates.DOELGROEPEN], axis=1)
    begeleiding_p = np.array([rates.BEGELEIDING_PROBABILITY[n] for n in rates.DOELGROEPEN])

    # Tenancies running at the start of the history; 2.5% of homes are between tenants then.
    occupied = g.random(homes.n) >= 0.025
    home = np.flatnonzero(occupied).astype(np.int32)
    group = categorical(g, stock_table, homes.buurt[home])
    # Age of a running tenancy under a constant hazard is exponential with the same mean.
    age = g.exponential(1 / hazard[group])
    # The few that would be older than 45 years get a spread-out age instead of a pile-up.
    too_old = age > 45 * DAYS_PER_YEAR
    age[too_old] = g.uniform(25, 45, too_old.sum()) * DAYS_PER_YEAR
    age = age.astype(np.int64) + 1
    built = (homes.bouwjaar[home].astype(np.int64) - 1970) * DAYS_PER_YEAR + 30
    start = np.minimum(np.maximum(t0 - age, built.astype(np.int64)), t0 - 1)
    vacant = np.flatnonzero(~occupied).astype(np.int32)
    first_let = t0 + g.integers(*rates.VACANCY_GAP_DAYS, size=vacant.size)
    # Each pass creates the next tenancy of every home whose previous one ended in time.
    pending = [(home, start, group),
               (vacant, first_let, categorical(g, letting_table, homes.buurt[vacant]))]
    parts = {k: [] for k in ("home", "start", "end", "reason", "group")}
    sold = np.zeros(homes.n, dtype=bool)
    while pending:
        home = np.concatenate([p[0] for p in pending])
        start = np.concatenate([p[1] for p in pending]).astype(np.int64)
        group = np.concatenate([p[2] for p in pending]).astype(np.int8)
        keep = start <= t1
        home, start, group = home[keep], start[keep], group[keep]
        if home.size == 0:
            break
        end = np.maximum(start, np.maximum(start, t0) + g.exponential(1 / hazard[group]).astype(
            np.int64))
        ended = end <= t1
        reason = np.where(ended, categorical(g, reason_cum, group), -1).astype(np.int8)
        for key, value in (("home", home), ("start", start), ("end", end), ("reason", reason),
                           ("group", group)):
            parts[key].append(value)
        # Re-let the homes whose tenancy ended, after a vacancy; a few are sold instead.
        relet = np.flatnonzero(ended)
        sell = (end[relet] >= range_start) & (g.random(relet.size) < rates.SOLD_SHARE_OF_ENDINGS)
        sold[home[relet[sell]]] = True
        relet = relet[~sell]
        next_home = home[relet]
        gap = np.where(homes.renovation[next_home],
                       g.integers(*rates.RENOVATION_GAP_DAYS, size=relet.size),
                       g.integers(*rates.VACANCY_GAP_DAYS, size=relet.size))
        pending = [(next_home, end[relet] + 1 + gap,
                    categorical(g, letting_table, homes.buurt[next_home]))]
    homes.sold = sold

    home = np.concatenate(parts["home"]).astype(np.int32)
    start = np.concatenate(parts["start"]).astype(np.int32)
    end = as_open(np.concatenate(parts["end"]), t1)
    reason = np.concatenate(parts["reason"])
    group = np.concatenate(parts["group"])
    corp = homes.corp[home]
    order = np.lexsort((home, start, corp))
    home, start, end, reason, group, corp = (a[order] for a in (home, start, end, reason, group,
                                                                corp))
    begeleiding = g.random(home.size) < begeleiding_p[group]
    return Contracts(home=home, person=np.arange(home.size, dtype=np.int32), start=start,
                     end=end, reason=reason, group=group, begeleiding=begeleiding, corp=corp,
                     buurt=homes.buurt[home])


# --- care ---------------------------------------------------------------------------------------

def tenancy_anchor(g, contracts: Contracts, idx: np.ndarray, tl: Timeline,
                   window: tuple[int, int]) -> np.ndarray:
    """When support tied to a tenancy starts: shortly after move-in for recent tenancies; for
    tenancies older than two years at the start of the history, at any time since then."""
    c_start = contracts.start[idx].astype(np.int64)
    early = c_start + g.integers(window[0], window[1] + 1, idx.size)
    lo = tl.history_start_day - 730
    hi = np.minimum(np.where(contracts.end[idx] == OPEN_END, tl.end_day, contracts.end[idx]),
                    tl.end_day).astype(np.int64)
    late = lo + (g.random(idx.size) * np.maximum(hi - lo, 1)).astype(np.int64)
    return np.where(c_start < lo, late, early)


def _end_with_tenancy(contracts: Contracts, idx: np.ndarray, natural_end: np.ndarray):
    """A traject or provision tied to a tenancy ends at the latest when the tenancy ends."""
    c_end = contracts.end[idx].astype(np.int64)
    c_reason = contracts.reason[idx]
    tenancy_first = (c_end != OPEN_END) & (c_end < natural_end)
    end = np.where(tenancy_first, c_end, natural_end)
    return end, tenancy_first, c_reason


def build_trajecten(geo: Geography, contracts: Contracts, homes: Homes, tl: Timeline, seed: int,
                    providers: list[str], n_persons: int):
    """Care trajectories: support for vulnerable tenants, beschermd wonen before uitstroom_bw
    tenancies, beschermd wonen residents without a home, and some regular tenants."""
    g = rng(seed, "trajecten")
    t0, t1 = tl.history_start_day, tl.end_day
    natural_mix = np.cumsum(rates.ZORG_END_MIX)[None, :]
    medians = np.array(rates.ZORG_MEDIAN_MONTHS)
    rows = {k: [] for k in ("person", "zorgvorm", "start", "end", "reason", "buurt")}

    def add(person, zorgvorm, start, end, reason, buurt):
        for key, value in zip(rows, (person, zorgvorm, start, end, reason, buurt)):
            rows[key].append(np.asarray(value))

    # 1. Support that comes with a tenancy (begeleidingsafspraak), and some regular tenants.
    regular_care = (contracts.group == GROUP["regulier"]) & (
        g.random(contracts.n) < rates.REGULAR_TENANT_CARE_SHARE)
    table = np.zeros((N_GROUPS, len(rates.ZORGVORMEN)))
    for name, mix in rates.ZORGVORM_FOR_DOELGROEP.items():
        if mix is not None:
            table[GROUP[name]] = mix
    has_mix = table.sum(axis=1) > 0
    supported = (contracts.begeleiding & has_mix[contracts.group]) | regular_care
    idx = np.flatnonzero(supported)
    group = contracts.group[idx]
    zorgvorm = categorical(g, np.cumsum(table, axis=1), group)
    # Housing First support starts before the keys are handed over; after beschermd wonen the
    # support starts on the day of the move; others within two months; regular tenants any time.
    start = np.select(
        [group == GROUP["housing_first"], group == GROUP["uitstroom_bw"],
         group == GROUP["regulier"]],
        [tenancy_anchor(g, contracts, idx, tl, (-45, 0)),
         tenancy_anchor(g, contracts, idx, tl, (0, 0)),
         tenancy_anchor(g, contracts, idx, tl, (0, 5 * 365))],
        tenancy_anchor(g, contracts, idx, tl, (0, 60)))
    natural_end = start + lognormal_days(g, medians[zorgvorm])
    end, tenancy_first, c_reason = _end_with_tenancy(contracts, idx, natural_end)
    reason = categorical(g, natural_mix, np.zeros(idx.size, dtype=np.int64))
    # How the tenancy ended decides how the support ended.
    tenancy_reason = np.select(
        [c_reason == REASON["verhuizing"], c_reason == REASON["overlijden"],
         np.isin(c_reason, [REASON["ontbinding"], REASON["huisuitzetting"]])],
        [ZORG_REASON["verhuizing"], ZORG_REASON["overlijden"], ZORG_REASON["uitval"]],
        ZORG_REASON["overig"])
    reason = np.where(tenancy_first, tenancy_reason, reason)
    valid = end >= start  # support that would start after the tenancy ended never happened
    add(contracts.person[idx][valid], zorgvorm[valid], start[valid], end[valid], reason[valid],
        contracts.buurt[idx][valid])

    # 2. Beschermd wonen that ended the day before an uitstroom_bw tenancy began.
    idx = np.flatnonzero(contracts.group == GROUP["uitstroom_bw"])
    end = contracts.start[idx].astype(np.int64) - 1
    start = end - lognormal_days(g, np.full(idx.size, 26.0), 0.5)
    add(contracts.person[idx], np.full(idx.size, ZORGVORM["beschermd_wonen"]), start, end,
        np.full(idx.size, ZORG_REASON["doel_bereikt"]), contracts.buurt[idx])

    # 3. Beschermd wonen residents who have no tenancy: successive residents per place.
    inhabitants = geo.buurten["inwoners"].to_numpy().astype(float)
    places = stochastic_round(np.array([inhabitants.sum() * rates.BW_PLACES_PER_INHABITANT
                                        * geo.home_fraction]), g)[0]
    place_buurt = g.choice(inhabitants.size, size=places, p=inhabitants / inhabitants.sum())
    hazard = daily_hazard(rates.BW_EXIT_PROBABILITY)
    bw_mix = np.cumsum([0.45, 0.15, 0.20, 0.03, 0.17])[None, :]
    start = t0 - g.exponential(1 / hazard, places).astype(np.int64) - 1
    place = np.arange(places)
    next_person = n_persons
    while place.size:
        end = np.maximum(start, t0) + g.exponential(1 / hazard, place.size).astype(np.int64)
        person = np.arange(next_person, next_person + place.size)
        next_person += place.size
        add(person, np.full(place.size, ZORGVORM["beschermd_wonen"]), start, end,
            categorical(g, bw_mix, np.zeros(place.size, dtype=np.int64)), place_buurt[place])
        restart = end + 1 + g.integers(0, 31, place.size)
        follow = restart <= t1
        start, place = restart[follow], place[follow]

    person = np.concatenate(rows["person"]).astype(np.int32)
    zorgvorm = np.concatenate(rows["zorgvorm"]).astype(np.int8)
    start = np.concatenate(rows["start"]).astype(np.int64)
    end = np.concatenate(rows["end"]).astype(np.int64)
    reason = np.concatenate(rows["reason"]).astype(np.int8)
    buurt = np.concatenate(rows["buurt"]).astype(np.int32)
    in_history = (end >= t0) & (start <= t1)
    person, zorgvorm, start, end, reason, buurt = (a[in_history] for a in (
        person, zorgvorm, start, end, reason, buurt))
    reason = np.where(end > t1, -1, reason).astype(np.int8)
    provider_index = {name: i for i, name in enumerate(providers)}
    buurt_provider = np.array([provider_index[n] for n in geo.buurten["zorg"].to_list()],
                              dtype=np.int16)
    provider = buurt_provider[buurt]
    order = np.lexsort((person, start, provider))
    n = order.size
    trajecten = Trajecten(
        person=person[order], zorgvorm=zorgvorm[order], start=start[order].astype(np.int32),
        end=as_open(end[order], t1), reason=reason[order], provider=provider[order],
        intensity=np.exp(0.15 * g.standard_normal(n)).astype(np.float32),
        zrm_base=(rates.ZRM_START_MEAN + 0.5 * g.standard_normal(n)).astype(np.float32),
        zrm_slope=(rates.ZRM_DRIFT_PER_YEAR + 0.4 * g.standard_normal(n)).astype(np.float32))
    return trajecten, next_person


# --- welfare ------------------------------------------------------------------------------------

def build_voorzieningen(geo: Geography, contracts: Contracts, tl: Timeline, seed: int,
                        municipalities: list[str], next_person: int):
    g = rng(seed, "voorzieningen")
    t0, t1 = tl.history_start_day, tl.end_day
    medians = np.array(rates.VOORZIENING_MEDIAN_MONTHS)
    probability = np.array([rates.VOORZIENING_PROBABILITY[n] for n in rates.DOELGROEPEN])
    # Days after the tenancy start a provision of each soort typically begins (uniform range).
    start_window = ((0, 180), (30, 365), (60, 720), (0, 90), (0, 540))
    rows = {k: [] for k in ("person", "buurt", "soort", "start", "end")}

    def add(*values):
        for key, value in zip(rows, values):
            rows[key].append(np.asarray(value))

    for soort in range(len(rates.VOORZIENING_SOORTEN)):
        idx = np.flatnonzero(g.random(contracts.n) < probability[contracts.group, soort])
        start = tenancy_anchor(g, contracts, idx, tl, start_window[soort])
        natural_end = start + lognormal_days(g, np.full(idx.size, medians[soort]))
        end, _, _ = _end_with_tenancy(contracts, idx, natural_end)
        valid = end >= start
        add(contracts.person[idx][valid], contracts.buurt[idx][valid],
            np.full(valid.sum(), soort), start[valid], end[valid])

    # People outside the social stock: successive clients per "slot" so the caseload is steady.
    inhabitants = geo.buurten["inwoners"].to_numpy().astype(float)
    slots_per_buurt = stochastic_round(
        inhabitants * rates.NON_TENANT_PROVISIONS_PER_INHABITANT * geo.home_fraction, g)
    slot_buurt = np.repeat(np.arange(inhabitants.size), slots_per_buurt)
    soort_cum = np.cumsum(rates.NON_TENANT_SOORT_MIX)[None, :]
    soort = categorical(g, soort_cum, np.zeros(slot_buurt.size, dtype=np.int64))
    mean_days = medians[soort] * DAYS_PER_MONTH * 1.2  # lognormal(σ=.6) mean ≈ 1.2 × median
    start = t0 - g.exponential(mean_days).astype(np.int64) - 1
    slot = np.arange(slot_buurt.size)
    while slot.size:
        end = np.maximum(start, t0) + g.exponential(mean_days).astype(np.int64)
        add(np.arange(next_person, next_person + slot.size), slot_buurt[slot], soort, start, end)
        next_person += slot.size
        restart = end + 1 + g.integers(0, 61, slot.size)
        follow = restart <= t1
        slot, start = slot[follow], restart[follow]
        soort = categorical(g, soort_cum, np.zeros(slot.size, dtype=np.int64))
        mean_days = medians[soort] * DAYS_PER_MONTH * 1.2

    person = np.concatenate(rows["person"]).astype(np.int32)
    buurt = np.concatenate(rows["buurt"]).astype(np.int32)
    soort = np.concatenate(rows["soort"]).astype(np.int8)
    start = np.concatenate(rows["start"]).astype(np.int64)
    end = np.concatenate(rows["end"]).astype(np.int64)
    keep = (end >= t0) & (start <= t1)
    person, buurt, soort, start, end = (a[keep] for a in (person, buurt, soort, start, end))
    partner_index = {name: i for i, name in enumerate(municipalities)}
    buurt_partner = np.array([partner_index[n] for n in geo.buurten["welzijn"].to_list()],
                             dtype=np.int16)
    partner = buurt_partner[buurt]
    order = np.lexsort((soort, person, start, partner))
    voorzieningen = Voorzieningen(
        person=person[order], buurt=buurt[order], soort=soort[order],
        start=start[order].astype(np.int32), end=as_open(end[order], t1),
        partner=partner[order],
        intensity=np.exp(0.12 * g.standard_normal(order.size)).astype(np.float32))
    return voorzieningen, next_person


# --- arrears ------------------------------------------------------------------------------------

def active_month_range(contracts: Contracts, tl: Timeline) -> tuple[np.ndarray, np.ndarray]:
    """First and last delivered month in which each contract is active (first > last: never)."""
    first = np.maximum(month_of(contracts.start), tl.first_month)
    end = np.where(contracts.end == OPEN_END, tl.end_day, contracts.end)
    last = np.minimum(month_of(end), tl.last_month)
    return first, last


def build_arrears(contracts: Contracts, tl: Timeline, seed: int) -> dict:
    """Arrears episodes (contract, first month, length, share of rent unpaid)."""
    g = rng(seed, "arrears")
    first, last = active_month_range(contracts, tl)
    active_months = np.maximum(last - first + 1, 0)
    start_p = np.array([rates.ARREARS_START_PER_MONTH[n] for n in rates.DOELGROEPEN])
    # Episodes may have begun up to half a year before the first delivered month.
    window = np.where(active_months > 0,
                      active_months + np.minimum(6, np.maximum(
                          first - month_of(contracts.start), 0)), 0)
    count = g.poisson(window * start_p[contracts.group])
    contract = np.repeat(np.arange(contracts.n), count)
    window_start = last[contract] - window[contract] + 1
    start = window_start + (g.random(contract.size) * window[contract]).astype(np.int32)
    length = np.minimum(g.geometric(1 / rates.ARREARS_MEAN_MONTHS, contract.size),
                        rates.ARREARS_MAX_MONTHS)
    # Evictions (and half of the dissolutions) follow months of arrears up to the end month.
    forced = np.flatnonzero(
        (contracts.end != OPEN_END) & (month_of(np.where(contracts.end == OPEN_END, 0,
                                                         contracts.end)) >= tl.first_month)
        & ((contracts.reason == REASON["huisuitzetting"])
           | ((contracts.reason == REASON["ontbinding"]) & (g.random(contracts.n) < 0.5))))
    forced_length = g.integers(rates.EVICTION_ARREARS_MONTHS[0],
                               rates.EVICTION_ARREARS_MONTHS[1] + 1, forced.size)
    forced_start = month_of(contracts.end[forced]) - forced_length + 1
    contract = np.concatenate([contract, forced]).astype(np.int32)
    start = np.concatenate([start, forced_start]).astype(np.int32)
    length = np.concatenate([length, forced_length]).astype(np.int32)
    fraction = g.uniform(0.55, 1.0, contract.size).astype(np.float32)
    return {"contract": contract, "start_month": start, "length": length, "fraction": fraction}


# --- nuisance counts ----------------------------------------------------------------------------

def build_nuisance(geo: Geography, homes: Homes, tl: Timeline, seed: int) -> dict:
    """Monthly report counts per (buurt, corporation) cell, with one planted rising buurt inside
    a focus gemeente whose total stays flat."""
    g = rng(seed, "nuisance")
    months = len(tl.months)
    n_corps = int(homes.corp.max()) + 1 if homes.n else 1
    cell_key, homes_per_cell = np.unique(homes.buurt.astype(np.int64) * n_corps + homes.corp,
                                         return_counts=True)
    cell_buurt = (cell_key // n_corps).astype(np.int32)
    cell_corp = (cell_key % n_corps).astype(np.int16)
    vulnerability = geo.buurten["vulnerability"].to_numpy()
    expected = homes_per_cell * rates.OVERLAST_PER_HOME_YEAR / 12 * np.sqrt(
        vulnerability[cell_buurt])
    counts = g.poisson(expected[:, None], size=(cell_key.size, months)).astype(np.int32)

    gemeente = geo.buurten["gemeentecode"].to_numpy()
    focus = np.flatnonzero(gemeente[cell_buurt] == geo.focus_gemeente)
    planted = None
    per_buurt = np.bincount(cell_buurt[focus], weights=expected[focus],
                            minlength=geo.buurten.height)
    if per_buurt.sum() > 0:
        # Plant in a buurt with enough reports to see, preferring vulnerable ones.
        eligible = np.flatnonzero(per_buurt >= np.quantile(per_buurt[per_buurt > 0], 0.5))
        weights = vulnerability[eligible] * per_buurt[eligible]
        planted = int(g.choice(eligible, p=weights / weights.sum()))
        base = max(1, int(round(per_buurt[planted] * 0.6)))
        planted_counts = base + rates.PLANTED_NUISANCE_STEP * np.arange(months)
        # Focus total: a constant mean plus noise with its linear trend removed (flat by design).
        mean_total = expected[focus].sum()
        noise = g.poisson(mean_total, months) - mean_total
        if months >= 3:
            x = np.arange(months)
            noise = noise - np.polyval(np.polyfit(x, noise, 1), x)
        total = np.maximum(np.round(mean_total + noise).astype(np.int64), planted_counts)
        planted_cells = focus[cell_buurt[focus] == planted]
        other_cells = focus[cell_buurt[focus] != planted]
        for m in range(months):
            share = expected[planted_cells] / expected[planted_cells].sum()
            counts[planted_cells, m] = g.multinomial(planted_counts[m], share)
            if other_cells.size:
                share = expected[other_cells] / expected[other_cells].sum()
                counts[other_cells, m] = g.multinomial(total[m] - planted_counts[m], share)
    return {"cell_buurt": cell_buurt, "cell_corp": cell_corp, "counts": counts,
            "planted_buurt": planted}


# --- the whole world ----------------------------------------------------------------------------

def build_world(geo: Geography, tl: Timeline, seed: int) -> World:
    corporations = [p.name for p in geo.partners_of("wonen")]
    providers = [p.name for p in geo.partners_of("zorg")]
    municipalities = [p.name for p in geo.partners_of("welzijn")]
    homes = build_homes(geo, corporations, seed)
    contracts = build_contracts(geo, homes, tl, seed)
    trajecten, next_person = build_trajecten(geo, contracts, homes, tl, seed, providers,
                                             contracts.n)
    voorzieningen, n_persons = build_voorzieningen(geo, contracts, tl, seed, municipalities,
                                                   next_person)
    person_group = np.full(n_persons, -1, dtype=np.int8)
    person_group[contracts.person] = contracts.group
    return World(
        geography=geo, timeline=tl, seed=seed, corporations=corporations, providers=providers,
        municipalities=municipalities, homes=homes, contracts=contracts, trajecten=trajecten,
        voorzieningen=voorzieningen, bsn=draw_bsns(rng(seed, "bsn"), n_persons),
        person_group=person_group, arrears=build_arrears(contracts, tl, seed),
        nuisance=build_nuisance(geo, homes, tl, seed))
