"""What one partner delivers for one period, derived from the world as typed polars frames.

Conventions for the frames returned here (writers.py turns them into each partner's dialect):
dates are `pl.Date`, months are "YYYY-MM" strings, money is integer cents in the columns named
in `AMOUNT_COLUMNS`, and columns starting with "_" are bookkeeping for truth.json, never written.
"""
from __future__ import annotations

from functools import cached_property

import numpy as np
import polars as pl

from . import rates
from .identity import format_ids, pseudonym_key, pseudonyms, rng
from .partners import Partner
from .timeline import OPEN_END, first_day, last_day, month_label, month_of
from .world import REASON, World

AMOUNT_COLUMNS = frozenset({"netto_huur", "achterstand_eur", "bedrag_eur"})
UNKNOWN_BUURTCODE = "BU05999999"  # the planted bad row: a code that exists nowhere
COST_SCHEMA = {"contract": pl.Int64, "kostensoort": pl.String, "cents": pl.Int64}


def as_dates(days: np.ndarray) -> pl.Series:
    """int32 days since 1970 → pl.Date, with OPEN_END as null."""
    days = np.asarray(days, dtype=np.int32)
    series = pl.Series(days).cast(pl.Date)
    return series.set(pl.Series(days == OPEN_END), None) if (days == OPEN_END).any() else series


def labels(codes: np.ndarray, vocabulary: tuple[str, ...]) -> pl.Series:
    """Integer codes → category strings; negative codes → null."""
    codes = np.asarray(codes)
    lookup = pl.Series(vocabulary, dtype=pl.String)
    series = lookup.gather(np.maximum(codes, 0))
    return series.set(pl.Series(codes < 0), None) if (codes < 0).any() else series


def uniform_cents(generator: np.random.Generator, bounds: tuple[int, int], n: int) -> np.ndarray:
    return generator.integers(bounds[0], bounds[1] + 1, n)


def active_days(start: np.ndarray, end: np.ndarray, month: int) -> np.ndarray:
    """Days within `month` on which a spell [start, end] is active (0 when it is not); an open
    end (OPEN_END) lies after every month."""
    lo = np.maximum(start, first_day(month))
    hi = np.minimum(end, last_day(month))
    return np.maximum(hi - lo + 1, 0)


def random_day_in(generator: np.random.Generator, start: np.ndarray, end: np.ndarray,
                  month: int) -> np.ndarray:
    """A uniformly random day within the part of `month` where [start, end] is active."""
    lo = np.maximum(start, first_day(month)).astype(np.int64)
    hi = np.minimum(end, last_day(month)).astype(np.int64)
    return (lo + (generator.random(lo.size) * (hi - lo + 1)).astype(np.int64)).astype(np.int32)


