"""Every behavioural parameter of the synthetic world, each with where its order of magnitude
comes from. Figures marked "assumption" are plausible orders of magnitude, not published rates.

Annual probabilities are turned into constant daily hazards by the world model; money is in euro
cents per month unless the name says otherwise.
"""
from __future__ import annotations

# --- Domain vocabularies (docs/partner-exports.md); the order fixes the integer codes used inside.
DOELGROEPEN = ("regulier", "housing_first", "uitstroom_bw", "uitstroom_mo", "skaeve_huse",
               "statushouder", "overig_kwetsbaar")
EINDE_REDENEN = ("verhuizing", "overlijden", "ontbinding", "huisuitzetting", "anders")
WONINGTYPES = ("eengezins", "meergezins", "kamer", "overig")
ENERGIELABELS = ("A++++", "A+++", "A++", "A+", "A", "B", "C", "D", "E", "F", "G", "onbekend")
WONINGSTATUS = ("verhuurd", "leegstand", "renovatie", "verkocht")
KOSTENSOORTEN = ("sociaal_beheer", "huurderving", "schadeherstel", "juridisch", "ontruiming")
OVERLAST_CATEGORIEEN = ("geluid", "vervuiling", "agressie", "verward_gedrag", "drugs",
                        "woonfraude", "overig")
ZORGVORMEN = ("beschermd_wonen", "housing_first_begeleiding", "ambulante_begeleiding", "fact",
              "verslavingszorg")
ZORG_EINDE_REDENEN = ("doel_bereikt", "verhuizing", "uitval", "overlijden", "overig")
CRISIS_SOORTEN = ("crisisopname", "crisisdienst", "politie_inzet")
ZRM_DOMEINEN = ("financien", "werk_opleiding", "tijdsbesteding", "huisvesting",
                "huiselijke_relaties", "geestelijke_gezondheid", "lichamelijke_gezondheid",
                "middelengebruik", "basale_adl", "instrumentele_adl", "sociaal_netwerk",
                "maatschappelijke_participatie", "justitie")
VOORZIENING_SOORTEN = ("wmo_begeleiding", "dagbesteding", "schuldhulp", "bijstand", "wijkteam")
INCIDENT_SOORTEN = ("verward_persoon", "overlast_jeugd", "burenruzie", "woninginbraak", "geweld",
                    "vernieling", "drugsoverlast")
ENQUETE_VRAGEN = ("veiligheidsgevoel", "tevredenheid_buurt", "sociale_cohesie", "overlast_ervaren")

REGULIER = 0
VULNERABLE = tuple(range(1, len(DOELGROEPEN)))

# --- Housing stock --------------------------------------------------------------------------
# Rotterdam: ~45% of households rent from a corporation (CBS StatLine 82900NED, woningvoorraad
# naar eigendom; Gemeente Rotterdam Woonvisie). Wijk shares below are relative and rescaled so
# the city total is exactly this share: the south and west have far more social rent than
# Hillegersberg-Schiebroek or Prins Alexander.
ROTTERDAM_SOCIAL_SHARE = 0.45
WIJK_SOCIAL_WEIGHT = {  # wijk number (2 digits of the wijkcode) → relative social-rent share
    "01": 0.75, "03": 1.35, "04": 0.95, "05": 1.15, "06": 0.55, "08": 1.05, "10": 1.40,
    "12": 1.20, "13": 0.90, "14": 0.75, "15": 1.40, "16": 1.10, "17": 0.80, "27": 0.90,
}
# Split of each wijk's social stock between the two corporations: Havensteder is rooted in
# west and north (Delfshaven, Noord, Overschie, Hillegersberg), Woonstad Rotterdam in the south
# and east (Feijenoord, Charlois, IJsselmonde, Kralingen-Crooswijk, Prins Alexander).
HAVENSTEDER_SHARE = {
    "01": 0.45, "03": 0.80, "04": 0.80, "05": 0.75, "06": 0.75, "08": 0.30, "10": 0.15,
    "12": 0.25, "13": 0.50, "14": 0.30, "15": 0.20, "16": 0.55, "17": 0.50, "27": 0.50,
}
# Vulnerable tenants are concentrated where cheap social stock is: Delfshaven, Feijenoord,
# Charlois and Noord (Rotterdam Wijkprofiel; NPRZ). Multiplier on top of the Leefbaarometer signal.
VULNERABLE_WIJK_BOOST = {"03": 2.0, "10": 2.2, "15": 2.2, "05": 1.6}
# Netherlands: ~2.3 million corporation homes (Aedes, Corporatiemonitor) on ~8.1 million
# households (CBS), i.e. ~28%.
NATIONAL_SOCIAL_HOMES = 2_300_000
NATIONAL_INHABITANTS = 17_900_000
NATIONAL_HOUSEHOLD_SIZE = 2.15  # CBS: average household size ~2.1-2.2

