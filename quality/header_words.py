"""The words of column headers: which name personal data (a column called `telefoon` is refused by
its name), which name a place or an organisation (`buurt_naam`), which make a person word
compound (`klantnaam`). The privacy rules read them, and receipts quote a header only when it is
made of such words (quality/masking.py).
"""
from __future__ import annotations

# Checked in this order: 'E-mail adres' is an e-mail column before it is an address.
FORBIDDEN_NAMES = {
    "bsn": {"bsn", "burgerservicenummer", "sofinummer", "sofi", "bsnnummer"},
    "email": {"email", "emailadres", "mail", "mailadres", "emailaddress"},
    "phone": {
        "telefoon", "telefoonnummer", "telnr", "tel", "mobiel", "mobielnummer", "gsm", "phone",
        "phonenumber", "mobile", "telephone",
    },
    "birth_date": {
        "geboortedatum", "gebdatum", "geboortedag", "dob", "birthdate", "dateofbirth", "birthday",
    },
    "name": {
        "naam", "namen", "name", "voornaam", "voornamen", "achternaam", "roepnaam",
        "geslachtsnaam", "familienaam", "meisjesnaam", "tussenvoegsel", "tussenvoegsels",
        "voorletters", "initialen", "firstname", "lastname", "surname", "fullname", "givenname",
        "contactpersoon",
    },
    "address": {
        "straat", "straatnaam", "adres", "address", "woonadres", "postadres", "huisnummer",
        "huisnr", "huisletter", "huisnummertoevoeging", "postcode", "zipcode", "postalcode",
        "streetaddress", "street",
    },
}
# "naam" next to one of these names a place or organisation, not a person (buurt_naam).
ENTITY_WORDS = (
    "buurt", "wijk", "gemeente", "stadsdeel", "stad", "plaats", "complex", "project", "locatie",
    "organisatie", "bedrijf", "instelling", "team", "bestand", "product", "regio", "aanbieder",
    "corporatie", "dataset", "vraag", "categorie", "school", "voorziening", "sheet", "kolom",
    "soort", "type", "status", "label", "omschrijving", "partner",
)
# Compound person words such as klantnaam, huurdernaam.
PERSON_PREFIXES = (
    "klant", "client", "huurder", "bewoner", "persoon", "persoons", "patient", "melder",
    "contact", "ouder", "moeder", "vader", "eigenaar", "medewerker", "behandelaar",
)