class PartnerView:
    """One partner's slice of the world, with its ids and pseudonyms computed once."""

    def __init__(self, world: World, partner: Partner):
        self.world = world
        self.partner = partner
        self.seed = world.seed
        self.key = pseudonym_key(world.seed)
        self.buurtcodes = world.geography.buurten["buurtcode"]

    def rng(self, *names) -> np.random.Generator:
        return rng(self.seed, self.partner.name, *names)

    def _slice(self, owner: np.ndarray, names: list[str]) -> slice:
        i = names.index(self.partner.name)
        return slice(int(np.searchsorted(owner, i, "left")), int(np.searchsorted(owner, i,
                                                                                   "right")))

    # --- housing ------------------------------------------------------------------------------
    @cached_property
    def homes(self) -> slice:
        return self._slice(self.world.homes.corp, self.world.corporations)

    @cached_property
    def contracts(self) -> slice:
        return self._slice(self.world.contracts.corp, self.world.corporations)

    @cached_property
    def contract_ids(self) -> pl.Series:
        return format_ids("HC", np.arange(self.contracts.start, self.contracts.stop) + 1)

    @cached_property
    def contract_table(self) -> pl.DataFrame:
        """Every tenancy of this corporation with its final state; months filter it."""
        c, s = self.world.contracts, self.contracts
        return pl.DataFrame([
            self.contract_ids.alias("contract_id"),
            pseudonyms(self.world.bsn[c.person[s]], self.key),
            format_ids("VHE", c.home[s].astype(np.int64) + 1).alias("vhe_id"),
            as_dates(c.start[s]).alias("startdatum"),
            as_dates(c.end[s]).alias("einddatum"),
            labels(c.reason[s], rates.EINDE_REDENEN).alias("einde_reden"),
            labels(c.group[s], rates.DOELGROEPEN).alias("doelgroep"),
            pl.Series("begeleidingsafspraak", np.where(c.begeleiding[s], "ja", "nee")),
        ])

    # --- care ---------------------------------------------------------------------------------
    @cached_property
    def trajecten(self) -> slice:
        return self._slice(self.world.trajecten.provider, self.world.providers)

    @cached_property
    def traject_pseudonyms(self) -> pl.Series:
        t, s = self.world.trajecten, self.trajecten
        return pseudonyms(self.world.bsn[t.person[s]], self.key)

    @cached_property
    def traject_table(self) -> pl.DataFrame:
        t, s = self.world.trajecten, self.trajecten
        return pl.DataFrame([
            format_ids("TR", np.arange(s.start, s.stop) + 1).alias("traject_id"),
            self.traject_pseudonyms,
            labels(t.zorgvorm[s], rates.ZORGVORMEN).alias("zorgvorm"),
            as_dates(t.start[s]).alias("startdatum"),
            as_dates(t.end[s]).alias("einddatum"),
            labels(t.reason[s], rates.ZORG_EINDE_REDENEN).alias("einde_reden"),
        ])

    # --- welfare ------------------------------------------------------------------------------
    @cached_property
    def voorzieningen(self) -> slice:
        return self._slice(self.world.voorzieningen.partner, self.world.municipalities)

    @cached_property
    def voorziening_table(self) -> pl.DataFrame:
        v, s = self.world.voorzieningen, self.voorzieningen
        return pl.DataFrame([
            format_ids("VZ", np.arange(s.start, s.stop) + 1).alias("voorziening_id"),
            pseudonyms(self.world.bsn[v.person[s]], self.key),
            self.buurtcodes.gather(v.buurt[s]).alias("buurtcode"),
            labels(v.soort[s], rates.VOORZIENING_SOORTEN).alias("soort"),
            as_dates(v.start[s]).alias("startdatum"),
            as_dates(v.end[s]).alias("einddatum"),
        ])

    # --- aggregated: the buurten this partner reports on --------------------------------------
    @cached_property
    def buurten(self) -> np.ndarray:
        column = self.world.geography.buurten[self.partner.domain]
        return np.flatnonzero((column == self.partner.name).to_numpy())


# --- wonen ---------------------------------------------------------------------------------------

def verhuureenheden(view: PartnerView) -> pl.DataFrame:
    w, s = view.world, view.homes
    homes, contracts = w.homes, w.contracts
    occupied = np.zeros(homes.n, dtype=bool)
    occupied[contracts.home[contracts.end == OPEN_END]] = True
    status = np.where(homes.sold, 3, np.where(occupied, 0, np.where(homes.renovation, 2, 1)))
    return pl.DataFrame([
        format_ids("VHE", np.arange(s.start, s.stop) + 1).alias("vhe_id"),
        format_ids("CX", homes.complex_no[s], width=6).alias("complex_id"),
        view.buurtcodes.gather(homes.buurt[s]).alias("buurtcode"),
        labels(homes.woningtype[s], rates.WONINGTYPES).alias("woningtype"),
        pl.Series("bouwjaar", homes.bouwjaar[s].astype(np.int32)),
        labels(homes.label[s], rates.ENERGIELABELS).alias("energielabel"),
        pl.Series("netto_huur", homes.rent[s].astype(np.int64)),
        labels(status[s], rates.WONINGSTATUS).alias("status"),
    ])


def known_by(history: pl.DataFrame, month: int, reason: str | None = None) -> pl.DataFrame:
    """A full-history file as exported at the end of `month`: spells started by then, with end
    dates (and reasons) only when they lie on or before that day."""
    end = pl.lit(int(last_day(month))).cast(pl.Date)
    known_end = pl.col("einddatum") <= end
    hide = [pl.when(known_end).then(pl.col("einddatum")).alias("einddatum")]
    if reason:
        hide.append(pl.when(known_end).then(pl.col(reason)).alias(reason))
    return history.filter(pl.col("startdatum") <= end).with_columns(hide)


def huurcontracten(view: PartnerView, month: int) -> pl.DataFrame:
    return known_by(view.contract_table, month, "einde_reden")