WONINGTYPE_MIX = (0.22, 0.70, 0.04, 0.04)  # assumption: corporation stock is mostly flats
# Social rents 2025: average net rent ~€600/month, capped by the liberalisation limit
# (~€900 in 2025; Rijksoverheid huurtoeslag/huurgrens). Base rent per woningtype, cents.
NETTO_HUUR_BASIS = (70_000, 61_000, 42_000, 52_000)
NETTO_HUUR_MAX = 89_900
# Share of complexes in renovation (their vacant homes are status `renovatie`); assumption.
RENOVATION_COMPLEX_SHARE = 0.04
SOLD_SHARE_OF_ENDINGS = 0.02  # corporations sell ~0.3% of stock a year (Aedes); assumption
VACANCY_GAP_DAYS = (14, 70)  # mutatieleegstand of weeks, not months (Aedes benchmark)
RENOVATION_GAP_DAYS = (120, 300)

# --- Tenancies per doelgroep ---------------------------------------------------------------
# Letting mix of new contracts. ~10-15% of social lettings go to urgent/vulnerable groups
# (Aedes/Platform31 "Wonen en zorg"; statushouders ~5-7% of lettings, Rijksoverheid taakstelling).
LETTING_MIX = {"regulier": 0.845, "housing_first": 0.020, "uitstroom_bw": 0.030,
               "uitstroom_mo": 0.025, "skaeve_huse": 0.005, "statushouder": 0.050,
               "overig_kwetsbaar": 0.025}
# Mix of the stock that is running at the start of the history (fewer vulnerable tenancies than
# in the letting mix because they turn over faster).
STOCK_MIX = {"regulier": 0.915, "housing_first": 0.008, "uitstroom_bw": 0.016,
             "uitstroom_mo": 0.012, "skaeve_huse": 0.003, "statushouder": 0.030,
             "overig_kwetsbaar": 0.016}
# Annual probability that a tenancy ends, and the split of reasons when it does
# (verhuizing, overlijden, ontbinding, huisuitzetting, anders).
# - regulier: mutatiegraad ~6-7% a year (Aedes Corporatiemonitor); evictions ~0.1-0.2% of social
#   tenancies a year nationally (Aedes: ~3,100 in 2019, ~1,900 in 2022 on ~2.3 mln homes).
# - housing_first: Trimbos-instituut monitor Housing First Nederland: 83% not homeless again,
#   73% still in the same home → ~27% leave in year one, ~10 points of them to another home.
# - uitstroom_bw / uitstroom_mo / overig_kwetsbaar: ~75-85% keep their home after a year
#   (Trimbos/Movisie evaluations of uitstroom uit beschermd wonen/maatschappelijke opvang);
#   evictions for these groups are several times the national rate (Platform31, "Huisuitzettingen
#   voorkomen"); assumption within those ranges.
# - skaeve_huse: small, high-turnover schemes (Skaeve Huse evaluations, Movisie); assumption.
# - statushouder: close to regular tenants, more moves early on; assumption.
EXIT_PROBABILITY = {"regulier": 0.066, "housing_first": 0.27, "uitstroom_bw": 0.20,
                    "uitstroom_mo": 0.22, "skaeve_huse": 0.25, "statushouder": 0.09,
                    "overig_kwetsbaar": 0.15}
EXIT_REASON_MIX = {
    "regulier": (0.790, 0.170, 0.008, 0.018, 0.014),
    "housing_first": (0.370, 0.050, 0.200, 0.150, 0.230),
    "uitstroom_bw": (0.550, 0.050, 0.120, 0.080, 0.200),
    "uitstroom_mo": (0.500, 0.050, 0.130, 0.100, 0.220),
    "skaeve_huse": (0.400, 0.080, 0.150, 0.120, 0.250),
    "statushouder": (0.850, 0.010, 0.030, 0.020, 0.090),
    "overig_kwetsbaar": (0.600, 0.060, 0.100, 0.070, 0.170),
}
# Who has a support agreement with the corporation (begeleidingsafspraak); assumption, HF and
# Skaeve Huse always come with support by design.
BEGELEIDING_PROBABILITY = {"regulier": 0.01, "housing_first": 1.0, "uitstroom_bw": 0.9,
                           "uitstroom_mo": 0.85, "skaeve_huse": 1.0, "statushouder": 0.35,
                           "overig_kwetsbaar": 0.7}

