"""Who delivers what in the synthetic world, and in which file dialect."""
from __future__ import annotations

from dataclasses import dataclass

DATASETS = {
    "wonen": ("verhuureenheden", "huurcontracten", "huurachterstand", "overlastmeldingen",
              "woonkosten"),
    "zorg": ("trajecten", "zorgkosten", "zrm_metingen", "crisismomenten"),
    "welzijn": ("voorzieningen", "welzijnskosten"),
    "veiligheid": ("incidenten",),
    "bewoners": ("bewonersenquete",),
}
FULL_HISTORY = frozenset({"huurcontracten", "trajecten", "voorzieningen"})
SNAPSHOT = frozenset({"verhuureenheden"})
YEARLY = frozenset({"bewonersenquete"})
DOMAIN_OF = {dataset: domain for domain, names in DATASETS.items() for dataset in names}


@dataclass(frozen=True)
class Partner:
    name: str
    domain: str
    dialect: str  # a key of writers.DIALECTS

    @property
    def datasets(self) -> tuple[str, ...]:
        return DATASETS[self.domain]


# The demo registry (sources/partners.yaml): each partner its own export habits.
CITY_PARTNERS = (
    Partner("havensteder", "wonen", "wonen_lower"),
    Partner("woonstad", "wonen", "wonen_capitalised"),
    Partner("zorgaanbieder", "zorg", "xlsx"),
    Partner("gemeente", "welzijn", "csv_bom_comma"),
    Partner("politie", "veiligheid", "parquet"),
    Partner("bewonerspanel", "bewoners", "csv_semicolon_utf8"),
)
DOMAIN_DIALECT = {"zorg": "xlsx", "welzijn": "csv_bom_comma", "veiligheid": "parquet",
                  "bewoners": "csv_semicolon_utf8"}