def arrears_rows(view: PartnerView, month: int) -> pl.DataFrame:
    """Contracts in arrears in `month` (deterministic from the episodes): contract index,
    months in arrears and the amount owed in cents."""
    w, s = view.world, view.contracts
    a, c = w.arrears, w.contracts
    in_partner = (a["contract"] >= s.start) & (a["contract"] < s.stop)
    running = in_partner & (a["start_month"] <= month) & (
        month < a["start_month"] + a["length"])
    idx = np.flatnonzero(running)
    contract = a["contract"][idx]
    active = active_days(c.start[contract], c.end[contract], month) > 0
    idx, contract = idx[active], contract[active]
    months_owed = month - a["start_month"][idx] + 1
    owed = np.round(months_owed * w.homes.rent[c.home[contract]] * a["fraction"][idx])
    frame = pl.DataFrame({"contract": contract, "maanden_achterstand": months_owed,
                          "achterstand_eur": owed.astype(np.int64)})
    # Overlapping episodes: the oldest one is the arrears the tenant is in.
    return frame.sort("contract", "maanden_achterstand", descending=[False, True]).unique(
        "contract", keep="first", maintain_order=True)


def huurachterstand(view: PartnerView, month: int) -> pl.DataFrame:
    rows = arrears_rows(view, month)
    s = view.contracts
    return pl.DataFrame([
        view.contract_ids.gather(rows["contract"].to_numpy() - s.start).alias("contract_id"),
        pl.Series("maand", [month_label(month)] * rows.height, dtype=pl.String),
        rows["achterstand_eur"],
        rows["maanden_achterstand"].cast(pl.Int32),
    ])


def woonkosten(view: PartnerView, month: int) -> pl.DataFrame:
    """Corporation costs per contract: support, write-offs, repairs, legal, evictions."""
    w, s = view.world, view.contracts
    c = w.contracts
    g = view.rng("woonkosten", month)
    idx = np.arange(s.start, s.stop)
    days = active_days(c.start[idx], c.end[idx], month)
    end_month = month_of(np.minimum(c.end[idx], view.world.timeline.end_day))
    dim = int(last_day(month) - first_day(month) + 1)
    active = days > 0
    ends_now = (c.end[idx] != OPEN_END) & (end_month == month)
    parts = []

    def add(mask: np.ndarray, kostensoort: str, cents: np.ndarray):
        parts.append(pl.DataFrame(
            {"contract": idx[mask], "kostensoort": np.full(int(mask.sum()), kostensoort),
             "cents": np.maximum(np.asarray(cents, dtype=np.int64), 100)},
            schema=COST_SCHEMA))

    support = active & c.begeleiding[idx] & (g.random(idx.size) < rates.SOCIAAL_BEHEER_PROBABILITY)
    add(support, "sociaal_beheer",
        uniform_cents(g, rates.SOCIAAL_BEHEER_MONTH, int(support.sum())) * days[support] / dim)
    end_damage = ends_now & (g.random(idx.size) < np.array(
        [rates.SCHADEHERSTEL_AT_END[n] for n in rates.DOELGROEPEN])[c.group[idx]])
    add(end_damage, "schadeherstel",
        uniform_cents(g, rates.SCHADEHERSTEL_END_COST, int(end_damage.sum())))
    running_damage = active & ~ends_now & (g.random(idx.size)
                                           < rates.SCHADEHERSTEL_RUNNING_PER_MONTH)
    add(running_damage, "schadeherstel",
        uniform_cents(g, rates.SCHADEHERSTEL_RUNNING_COST, int(running_damage.sum())))
    court = np.isin(c.reason[idx], [REASON["ontbinding"], REASON["huisuitzetting"]])
    court_month = np.maximum(end_month - 2, month_of(c.start[idx]))
    legal = court & (court_month == month)
    add(legal, "juridisch", uniform_cents(g, rates.JURIDISCH_COST, int(legal.sum())))
    eviction = ends_now & (c.reason[idx] == REASON["huisuitzetting"])
    add(eviction, "ontruiming", uniform_cents(g, rates.ONTRUIMING_COST, int(eviction.sum())))
    # Arrears still open when the tenancy ends are written off as huurderving.
    owed = arrears_rows(view, month)
    ending = ends_now[owed["contract"].to_numpy() - s.start]
    owed = owed.filter(pl.Series(ending, dtype=pl.Boolean))
    add_rows = owed["contract"].to_numpy()
    parts.append(pl.DataFrame(
        {"contract": add_rows, "kostensoort": np.full(add_rows.size, "huurderving"),
         "cents": np.maximum(owed["achterstand_eur"].to_numpy(), 100)}, schema=COST_SCHEMA))

    costs = (pl.concat(parts).group_by("contract", "kostensoort").agg(pl.col("cents").sum())
             .sort("contract", "kostensoort"))
    contract = costs["contract"].to_numpy()
    return pl.DataFrame([
        view.contract_ids.gather(contract - s.start).alias("contract_id"),
        pl.Series("maand", [month_label(month)] * costs.height, dtype=pl.String),
        costs["kostensoort"],
        costs["cents"].alias("bedrag_eur"),
        pl.Series("_doelgroep", c.group[contract].astype(np.int8)),
    ])