# --- Rent arrears ---------------------------------------------------------------------------
# ~3-5% of social tenants are in arrears at any time (CBS/Nibud; Aedes "vroegsignalering"), far
# more among vulnerable groups (Platform31). Monthly start probability of an arrears episode and
# its length in months (geometric mean): prevalence ≈ start × length.
ARREARS_START_PER_MONTH = {"regulier": 0.0075, "housing_first": 0.030, "uitstroom_bw": 0.025,
                           "uitstroom_mo": 0.030, "skaeve_huse": 0.035, "statushouder": 0.015,
                           "overig_kwetsbaar": 0.025}
ARREARS_MEAN_MONTHS = 4.5
ARREARS_MAX_MONTHS = 14
EVICTION_ARREARS_MONTHS = (3, 8)  # an eviction follows months of arrears (kantonrechter needs ≥3)

# --- Corporation costs, cents ----------------------------------------------------------------
# Sociaal beheer: staff time of a wijkbeheerder/consulent for supported tenancies; assumption.
SOCIAAL_BEHEER_MONTH = (4_000, 18_000)
SOCIAAL_BEHEER_PROBABILITY = 0.6
# An eviction costs a corporation roughly €5,000-10,000 (Aedes / Deloitte "Kosten en baten van
# huisuitzettingen": bailiff, removal, storage, vacancy); lost rent is booked as huurderving.
ONTRUIMING_COST = (500_000, 1_000_000)
JURIDISCH_COST = (40_000, 250_000)  # deurwaarder + griffierecht kantonrechter; assumption
SCHADEHERSTEL_AT_END = {"regulier": 0.06, "housing_first": 0.35, "uitstroom_bw": 0.30,
                        "uitstroom_mo": 0.35, "skaeve_huse": 0.45, "statushouder": 0.10,
                        "overig_kwetsbaar": 0.25}
SCHADEHERSTEL_END_COST = (30_000, 450_000)
SCHADEHERSTEL_RUNNING_PER_MONTH = 0.002
SCHADEHERSTEL_RUNNING_COST = (8_000, 90_000)

# --- Nuisance reports -------------------------------------------------------------------------
# Order of magnitude: a large corporation registers a few nuisance reports per 100 homes a year
# (corporation annual reports, e.g. Woonstad/Havensteder jaarverslagen); assumption 5/100/year.
OVERLAST_PER_HOME_YEAR = 0.05
OVERLAST_CATEGORY_MIX = (0.34, 0.20, 0.08, 0.10, 0.11, 0.06, 0.11)
OVERLAST_VEROORZAKER_KNOWN = 0.55
# Relative chance of being named as the cause, per doelgroep (assumption: vulnerable tenants are
# over-represented in reports, but most reports concern regular tenants).
OVERLAST_PROPENSITY = (1.0, 6.0, 4.0, 5.0, 8.0, 1.2, 4.0)
OVERLAST_HANDLED_DAYS = (1, 60)
OVERLAST_HANDLED_SHARE = 0.85
PLANTED_NUISANCE_STEP = 1  # the planted buurt gets one more report every month

# --- Care (zorg) ----------------------------------------------------------------------------
# Zorgvorm per doelgroep for tenants with a support agreement (shares of the zorgvormen tuple).
ZORGVORM_FOR_DOELGROEP = {
    "regulier": (0.0, 0.0, 0.45, 0.35, 0.20),
    "housing_first": (0.0, 1.0, 0.0, 0.0, 0.0),
    "uitstroom_bw": (0.0, 0.0, 0.70, 0.30, 0.0),
    "uitstroom_mo": (0.0, 0.0, 0.60, 0.20, 0.20),
    "skaeve_huse": (0.0, 0.0, 0.40, 0.0, 0.60),
    "statushouder": None,  # their support comes from the municipality (wijkteam), not care
    "overig_kwetsbaar": (0.0, 0.0, 0.50, 0.50, 0.0),
}
REGULAR_TENANT_CARE_SHARE = 0.02  # assumption: some regular tenants get FACT/ambulant care
# Monthly cost per zorgvorm, cents: beschermd wonen ~€60-70k a year per place (VNG/Significant,
# doordecentralisatie beschermd wonen); Housing First begeleiding ~€15-20k a year (Housing First
# Nederland); ambulante begeleiding ~€7-9k (Wmo uurtarief ~€65 × 2-3 h/week); FACT ~€12k and
# ambulant verslavingszorg ~€9k a year (NZa DBC/zorgprestatie orders of magnitude; assumption).
ZORG_COST_MONTH = (541_700, 145_800, 66_700, 100_000, 75_000)
ZORG_MEDIAN_MONTHS = (30.0, 30.0, 15.0, 24.0, 12.0)
ZORG_END_MIX = (0.50, 0.10, 0.22, 0.03, 0.15)  # natural ends: doel_bereikt ... overig
# Beschermd wonen places (people not renting a home): Rotterdam regio ~2,000 places, nationally
# ~25,000 (VNG, Commissie Dannenberg); per inhabitant ≈ 1.4 per 1,000.
BW_PLACES_PER_INHABITANT = 0.0014
BW_EXIT_PROBABILITY = 0.35
# Crisis events per active traject per month; assumption (GGZ crisis services see a few % of
# their caseload per month; higher for BW and verslavingszorg).
CRISIS_PER_MONTH = (0.035, 0.030, 0.015, 0.040, 0.035)
CRISIS_SOORT_MIX = (0.20, 0.50, 0.30)
ZRM_INTERVAL_MONTHS = 3  # ZRM is scored at intake and then quarterly (GGD Amsterdam handleiding)
# ZRM-2017: 1 = acute problemen … 5 = volledig zelfredzaam. Supported people start low and drift
# up by a few tenths a year (assumption consistent with HF evaluations showing gains in housing,
# finances and daily activities rather than in mental health).
ZRM_START_MEAN = 2.5
ZRM_DRIFT_PER_YEAR = 0.45  # initial slope; the model lets gains level off at ~2× this
ZRM_DOMAIN_OFFSET = (-0.3, -0.6, -0.2, 0.2, 0.1, -0.4, 0.2, -0.1, 1.4, 0.5, -0.2, -0.5, 0.8)
ZRM_MISSING = (0.03, 0.10, 0.05, 0.02, 0.08, 0.03, 0.05, 0.06, 0.03, 0.04, 0.06, 0.08, 0.25)