def overlast_id_base(world: World) -> np.ndarray:
    """First melding number per (month, corporation): ids run across the whole world."""
    n = world.nuisance
    per_corp = np.stack([np.bincount(n["cell_corp"], weights=n["counts"][:, m],
                                     minlength=len(world.corporations)).astype(np.int64)
                         for m in range(n["counts"].shape[1])])
    return (np.cumsum(per_corp.ravel()) - per_corp.ravel()).reshape(per_corp.shape) + 1


def overlastmeldingen(view: PartnerView, month: int, id_base: np.ndarray) -> pl.DataFrame:
    w = view.world
    n, homes, c = w.nuisance, w.homes, w.contracts
    corp = w.corporations.index(view.partner.name)
    m = month - w.timeline.first_month
    g = view.rng("overlastmeldingen", month)
    cells = np.flatnonzero(n["cell_corp"] == corp)
    counts = n["counts"][cells, m]
    buurt = np.repeat(n["cell_buurt"][cells], counts)
    rows = buurt.size
    date = first_day(month) + (g.random(rows) * (last_day(month) - first_day(month) + 1)).astype(
        np.int32)
    # The complex: that of a random home of this corporation in the buurt.
    h = view.homes
    home_buurt = homes.buurt[h]
    lo = np.searchsorted(home_buurt, buurt, "left")
    hi = np.searchsorted(home_buurt, buurt, "right")
    home = h.start + lo + (g.random(rows) * (hi - lo)).astype(np.int64)
    categorie = g.choice(len(rates.OVERLAST_CATEGORIEEN), size=rows,
                         p=rates.OVERLAST_CATEGORY_MIX)
    # The tenant named as cause: weighted by doelgroep among tenancies running all month.
    s = view.contracts
    idx = np.arange(s.start, s.stop)
    whole_month = (c.start[idx] <= first_day(month)) & (c.end[idx] >= last_day(month))
    idx = idx[whole_month]
    idx = idx[np.argsort(c.buurt[idx], kind="stable")]
    lo = np.searchsorted(c.buurt[idx], buurt, "left")
    hi = np.searchsorted(c.buurt[idx], buurt, "right")
    named = (g.random(rows) < rates.OVERLAST_VEROORZAKER_KNOWN) & (hi > lo)
    u = g.random(rows)
    cause = np.full(rows, -1, dtype=np.int64)
    if named.any():
        # Inverse-CDF draw within the buurt's slice of the cumulative propensity.
        weight = np.concatenate([[0.0], np.cumsum(np.array(rates.OVERLAST_PROPENSITY)[
            c.group[idx]])])
        target = weight[lo] + u * (weight[hi] - weight[lo])
        pick = np.clip(np.searchsorted(weight, target, "right") - 1, lo, hi - 1)
        cause[named] = idx[pick[named]]
    handled = date + g.integers(rates.OVERLAST_HANDLED_DAYS[0],
                                rates.OVERLAST_HANDLED_DAYS[1] + 1, rows)
    # Handled after the export date is not known yet: empty.
    handled_known = (g.random(rows) < rates.OVERLAST_HANDLED_SHARE) & (handled <= last_day(month))
    cause_ids = format_ids("HC", np.maximum(cause, 0) + 1)
    return pl.DataFrame([
        format_ids("OVL", id_base[m, corp] + np.arange(rows)).alias("melding_id"),
        as_dates(date).alias("meldingsdatum"),
        view.buurtcodes.gather(buurt).alias("buurtcode"),
        format_ids("CX", homes.complex_no[home], width=6).alias("complex_id"),
        labels(categorie, rates.OVERLAST_CATEGORIEEN).alias("categorie"),
        cause_ids.set(pl.Series(cause < 0), None).alias("veroorzaker_contract_id")
        if rows else cause_ids.alias("veroorzaker_contract_id"),
        as_dates(np.where(handled_known, handled, OPEN_END)).alias("afgehandeld_op"),
        pl.Series("_buurt", buurt.astype(np.int32)),
    ])


# --- zorg ----------------------------------------------------------------------------------------

def trajecten(view: PartnerView, month: int) -> pl.DataFrame:
    return known_by(view.traject_table, month, "einde_reden")


def _active_trajecten(view: PartnerView, month: int) -> tuple[np.ndarray, np.ndarray]:
    t, s = view.world.trajecten, view.trajecten
    idx = np.arange(s.start, s.stop)
    days = active_days(t.start[idx], t.end[idx], month)
    return idx[days > 0], days[days > 0]


def zorgkosten(view: PartnerView, month: int) -> pl.DataFrame:
    t = view.world.trajecten
    g = view.rng("zorgkosten", month)
    idx, days = _active_trajecten(view, month)
    dim = int(last_day(month) - first_day(month) + 1)
    tariff = np.array(rates.ZORG_COST_MONTH)[t.zorgvorm[idx]]
    cents = np.round(tariff * t.intensity[idx] * days / dim * g.uniform(0.97, 1.03, idx.size))
    return pl.DataFrame([
        format_ids("TR", idx + 1).alias("traject_id"),
        pl.Series("maand", [month_label(month)] * idx.size, dtype=pl.String),
        pl.Series("bedrag_eur", np.maximum(cents, 100).astype(np.int64)),
        pl.Series("_person", t.person[idx]),
    ])


def zrm_metingen(view: PartnerView, month: int) -> pl.DataFrame:
    """ZRM at intake and every quarter; scores drift up with time in care."""
    t = view.world.trajecten
    g = view.rng("zrm_metingen", month)
    idx, _ = _active_trajecten(view, month)
    due = (month - month_of(t.start[idx])) % rates.ZRM_INTERVAL_MONTHS == 0
    idx = idx[due]
    day = random_day_in(g, t.start[idx], t.end[idx], month)
    years = (day - t.start[idx]) / 365.25
    # Gains level off: at most about twice the first-year drift, reached after a few years.
    gain = t.zrm_slope[idx] * 2 * (1 - np.exp(-years / 2))
    latent = (t.zrm_base[idx] + gain)[:, None] + np.array(
        rates.ZRM_DOMAIN_OFFSET)[None, :] + 0.35 * g.standard_normal((idx.size, 13))
    scores = np.clip(np.round(latent), 1, 5).astype(np.int8)
    missing = g.random((idx.size, 13)) < np.array(rates.ZRM_MISSING)[None, :]
    columns = [view.traject_pseudonyms.gather(idx - view.trajecten.start),
               as_dates(day).alias("meetdatum")]
    for k, domain in enumerate(rates.ZRM_DOMEINEN):
        column = pl.Series(domain, scores[:, k], dtype=pl.Int8)
        columns.append(column.set(pl.Series(missing[:, k]), None) if idx.size else column)
    # One measurement per person and month (the key is person + meetdatum).
    return pl.DataFrame(columns).unique("persoon_pseudoniem", keep="first", maintain_order=True)


def crisismomenten(view: PartnerView, month: int) -> pl.DataFrame:
    t = view.world.trajecten
    g = view.rng("crisismomenten", month)
    idx, _ = _active_trajecten(view, month)
    idx = idx[g.random(idx.size) < np.array(rates.CRISIS_PER_MONTH)[t.zorgvorm[idx]]]
    frame = pl.DataFrame([
        view.traject_pseudonyms.gather(idx - view.trajecten.start),
        as_dates(random_day_in(g, t.start[idx], t.end[idx], month)).alias("datum"),
        labels(g.choice(3, size=idx.size, p=rates.CRISIS_SOORT_MIX),
               rates.CRISIS_SOORTEN).alias("soort"),
    ])
    return frame.unique(keep="first", maintain_order=True)