# --- Welfare (welzijn) ----------------------------------------------------------------------
# Probability that a tenant of a doelgroep uses a provision during the tenancy
# (wmo_begeleiding, dagbesteding, schuldhulp, bijstand, wijkteam). Bijstand: ~70-80% of people
# leaving shelters or BW live on benefits (Trimbos HF monitor); schuldhulp: most HF tenants have
# debts; regular tenants: ~5-8% bijstand (CBS). Remaining values are assumptions.
VOORZIENING_PROBABILITY = {
    "regulier": (0.015, 0.010, 0.020, 0.070, 0.030),
    "housing_first": (0.20, 0.30, 0.40, 0.80, 0.35),
    "uitstroom_bw": (0.25, 0.35, 0.30, 0.70, 0.30),
    "uitstroom_mo": (0.20, 0.25, 0.40, 0.75, 0.35),
    "skaeve_huse": (0.20, 0.40, 0.30, 0.85, 0.30),
    "statushouder": (0.05, 0.05, 0.15, 0.65, 0.45),
    "overig_kwetsbaar": (0.25, 0.20, 0.30, 0.50, 0.40),
}
# People who are not social tenants also get provisions (owners, private renters); per
# inhabitant, as active provisions at a time; assumption (Rotterdam: ~35k bijstand households).
NON_TENANT_PROVISIONS_PER_INHABITANT = 0.035
NON_TENANT_SOORT_MIX = (0.18, 0.08, 0.10, 0.44, 0.20)
VOORZIENING_MEDIAN_MONTHS = (14.0, 18.0, 16.0, 36.0, 6.0)
# Monthly cost, cents: Wmo begeleiding ~€650, dagbesteding ~€500 (Wmo tarieven G4); schuldhulp
# ~€2,000-2,500 per traject (Divosa/Berenschot) ≈ €180/month; bijstand alleenstaande ~€1,350
# (Participatiewet normbedragen 2025 incl. vakantiegeld); wijkteam staff time ~€110; assumption.
WELZIJN_COST_MONTH = (65_000, 52_000, 18_000, 135_000, 11_000)

# --- Police incidents (aggregated) ----------------------------------------------------------
# Registered incidents per 1,000 inhabitants per year, Rotterdam orders of magnitude
# (politie.nl "Misdaad in cijfers"; E33 verward-persoon meldingen ~10/1,000/year in the G4).
INCIDENTS_PER_1000_YEAR = (10.0, 6.0, 4.0, 2.8, 6.5, 6.0, 3.5)
INCIDENT_VULNERABLE_SENSITIVE = (True, False, True, False, True, False, True)

# --- Resident survey --------------------------------------------------------------------------
# Panel response: ~1% of inhabitants answer; buurten with fewer than this many inhabitants are
# not reported (disclosure control, Rotterdam Wijkprofiel practice).
ENQUETE_RESPONSE_RATE = 0.01
ENQUETE_MIN_INHABITANTS = 250
ENQUETE_MEAN_SCORE = (6.6, 7.0, 6.0, 4.0)  # Rotterdam Veiligheidsindex/Wijkprofiel orders