# --- welzijn -------------------------------------------------------------------------------------

def voorzieningen(view: PartnerView, month: int) -> pl.DataFrame:
    return known_by(view.voorziening_table, month)


def welzijnskosten(view: PartnerView, month: int) -> pl.DataFrame:
    v, s = view.world.voorzieningen, view.voorzieningen
    g = view.rng("welzijnskosten", month)
    idx = np.arange(s.start, s.stop)
    days = active_days(v.start[idx], v.end[idx], month)
    idx, days = idx[days > 0], days[days > 0]
    dim = int(last_day(month) - first_day(month) + 1)
    cents = np.round(np.array(rates.WELZIJN_COST_MONTH)[v.soort[idx]] * v.intensity[idx]
                     * days / dim * g.uniform(0.97, 1.03, idx.size))
    return pl.DataFrame([
        format_ids("VZ", idx + 1).alias("voorziening_id"),
        pl.Series("maand", [month_label(month)] * idx.size, dtype=pl.String),
        pl.Series("bedrag_eur", np.maximum(cents, 100).astype(np.int64)),
        pl.Series("_person", v.person[idx]),
    ])


# --- veiligheid and bewoners (aggregated) -------------------------------------------------------

def incidenten(view: PartnerView, month: int) -> pl.DataFrame:
    geo = view.world.geography
    g = view.rng("incidenten", month)
    buurten = view.buurten
    inhabitants = geo.buurten["inwoners"].to_numpy().astype(float)
    vulnerability = geo.buurten["vulnerability"].to_numpy()
    relative = vulnerability / ((vulnerability * inhabitants).sum() / inhabitants.sum())
    rate = np.array(rates.INCIDENTS_PER_1000_YEAR) / 1000 / 12
    sensitive = np.array(rates.INCIDENT_VULNERABLE_SENSITIVE)
    factor = np.where(sensitive[None, :], relative[buurten, None] ** 0.7, 1.0)
    expected = (inhabitants[buurten, None] * geo.aggregate_fraction * rate[None, :] * factor)
    counts = g.poisson(expected)
    b, k = np.nonzero(counts)  # aggregated exports list only non-zero cells
    return pl.DataFrame([
        view.buurtcodes.gather(buurten[b]).alias("buurtcode"),
        pl.Series("maand", [month_label(month)] * b.size, dtype=pl.String),
        labels(k, rates.INCIDENT_SOORTEN).alias("incidentsoort"),
        pl.Series("aantal", counts[b, k].astype(np.int64)),
    ])


def bewonersenquete(view: PartnerView, year: int, planted_buurt: int | None) -> pl.DataFrame:
    """Mean scores per buurt and question; Leefbaarometer deviation sets the level."""
    geo = view.world.geography
    g = view.rng("bewonersenquete", year)
    inhabitants = geo.buurten["inwoners"].to_numpy()
    buurten = view.buurten[inhabitants[view.buurten] >= rates.ENQUETE_MIN_INHABITANTS]
    respondents = g.poisson(inhabitants[buurten] * geo.aggregate_fraction
                            * rates.ENQUETE_RESPONSE_RATE)
    buurten, respondents = buurten[respondents >= 10], respondents[respondents >= 10]
    afw = geo.buurten["lbm_afw"].to_numpy()[buurten]
    direction = np.array([4.0, 5.0, 3.0, -4.0])  # better liveability → less nuisance felt
    score = (np.array(rates.ENQUETE_MEAN_SCORE)[None, :] + afw[:, None] * direction[None, :]
             + 0.15 * g.standard_normal((buurten.size, 4)))
    if planted_buurt is not None:  # the buurt with rising nuisance also feels it
        rising = buurten == planted_buurt
        score[rising, 3] += 0.4 * (year - view.world.timeline.years[0])
    score = np.clip(np.round(score, 1), 0, 10)
    return pl.DataFrame([
        view.buurtcodes.gather(np.repeat(buurten, 4)).alias("buurtcode"),
        pl.Series("jaar", np.full(buurten.size * 4, year, dtype=np.int32)),
        labels(np.tile(np.arange(4), buurten.size), rates.ENQUETE_VRAGEN).alias("vraag"),
        pl.Series("n_respondenten", np.repeat(respondents, 4).astype(np.int32)),
        pl.Series("score", score.ravel()),
    ])
