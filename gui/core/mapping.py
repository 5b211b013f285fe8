"""Pure Python: which sheet column feeds which provider field, and the leads that come out of it.

A sales-ops file rarely says ``email``: it says ``E-mail``, ``Courriel``, ``Adresse e-mail``
or nothing at all (``Column 3``). Suggestions therefore go through three steps, in order of
trust: a synonym table in seven languages (after normalising case, accents, punctuation and
camelCase), fuzzy matching against the same table, and sniffing a sample of the values. Each
step yields a provider-neutral *concept* (``email``, ``first_name``...) that
:attr:`gui.core.domain.LeadField.concept` turns into the chosen provider's field, so one
file maps itself to any of the four providers.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
import unicodedata
import zoneinfo
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
import phonenumbers
import pyarrow as pa
import pyarrow.compute as pc
from rapidfuzz import fuzz, process

from gui.core.domain import Lead
from gui.core.errors import MappingError
from gui.core.providers.base import ProviderSpec

__all__ = [
    "ColumnMapping",
    "MappingSuggestion",
    "Suggestion",
    "build_leads",
    "clean_values",
    "detect_concept",
    "header_fingerprint",
    "normalize_header",
    "parse_map_args",
    "payload_preview",
    "required_groups",
    "sanitize_custom_name",
    "suggest_mapping",
]

CUSTOM_PREFIX = "custom:"


@dataclass(frozen=True)
class ColumnMapping:
    """The user's (or the suggestion's) choice of columns.

    Attributes:
        fields: Provider field name to source column header.
        custom: Source column header to custom-variable name (already sanitised for the provider).
    """

    fields: Mapping[str, str] = field(default_factory=dict)
    custom: Mapping[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, dict[str, str]]:
        """Plain JSON-ready form, used by presets and the remembered mappings."""
        return {"fields": dict(self.fields), "custom": dict(self.custom)}

    @classmethod
    def from_dict(cls, data: object) -> ColumnMapping:
        """Read :meth:`to_dict` output back; MappingError says what is wrong with a hand-edited file."""
        if not isinstance(data, Mapping):
            raise MappingError("A mapping must be an object with 'fields' and 'custom'.")
        out: dict[str, dict[str, str]] = {}
        for key in ("fields", "custom"):
            part = data.get(key, {})
            if not isinstance(part, Mapping) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in part.items()
            ):
                raise MappingError(f"The mapping's '{key}' must map text to text.")
            out[key] = dict(part)
        headers = list(out["fields"].values())
        twice = sorted({h for h in headers if headers.count(h) > 1})
        if twice:
            raise MappingError(f"Column ‘{twice[0]}’ is mapped to more than one field.")
        both = sorted(set(headers) & set(out["custom"]))
        if both:
            raise MappingError(f"Column ‘{both[0]}’ is mapped to a field and also sent as a custom variable.")
        names = list(out["custom"].values())
        same = sorted({n for n in names if names.count(n) > 1})
        if same:
            raise MappingError(f"Two columns would be sent as the same custom variable ‘{same[0]}’.")
        return cls(fields=out["fields"], custom=out["custom"])

    def summary(self) -> dict[str, str]:
        """Header to field name, custom variables as ``custom:<name>``: the CLI ``--dry-run`` JSON."""
        out = {header: name for name, header in self.fields.items()}
        out.update({header: f"{CUSTOM_PREFIX}{name}" for header, name in self.custom.items()})
        return out

    def columns(self) -> list[str]:
        """Every source column the mapping reads, fields first."""
        return [*self.fields.values(), *self.custom]

    def column_for(self, field_name: str) -> str | None:
        """The header mapped to a provider field, if any."""
        return self.fields.get(field_name)

    def field_for(self, column: str) -> str | None:
        """The provider field a header feeds, if any (custom variables are not fields)."""
        return next((f for f, h in self.fields.items() if h == column), None)

    def renamed(self, renames: Mapping[str, str]) -> ColumnMapping:
        """The same mapping with headers renamed (a preset applied to a file whose headers differ in case)."""
        return ColumnMapping(
            fields={f: renames.get(h, h) for f, h in self.fields.items()},
            custom={renames.get(h, h): n for h, n in self.custom.items()},
        )


@dataclass(frozen=True)
class Suggestion:
    """Why one column was mapped to one field.

    Attributes:
        column: The source header.
        field: The provider field name, or ``custom:<name>`` for a custom variable.
        confidence: 0..1; the mapping panel shows low ones in amber.
        reason: Words for the user: ``header synonym``, ``fuzzy 87``, ``values look like emails``.
    """

    column: str
    field: str
    confidence: float
    reason: str


@dataclass(frozen=True)
class MappingSuggestion:
    """The suggested mapping, the reasons behind it, and what is still missing.

    Attributes:
        mapping: Ready to use (or to edit in the mapping panel).
        suggestions: One entry per mapped field or custom variable.
        missing_required: Human text per unmet required group, e.g. ``Email or LinkedIn URL``.
    """

    mapping: ColumnMapping
    suggestions: tuple[Suggestion, ...]
    missing_required: tuple[str, ...]


# --------------------------------------------------------------------------------------------
# Header normalisation and the synonym table
# --------------------------------------------------------------------------------------------

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_BRANDS = re.compile(r"LinkedIn|YouTube|HubSpot|GitHub|WhatsApp|eMail|iPhone", re.IGNORECASE)
_LIGATURES = str.maketrans({"ß": "ss", "œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ø": "o", "Ø": "o"})


@lru_cache(maxsize=4096)
def normalize_header(header: str) -> str:
    """Lowercase ASCII words separated by one space: ``"Código_postal"`` -> ``"codigo postal"``.

    camelCase is split first (``firstName`` -> ``first name``), accents are dropped, and
    every run of punctuation or underscores becomes one space.
    """
    text = _CAMEL.sub(" ", _BRANDS.sub(lambda m: m.group(0).capitalize(), str(header).translate(_LIGATURES)))
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return _NON_ALNUM.sub(" ", text).strip()


# Concepts a provider field can carry (LeadField.concept) plus a few that no provider field
# carries: knowing them keeps "Company LinkedIn URL" away from linkedinUrl and "Full name" away
# from firstName; such columns become custom variables.
# fmt: off
_SYNONYMS: dict[str, tuple[str, ...]] = {
    "email": (
        "email", "e mail", "mail", "email address", "e mail address", "mail address", "emailaddress",
        "work email", "business email", "professional email", "contact email", "person email",
        "primary email", "email 1", "emails", "lead email", "corporate email", "courriel",
        "adresse email", "adresse e mail", "adresse mail", "adresse courriel", "mel", "e mail adresse",
        "email adresse", "mailadresse", "emailadresse", "e mail adres", "emailadres", "mailadres",
        "correo", "correo electronico", "email de contacto", "direccion de correo",
        "direccion de correo electronico", "direccion de email", "correo electronico corporativo",
        "posta elettronica", "indirizzo email", "indirizzo e mail", "indirizzo di posta elettronica",
        "endereco de email", "endereco de e mail", "endereco eletronico", "correio eletronico",
        "e mailadres", "mail adres", "email adres",
    ),
    "first_name": (
        "first name", "firstname", "first", "given name", "forename", "fname", "first nm",
        "contact first name", "lead first name", "prenom", "prenom du contact", "vorname", "rufname",
        "nombre", "nombre de pila", "primer nombre", "nome", "primo nome", "nome proprio",
        "primeiro nome", "voornaam", "roepnaam", "nom de bapteme",
    ),
    "last_name": (
        "last name", "lastname", "last", "surname", "family name", "lname", "second name",
        "contact last name", "lead last name", "nom", "nom de famille", "nom du contact", "nachname",
        "familienname", "zuname", "apellido", "apellidos", "primer apellido", "cognome", "sobrenome",
        "apelido", "ultimo nome", "achternaam", "familienaam",
    ),
    "full_name": (
        "name", "full name", "fullname", "contact name", "contact", "lead name", "person name", "person",
        "nom complet", "nom et prenom", "prenom nom", "nom prenom", "vollstandiger name",
        "vor und nachname", "kontakt", "ansprechpartner", "nombre completo", "nombre y apellidos",
        "nome completo", "nome e cognome", "naam", "volledige naam", "contactpersoon",
    ),
    "company": (
        "company", "company name", "companyname", "organization", "organisation", "organization name",
        "organisation name", "account name", "employer", "business name", "firm", "current company",
        "company legal name", "societe", "entreprise", "nom de l entreprise", "nom entreprise",
        "raison sociale", "nom de la societe", "organisme", "firma", "firmenname", "unternehmen",
        "unternehmensname", "arbeitgeber", "empresa", "nombre de la empresa", "nombre empresa",
        "compania", "razon social", "organizacion", "azienda", "nome azienda", "societa",
        "ragione sociale", "ditta", "nome da empresa", "companhia", "organizacao", "bedrijf",
        "bedrijfsnaam", "organisatie", "werkgever", "onderneming",
    ),
    "job_title": (
        "title", "job title", "jobtitle", "position", "role", "job", "job role", "job position",
        "designation", "occupation", "headline", "current title", "current position", "seniority title",
        "poste", "fonction", "intitule du poste", "titre", "titre du poste", "metier", "position",
        "jobtitel", "berufsbezeichnung", "funktion", "stellenbezeichnung", "beruf", "cargo", "puesto",
        "titulo", "titulo del puesto", "puesto de trabajo", "ocupacion", "ruolo", "qualifica", "mansione",
        "posizione", "titolo", "funzione", "profissao", "funcao", "titulo do cargo", "functie",
        "functietitel", "rol", "baan", "beroep",
    ),
    "phone": (
        "phone", "phone number", "phonenumber", "telephone", "telephone number", "tel", "tel number",
        "mobile", "mobile phone", "mobile number", "cell", "cell phone", "cellphone", "work phone",
        "direct phone", "direct dial", "phone 1", "primary phone", "corporate phone", "contact phone",
        "business phone", "office phone", "telephone portable", "portable", "numero de telephone",
        "numero de portable", "tel portable", "tel mobile", "telefon", "telefonnummer", "handy",
        "handynummer", "mobil", "mobilnummer", "mobiltelefon", "rufnummer", "telefono",
        "numero de telefono", "movil", "celular", "numero movil", "telefono movil", "numero di telefono",
        "cellulare", "numero di cellulare", "telefono cellulare", "telefone", "telemovel",
        "numero de telefone", "numero de celular", "telefoonnummer", "telefoon", "mobiel",
        "mobiel nummer", "mobiele nummer", "gsm", "gsm nummer", "mobile phone number", "sms",
        "sms number", "phone no", "tel no",
    ),
    "linkedin": (
        "linkedin", "linkedin url", "linkedin profile", "linkedin profile url", "person linkedin url",
        "linkedin link", "li url", "linkedin address", "profile url", "linkedin page", "profil linkedin",
        "url linkedin", "lien linkedin", "linkedin profil", "linkedin profil url", "perfil de linkedin",
        "perfil linkedin", "url de linkedin", "profilo linkedin", "url linkedin profilo",
        "perfil do linkedin", "linkedin profiel", "linkedin profiel url", "sales navigator url",
    ),
    "company_linkedin": (
        "company linkedin", "company linkedin url", "company linkedin profile", "linkedin company",
        "linkedin company url", "linkedin company page", "organization linkedin url",
        "linkedin de l entreprise", "firmen linkedin", "linkedin empresa", "linkedin azienda",
    ),
    "website": (
        "website", "web site", "url", "company website", "company url", "site", "site web",
        "site internet", "web", "homepage", "home page", "webseite", "internetseite", "website url",
        "internetadresse", "sitio web", "pagina web", "web de la empresa", "sito web", "sito internet",
        "sito", "site da empresa", "site", "websiteadres", "webadres", "company site", "domain url",
    ),
    "company_domain": (
        "domain", "company domain", "email domain", "website domain", "domaine", "nom de domaine",
        "domaine de l entreprise", "domain name", "domane", "dominio", "dominio web",
        "dominio da empresa", "domein", "domeinnaam",
    ),
    "timezone": (
        "timezone", "time zone", "tz", "lead timezone", "fuseau horaire", "fuseau", "zeitzone",
        "zona horaria", "fuso orario", "fuso horario", "tijdzone", "iana timezone",
    ),
    "us_state": (
        "state", "us state", "state code", "state province", "state region", "province state", "region",
        "province", "etat", "bundesstaat", "estado", "stato", "staat", "person state",
        "state abbreviation", "st",
    ),
    "zip": (
        "zip", "zip code", "zipcode", "postal code", "postcode", "post code", "zip postal code", "postal",
        "code postal", "cp", "postleitzahl", "plz", "codigo postal", "cod postal", "cap",
        "codice postale", "codigo postal", "cep", "postcode", "postalcode", "zip 5",
    ),
    "icebreaker": (
        "icebreaker", "ice breaker", "personalization", "personalisation", "personalized line",
        "personalised line", "opening line", "opener", "intro line", "custom intro", "first line",
        "accroche", "phrase d accroche", "personnalisation", "eisbrecher", "personalisierung",
        "rompehielos", "personalizacion", "frase de apertura", "rompighiaccio", "personalizzazione",
        "quebra gelo", "personalizacao", "ijsbreker", "personalisatie", "openingszin",
    ),
    "picture": (
        "picture", "picture url", "photo", "photo url", "avatar", "avatar url", "image", "image url",
        "profile picture", "profile photo", "headshot", "photo de profil", "foto", "profilbild", "bild",
        "foto de perfil", "immagine", "immagine del profilo", "fotografia", "profielfoto",
    ),
    "source": (
        "source", "lead source", "origin", "origine", "provenance", "quelle", "herkunft", "lead quelle",
        "fuente", "origen", "fonte", "origem", "bron", "herkomst",
    ),
    "external_id": (
        "id", "external id", "external lead id", "lead id", "contact id", "record id", "crm id",
        "reference", "identifiant", "identifiant externe", "referenz", "kennung", "identificador",
        "id externo", "identificativo", "id esterno", "identificacao", "extern id", "kenmerk",
    ),
    "created_at": (
        "created", "created at", "created date", "date created", "creation date", "create date",
        "external created", "lead created", "date added", "added on", "date de creation", "cree le",
        "erstellt am", "erstelldatum", "angelegt am", "fecha de creacion", "fecha de alta",
        "data di creazione", "creato il", "data de criacao", "criado em", "aangemaakt op", "aanmaakdatum",
    ),
    "link": (
        "link", "lead link", "landing page", "tracking link", "lien", "enlace", "collegamento",
        "koppeling",
    ),
    "link_to_shorten": (
        "link to shorten", "long link", "long url", "url to shorten", "lien a raccourcir",
        "zu kurzender link", "enlace a acortar", "link da abbreviare", "link para encurtar",
        "te verkorten link",
    ),
    "contact_owner": (
        "contact owner", "owner", "lead owner", "account owner", "sales rep", "assigned to",
        "proprietaire", "responsable", "commercial", "inhaber", "verantwortlicher", "betreuer",
        "propietario", "responsable comercial", "proprietario", "responsabile", "dono", "eigenaar",
        "accountmanager",
    ),
    "lead_value": (
        "lead value", "value", "deal value", "deal size", "amount", "valeur", "montant", "wert", "betrag",
        "valor", "importe", "valore", "importo", "waarde", "bedrag",
    ),
    # Known non-field concepts: recognised so they stay custom variables.
    "salutation": (
        "salutation", "civilite", "anrede", "tratamiento", "saludo", "titolo di cortesia", "aanhef",
        "tratamento", "gender", "genre", "geschlecht", "sexo", "sesso", "geslacht",
    ),
    "city": (
        "city", "town", "ville", "stadt", "ort", "ciudad", "citta", "cidade", "plaats", "stad",
        "localite", "localidad", "localita", "woonplaats", "person city", "company city",
    ),
    "country": (
        "country", "pays", "land", "pais", "paese", "nazione", "country code", "person country",
        "company country",
    ),
    "address": (
        "address", "street", "street address", "adresse", "rue", "strasse", "anschrift", "direccion",
        "calle", "indirizzo", "via", "endereco", "rua", "adres", "straat", "address line 1",
        "postal address",
    ),
    "industry": (
        "industry", "sector", "secteur", "secteur d activite", "branche", "industrie",
        "sector industrial", "industria", "settore", "setor", "sector van",
    ),
    "employees": (
        "employees", "employee count", "company size", "headcount", "number of employees", "effectif",
        "taille de l entreprise", "mitarbeiter", "mitarbeiterzahl", "empleados", "dipendenti",
        "funcionarios", "medewerkers", "aantal medewerkers",
    ),
    "notes": (
        "notes", "note", "comments", "comment", "remarks", "commentaire", "commentaires", "notiz",
        "bemerkung", "kommentar", "notas", "comentarios", "note", "commenti", "observacoes",
        "opmerkingen", "notities",
    ),
    "email_status": (
        "email status", "email verified", "email verification", "email confidence", "email validity",
        "statut email", "email bounce", "email opt out", "email type",
    ),
    "secondary_email": (
        "secondary email", "email 2", "other email", "personal email", "alternative email",
        "alternate email", "private email",
    ),
}
# fmt: on

#: Concepts that do not match any provider field on purpose: their columns become custom variables.
NON_FIELD_CONCEPTS = frozenset(
    {
        "full_name",
        "company_linkedin",
        "salutation",
        "city",
        "country",
        "address",
        "industry",
        "employees",
        "notes",
        "email_status",
        "secondary_email",
    }
)

# Keywords that name a concept even inside a longer header ("Adresse e-mail professionnelle"),
# unless one of the blocking words is also there ("Email status"). Checked on whole words.
# fmt: off
_KEYWORDS: tuple[tuple[str, frozenset[str], frozenset[str]], ...] = (
    ("linkedin",
     frozenset({"linkedin"}),
     frozenset({})),
    ("email",
     frozenset({"correo", "courriel", "email", "emailaddress", "emailadres", "emailadresse", "mail",
                "mailadresse"}),
     frozenset({"2", "bounce", "bounced", "campaign", "catch", "clicked", "confidence", "count",
                "date", "domain", "opened", "opt", "optout", "other", "personal", "score", "secondary",
                "sent", "status", "subject", "template", "type", "valid", "validity", "verification",
                "verified"})),
    ("phone",
     frozenset({"cellulare", "celular", "gsm", "handy", "mobiel", "mobil", "mobile", "movil", "phone",
                "portable", "tel", "telefon", "telefone", "telefonnummer", "telefono", "telefoon",
                "telefoonnummer", "telemovel", "telephone"}),
     frozenset({"code", "country", "dnc", "ext", "extension", "status", "type", "valid", "verified"})),
    ("zip",
     frozenset({"plz", "postal", "postalcode", "postcode", "postleitzahl", "zip", "zipcode"}),
     frozenset({"address", "adresse"})),
    ("website",
     frozenset({"homepage", "site", "sitio", "sito", "url", "webseite", "website"}),
     frozenset({"avatar", "facebook", "image", "instagram", "landing", "linkedin", "photo", "picture",
                "profile", "short", "shorten", "tracking", "twitter", "xing", "youtube"})),
    ("us_state",
     frozenset({"bundesstaat", "state"}),
     frozenset({"campaign", "deal", "email", "lead", "lifecycle", "sequence", "stage", "status"})),
    ("timezone",
     frozenset({"tijdzone", "timezone", "tz", "zeitzone"}),
     frozenset({})),
    ("job_title",
     frozenset({"functietitel", "jobtitle", "title", "titolo", "titre", "titulo"}),
     frozenset({"academic", "article", "book", "course", "deal", "email", "meta", "name",
                "opportunity", "page", "post", "seo", "subject", "video", "website"})),
    ("first_name",
     frozenset({"firstname", "forename", "prenom", "voornaam", "vorname"}),
     frozenset({})),
    ("last_name",
     frozenset({"achternaam", "apellido", "apellidos", "cognome", "familienname", "lastname",
                "nachname", "sobrenome", "surname"}),
     frozenset({})),
)

_COMPOUND_TAILS = ("website", "webseite", "email", "telefon", "telefoon")

_COMPANY_WORDS = frozenset({
    "account", "azienda", "bedrijf", "business", "company", "empresa", "entreprise", "firma", "firmen",
    "organisation", "organization", "societe",
})

# Words that only qualify a header ("Lead email", "Contact first name", "Phone 1").
_FILLER = frozenset({"1", "client", "cliente", "contact", "contacts", "customer", "da", "das", "data", "de",
           "del", "der", "des", "di", "die", "do", "dos", "du", "field", "haupt", "het", "ihre",
           "klant", "kunde", "l", "la", "le", "lead", "leads", "les", "main", "new", "of", "person",
           "primary", "principal", "principale", "prospect", "su", "the", "tu", "value", "van",
           "votre", "your"})
# fmt: on

_BARE_NAMES = frozenset({"name", "naam", "nome"})

_PROVIDER_CONCEPTS_FALLBACK: dict[str, tuple[str, ...]] = {
    # A provider without the concept's field may take a close one (lemlist has no website field).
    "website": ("company_domain",),
    "company_domain": ("website",),
    "link_to_shorten": ("link",),
}


def _build_synonym_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for concept, words in _SYNONYMS.items():
        for word in words:
            index.setdefault(normalize_header(word), concept)
    return index


_SYNONYM_INDEX = _build_synonym_index()
_SYNONYM_KEYS = tuple(_SYNONYM_INDEX)
_FUZZY_CUTOFF = 85.0


def _strip_filler(norm: str) -> str:
    words = [w for w in norm.split() if w not in _FILLER]
    return " ".join(words)


def _glue(norm: str) -> str:
    return norm.replace(" ", "")


_GLUED_INDEX = {_glue(k): v for k, v in _SYNONYM_INDEX.items()}


@lru_cache(maxsize=4096)
def detect_concept(header: str) -> tuple[str, float, str] | None:
    """The concept a header names, with a confidence and a reason, from its text alone.

    Returns:
        ``(concept, confidence, reason)`` or None when the header says nothing recognisable.
    """
    norm = normalize_header(header)
    if not norm:
        return None
    trimmed = re.sub(r"(?: \d+)+$", "", norm) or norm
    # Exact synonym first; a trailing number ("Phone 2") or filler words ("Lead email") cost a little.
    for candidate, conf in (
        (norm, 1.0),
        (_strip_filler(norm), 0.97),
        (trimmed, 0.95),
        (_strip_filler(trimmed), 0.93),
    ):
        if candidate and candidate in _SYNONYM_INDEX:
            return _SYNONYM_INDEX[candidate], conf, "header synonym"
        if candidate and _glue(candidate) in _GLUED_INDEX:
            return _GLUED_INDEX[_glue(candidate)], conf - 0.02, "header synonym"
    words = set(norm.split()) | {_glue(norm)}
    # German and Dutch glue words together: "Firmenwebsite", "Bedrijfswebsite", "Kundentelefon".
    words |= {
        key for w in list(words) for key in _COMPOUND_TAILS if len(w) > len(key) + 2 and w.endswith(key)
    }
    if "linkedin" in words and words & _COMPANY_WORDS:
        return "company_linkedin", 0.9, "header names a company LinkedIn page"
    for concept, keys, blockers in _KEYWORDS:
        hit = words & keys
        if hit and not words & blockers:
            return concept, 0.9, f"header contains ‘{sorted(hit)[0]}’"
    query = _strip_filler(trimmed) or trimmed
    if len(query) < 3:
        return None
    best = process.extractOne(
        query, _SYNONYM_KEYS, scorer=fuzz.ratio, score_cutoff=_FUZZY_CUTOFF, processor=None
    )
    sorted_best = process.extractOne(
        query, _SYNONYM_KEYS, scorer=fuzz.token_sort_ratio, score_cutoff=_FUZZY_CUTOFF, processor=None
    )
    options = [b for b in (best, sorted_best) if b is not None]
    if not options:
        return None
    match, score, _ = max(options, key=lambda b: b[1])
    if len(query) <= 4 and score < 100:
        return None
    return _SYNONYM_INDEX[match], round(score / 100 * 0.95, 3), f"fuzzy {round(score)}"


# --------------------------------------------------------------------------------------------
# Value sniffing
# --------------------------------------------------------------------------------------------

_EMAIL_SNIFF = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]{2,}$")
_LINKEDIN_PROFILE = re.compile(r"^(https?://)?([a-z]{2,3}\.)?linkedin\.com/(in|pub)/[^/\s]+", re.I)
_LINKEDIN_COMPANY = re.compile(r"^(https?://)?([a-z]{2,3}\.)?linkedin\.com/(company|school|showcase)/", re.I)
_URL = re.compile(r"^(https?://)?([a-z0-9-]+\.)+[a-z]{2,}(:\d+)?(/\S*)?$", re.I)
_IMAGE = re.compile(r"\.(jpe?g|png|gif|webp|svg|bmp)(\?\S*)?$|/(photo|avatar|image|picture)s?/", re.I)
_ZIP = re.compile(r"^\d{5}(-?\d{4})?$")
_PHONE_SHAPE = re.compile(r"^\+?[\d\s().\-/]{7,24}$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$")

US_STATES: dict[str, str] = {
    "AL": "Alabama",
    "AK": "Alaska",
    "AZ": "Arizona",
    "AR": "Arkansas",
    "CA": "California",
    "CO": "Colorado",
    "CT": "Connecticut",
    "DE": "Delaware",
    "DC": "District of Columbia",
    "FL": "Florida",
    "GA": "Georgia",
    "HI": "Hawaii",
    "ID": "Idaho",
    "IL": "Illinois",
    "IN": "Indiana",
    "IA": "Iowa",
    "KS": "Kansas",
    "KY": "Kentucky",
    "LA": "Louisiana",
    "ME": "Maine",
    "MD": "Maryland",
    "MA": "Massachusetts",
    "MI": "Michigan",
    "MN": "Minnesota",
    "MS": "Mississippi",
    "MO": "Missouri",
    "MT": "Montana",
    "NE": "Nebraska",
    "NV": "Nevada",
    "NH": "New Hampshire",
    "NJ": "New Jersey",
    "NM": "New Mexico",
    "NY": "New York",
    "NC": "North Carolina",
    "ND": "North Dakota",
    "OH": "Ohio",
    "OK": "Oklahoma",
    "OR": "Oregon",
    "PA": "Pennsylvania",
    "RI": "Rhode Island",
    "SC": "South Carolina",
    "SD": "South Dakota",
    "TN": "Tennessee",
    "TX": "Texas",
    "UT": "Utah",
    "VT": "Vermont",
    "VA": "Virginia",
    "WA": "Washington",
    "WV": "West Virginia",
    "WI": "Wisconsin",
    "WY": "Wyoming",
    "PR": "Puerto Rico",
    "GU": "Guam",
    "VI": "U.S. Virgin Islands",
    "AS": "American Samoa",
    "MP": "Northern Mariana Islands",
    "AA": "Armed Forces Americas",
    "AE": "Armed Forces Europe",
    "AP": "Armed Forces Pacific",
}
US_STATE_NAMES: dict[str, str] = {name.casefold(): code for code, name in US_STATES.items()}


@lru_cache(maxsize=1)
def timezones() -> frozenset[str]:
    """Every IANA time zone name this system knows."""
    return frozenset(zoneinfo.available_timezones())


def _looks_like_phone(value: str, region: str) -> bool:
    if not _PHONE_SHAPE.match(value) or _ZIP.match(value) or _ISO_DATE.match(value):
        return False
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        return False
    return bool(phonenumbers.is_valid_number(number))


_SNIFFERS: tuple[tuple[str, str], ...] = (
    ("email", "emails"),
    ("linkedin", "LinkedIn profile URLs"),
    ("company_linkedin", "LinkedIn company pages"),
    ("timezone", "time zones"),
    ("us_state", "US states"),
    ("zip", "ZIP codes"),
    ("created_at", "ISO dates"),
    ("phone", "phone numbers"),
    ("picture", "picture URLs"),
    ("website", "web addresses"),
)


def _sniff_one(concept: str, value: str, region: str) -> bool:
    if concept == "email":
        return bool(_EMAIL_SNIFF.match(value))
    if concept == "linkedin":
        return bool(_LINKEDIN_PROFILE.match(value))
    if concept == "company_linkedin":
        return bool(_LINKEDIN_COMPANY.match(value))
    if concept == "timezone":
        return value in timezones() and "/" in value
    if concept == "us_state":
        return value.upper() in US_STATES or value.casefold() in US_STATE_NAMES
    if concept == "zip":
        return bool(_ZIP.match(value))
    if concept == "created_at":
        return bool(_ISO_DATE.match(value))
    if concept == "phone":
        return _looks_like_phone(value, region)
    if concept == "picture":
        return bool(_URL.match(value) and _IMAGE.search(value))
    if concept == "website":
        return bool(_URL.match(value)) and "linkedin.com" not in value.lower()
    return False


#: Concepts whose values can be recognised, so values may confirm or overrule a header.
SNIFFABLE = frozenset(c for c, _ in _SNIFFERS)


def sample_values(series: pd.Series, limit: int = 200) -> list[str]:
    """Up to ``limit`` non-empty stripped values from the top of a column (deterministic)."""
    out: list[str] = []
    start = 0
    step = max(limit * 5, 1000)
    while len(out) < limit and start < len(series):
        chunk = series.iloc[start : start + step]
        for value in chunk.tolist():
            if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
                continue
            text = str(value).strip()
            if text:
                out.append(text)
                if len(out) >= limit:
                    break
        start += step
        if start >= 20 * step:
            break
    return out


def sniff_values(values: Sequence[str], region: str = "US") -> tuple[str, float, str] | None:
    """The concept a sample of values shows, the share that fits, and the reason in words."""
    if len(values) < 3:
        return None
    for concept, words in _SNIFFERS:
        share = sum(1 for v in values if _sniff_one(concept, v, region)) / len(values)
        needed = 0.9 if concept in ("us_state", "zip", "created_at", "website") else 0.8
        if share >= needed:
            return concept, share, f"values look like {words}"
    return None


def _value_share(concept: str, values: Sequence[str], region: str) -> float:
    if not values:
        return 1.0
    return sum(1 for v in values if _sniff_one(concept, v, region)) / len(values)


# --------------------------------------------------------------------------------------------
# Suggesting a mapping
# --------------------------------------------------------------------------------------------


def required_groups(spec: ProviderSpec, destination_kind: str = "campaign") -> tuple[tuple[str, ...], ...]:
    """The provider's required groups for a destination (an Instantly list takes email or a name)."""
    if spec.id == "instantly" and destination_kind == "list":
        return (("email", "first_name", "last_name"),)
    return spec.required_groups


def group_label(spec: ProviderSpec, group: Sequence[str]) -> str:
    """``Email or LinkedIn URL``: the words for a required group."""
    labels = [spec.field(name).label for name in group]
    if len(labels) <= 2:
        return " or ".join(labels)
    return ", ".join(labels[:-1]) + " or " + labels[-1]


def _field_for_concept(spec: ProviderSpec, concept: str) -> tuple[str, float] | None:
    if concept in NON_FIELD_CONCEPTS:
        return None
    f = spec.field_for_concept(concept)
    if f is not None:
        return f.name, 1.0
    for other in _PROVIDER_CONCEPTS_FALLBACK.get(concept, ()):
        f = spec.field_for_concept(other)
        if f is not None:
            return f.name, 0.85
    return None


def suggest_mapping(
    frame: pd.DataFrame,
    spec: ProviderSpec,
    *,
    custom: bool = True,
    default_region: str = "US",
    destination_kind: str = "campaign",
) -> MappingSuggestion:
    """Suggest which column feeds which field of ``spec``, and send the rest as custom variables.

    Each column maps to at most one field and each field takes at most one column; conflicts go
    to the higher confidence (a synonym beats a fuzzy match, which beats sniffed values).

    Args:
        frame: The loaded sheet, all text.
        spec: The chosen provider.
        custom: Send unmapped, non-empty columns as custom variables.
        default_region: Phone region for value sniffing (``US``).
        destination_kind: ``campaign`` or ``list`` (changes Instantly's required fields).
    """
    candidates: list[tuple[float, int, str, str, str]] = []  # (confidence, order, column, field, reason)
    samples: dict[str, list[str]] = {}
    notes: dict[str, tuple[str, float, str]] = {}
    concepts: list[tuple[int, str, tuple[str, float, str]]] = []
    for order, column in enumerate(frame.columns):
        header = str(column)
        values = sample_values(frame[column])
        samples[header] = values
        from_header = detect_concept(header)
        sniffed = sniff_values(values, default_region) if values else None
        choice: tuple[str, float, str] | None = from_header
        if from_header is not None:
            concept, conf, reason = from_header
            if concept in SNIFFABLE and len(values) >= 3:
                share = _value_share(concept, values, default_region)
                if share >= 0.5:
                    conf = min(1.0, conf + 0.03) if share >= 0.8 else conf
                    choice = (concept, conf, reason)
                elif sniffed is not None:
                    choice = (sniffed[0], 0.6 + 0.3 * sniffed[1], sniffed[2] + " (not the header's meaning)")
                else:
                    choice = (concept, conf * 0.5, reason + "; values do not fit")
            elif (
                sniffed is not None
                and sniffed[0] != concept
                and sniffed[1] >= 0.95
                and (sniffed[0] in ("email", "linkedin", "company_linkedin"))
            ):
                choice = (sniffed[0], 0.6 + 0.3 * sniffed[1], sniffed[2])
        elif sniffed is not None:
            choice = (sniffed[0], 0.6 + 0.3 * sniffed[1], sniffed[2])
        if choice is None:
            continue
        notes[header] = choice
        concepts.append((order, header, choice))

    # German and Dutch CRMs write "Vorname" + "Name": next to a first-name column and without a
    # last-name column, a bare "Name" is the family name, not a full name.
    found = {c[0] for _, _, c in concepts}
    if "first_name" in found and "last_name" not in found:
        concepts = [
            (o, h, ("last_name", 0.7, f"‘{h}’ next to a first-name column reads as the last name"))
            if c[0] == "full_name" and normalize_header(h) in _BARE_NAMES
            else (o, h, c)
            for o, h, c in concepts
        ]
    for order, header, (concept, conf, reason) in concepts:
        target = _field_for_concept(spec, concept)
        if target is None:
            continue
        name, factor = target
        candidates.append((round(conf * factor, 3), -order, header, name, reason))

    candidates.sort(reverse=True)
    fields: dict[str, str] = {}
    used: set[str] = set()
    suggestions: list[Suggestion] = []
    for conf, _order, header, name, reason in candidates:
        if header in used or name in fields or conf < 0.45:
            continue
        fields[name] = header
        used.add(header)
        suggestions.append(Suggestion(header, name, conf, reason))

    custom_map: dict[str, str] = {}
    if custom:
        taken: set[str] = set()
        for column in frame.columns:
            header = str(column)
            if header in used or not _has_values(frame[column], samples.get(header, [])):
                continue
            name = _unique_name(sanitize_custom_name(header, spec), taken)
            taken.add(name.casefold())
            custom_map[header] = name
            note = notes.get(header)
            reason = "not a provider field"
            if note is not None and note[0] == "full_name":
                reason = "a full name: use the Split full name fix to fill first and last name"
            elif note is not None and note[0] in NON_FIELD_CONCEPTS | SNIFFABLE:
                reason = f"{note[0].replace('_', ' ')}: {spec.label} has no field for it"
            suggestions.append(Suggestion(header, f"{CUSTOM_PREFIX}{name}", 0.5, reason))

    rank = {f.name: i for i, f in enumerate(spec.fields)}
    ordered_fields = dict(sorted(fields.items(), key=lambda kv: rank.get(kv[0], 999)))
    missing = tuple(
        group_label(spec, group)
        for group in required_groups(spec, destination_kind)
        if not any(name in ordered_fields for name in group)
    )
    return MappingSuggestion(ColumnMapping(ordered_fields, custom_map), tuple(suggestions), missing)


def _has_values(series: pd.Series, sample: Sequence[str]) -> bool:
    if sample:
        return True
    if len(series) == 0:
        return False
    try:  # one vectorised pass: a file may have dozens of empty columns of a million rows
        text = pa.array(series.to_numpy(dtype=object), type=pa.string(), from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return bool(clean_values(series).astype(bool).any())
    lengths = pc.utf8_length(pc.utf8_trim_whitespace(text.fill_null("")))
    return bool(pc.any(pc.greater(lengths, 0)).as_py())


def _unique_name(name: str, taken: set[str]) -> str:
    if name.casefold() not in taken:
        return name
    n = 2
    while f"{name}{n}".casefold() in taken:
        n += 1
    return f"{name}{n}"


# Keys a flat body already uses besides the spec's fields: a custom variable with one of these
# names would be read as something else by the provider.
_FLAT_RESERVED = frozenset({"id", "campaignid", "customvariables", "customfields", "variables"})


def sanitize_custom_name(header: str, spec: ProviderSpec) -> str:
    """A custom-variable name the provider takes and templates use: ``Taille société`` -> ``tailleSociete``.

    lemlist, SendPilot and Aktify get camelCase, Instantly snake_case (its documented style). A
    name that would collide with one of the provider's own fields (``Email`` as a custom
    variable) gets a ``Custom`` suffix: lemlist and SendPilot put custom variables beside the
    fields, and in Instantly and Aktify templates the two would read the same.
    """
    words = normalize_header(header).split() or ["custom"]
    if spec.custom_shape == "custom_variables":
        name = "_".join(words)
    else:
        name = words[0] + "".join(w[:1].upper() + w[1:] for w in words[1:])
    if name[0].isdigit():
        name = ("col_" if spec.custom_shape == "custom_variables" else "col") + name
    if is_reserved_name(name, spec):
        name += "_custom" if spec.custom_shape == "custom_variables" else "Custom"
    return name[:64]


def is_reserved_name(name: str, spec: ProviderSpec) -> bool:
    """Whether a custom variable called ``name`` would collide with a field of the provider.

    Compared folded (``first_name`` is ``firstName``); flat bodies also reserve the keys the
    provider itself sets on a lead (:data:`_FLAT_RESERVED`).
    """
    reserved = {re.sub(r"[^a-z0-9]", "", f.name.lower()) for f in spec.fields}
    if spec.custom_shape == "flat":
        reserved |= _FLAT_RESERVED
    return re.sub(r"[^a-z0-9]", "", name.lower()) in reserved


# --------------------------------------------------------------------------------------------
# Command-line mapping
# --------------------------------------------------------------------------------------------


def _find_field(spec: ProviderSpec, text: str) -> str | None:
    wanted = text.strip()
    for f in spec.fields:
        if f.name == wanted:
            return f.name
    folded = normalize_header(wanted)
    for f in spec.fields:
        if normalize_header(f.name) == folded or normalize_header(f.label) == folded:
            return f.name
    for f in spec.fields:
        if f.concept and normalize_header(f.concept) == folded:
            return f.name
    return None


def _find_header(columns: Sequence[str], text: str) -> str | None:
    if text in columns:
        return text
    folded = [c for c in columns if c.casefold().strip() == text.casefold().strip()]
    if len(folded) == 1:
        return folded[0]
    normed = [c for c in columns if normalize_header(c) == normalize_header(text)]
    return normed[0] if len(normed) == 1 else None


def parse_map_args(
    items: Sequence[str], frame_columns: Iterable[object], spec: ProviderSpec
) -> ColumnMapping:
    """Read CLI ``--map "Header=field"`` / ``"Header=custom:name"`` / ``"Header=custom"`` items.

    A header matches exactly, else case-insensitively when that is unambiguous. A field may be
    given by its API name, its label or its concept (``email``).

    Raises:
        MappingError: Unknown header or field, a field given twice, a malformed item.
    """
    columns = [str(c) for c in frame_columns]
    fields: dict[str, str] = {}
    custom: dict[str, str] = {}
    for item in items:
        if "=" not in item:
            raise MappingError(f'--map {item!r}: write it as "Header=field" (or "Header=custom:name").')
        left, right = item.rsplit("=", 1)
        header = _find_header(columns, left)
        if header is None:
            shown = ", ".join(columns[:12]) + (" …" if len(columns) > 12 else "")
            raise MappingError(f"--map {item!r}: the file has no column ‘{left}’. Columns: {shown}.")
        if header in fields.values() or header in custom:
            raise MappingError(f"--map {item!r}: column ‘{header}’ is already mapped.")
        target = right.strip()
        if target.lower() == "custom" or target.lower().startswith(CUSTOM_PREFIX):
            name = target[len(CUSTOM_PREFIX) :].strip() if ":" in target else ""
            name = name or sanitize_custom_name(header, spec)
            if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,63}", name):
                raise MappingError(
                    f"--map {item!r}: ‘{name}’ cannot be a custom variable name "
                    "(letters, digits and _ only, starting with a letter)."
                )
            if is_reserved_name(name, spec):
                raise MappingError(
                    f"--map {item!r}: ‘{name}’ is a {spec.label} field name; map the column to the field "
                    "or pick another name."
                )
            if name in custom.values():
                raise MappingError(f"--map {item!r}: the custom variable ‘{name}’ is used twice.")
            custom[header] = name
            continue
        field_name = _find_field(spec, target)
        if field_name is None:
            names = ", ".join(f.name for f in spec.fields)
            raise MappingError(f"--map {item!r}: {spec.label} has no field ‘{target}’. Fields: {names}.")
        if field_name in fields:
            raise MappingError(
                f"--map {item!r}: {field_name} is already fed by column ‘{fields[field_name]}’; "
                "a field takes one column."
            )
        fields[field_name] = header
    return ColumnMapping(fields, custom)


# --------------------------------------------------------------------------------------------
# Leads
# --------------------------------------------------------------------------------------------


def clean_values(series: pd.Series) -> np.ndarray:
    """A column as a numpy array of stripped ``str`` with ``""`` for missing cells.

    Stripping here means a cell of spaces counts as empty and ``" jane@acme.com"`` is sent
    without its stray space, whatever the sheet holds. Only the cells that need it are
    touched: a vectorised check finds them first.
    """
    values = series.to_numpy(dtype=object, copy=True)
    missing = pd.isna(values)
    if missing.any():
        values[missing] = ""
    try:
        text = pa.array(values, type=pa.string())
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # numbers or other objects: make them text first
        values = np.array([str(v) for v in values], dtype=object)
        text = pa.array(values, type=pa.string())
    padded = pc.match_substring_regex(text, r"^\s|\s$").to_numpy(zero_copy_only=False)
    for i in np.flatnonzero(padded).tolist():
        values[i] = values[i].strip()
    return values


def build_leads(
    frame: pd.DataFrame,
    mapping: ColumnMapping,
    spec: ProviderSpec,
    rows: Sequence[int] | np.ndarray | None = None,
) -> list[Lead]:
    """One :class:`Lead` per row: mapped fields plus custom variables, empty values left out.

    Columns are cleaned once, as whole arrays; only the final dict per row is a Python loop
    (about 0.1 s for 100k rows of ten columns).

    Args:
        frame: The loaded sheet.
        mapping: Which columns to send.
        spec: The provider (only its field names are checked).
        rows: Frame row positions to build, in order; all rows when None.

    Raises:
        MappingError: The mapping names a column the frame does not have or a field the provider lacks.
    """
    known = {f.name for f in spec.fields}
    for name, header in mapping.fields.items():
        if name not in known:
            raise MappingError(f"{spec.label} has no field ‘{name}’.")
        if header not in frame.columns:
            raise MappingError(f"The sheet has no column ‘{header}’ (mapped to {name}).")
    for header in mapping.custom:
        if header not in frame.columns:
            raise MappingError(f"The sheet has no column ‘{header}’ (sent as a custom variable).")
    positions = np.arange(len(frame)) if rows is None else np.asarray(rows, dtype=np.int64)
    sub = frame if rows is None else frame.iloc[positions]
    field_names = list(mapping.fields)
    field_cols = [clean_values(sub[h]).tolist() for h in mapping.fields.values()]
    custom_names = list(mapping.custom.values())
    custom_cols = [clean_values(sub[h]).tolist() for h in mapping.custom]
    leads: list[Lead] = []
    empty: tuple[str, ...] = ()
    f_iter = zip(*field_cols, strict=True) if field_cols else (empty for _ in range(len(positions)))
    c_iter = zip(*custom_cols, strict=True) if custom_cols else (empty for _ in range(len(positions)))
    for row, fvals, cvals in zip(positions.tolist(), f_iter, c_iter, strict=True):
        leads.append(
            Lead(
                row=row,
                fields={k: v for k, v in zip(field_names, fvals, strict=False) if v},
                custom={k: v for k, v in zip(custom_names, cvals, strict=False) if v},
            )
        )
    return leads


def header_key(header: object) -> str:
    """A header as "the same header" is judged: case and runs of spaces do not count."""
    return " ".join(str(header).casefold().split())


def header_fingerprint(columns: Sequence[object]) -> str:
    """A short id of a header set, the same whatever the column order, case or spacing.

    The weekly export is recognised by it even when the tool that makes it shuffles columns.
    """
    keys = sorted(header_key(c) for c in columns)
    digest = hashlib.sha256("\x1f".join(keys).encode("utf-8")).hexdigest()
    return digest[:20]


# --------------------------------------------------------------------------------------------
# Payload preview
# --------------------------------------------------------------------------------------------


_PENDING_CLOSES: set[asyncio.Task[Any]] = set()


def _close(client: Any) -> None:
    closer = getattr(client, "aclose", None)
    if closer is None:
        return
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        asyncio.run(closer())
    else:  # called from inside an event loop (a qasync GUI): let that loop close it
        _PENDING_CLOSES.add(task := loop.create_task(closer()))
        task.add_done_callback(_PENDING_CLOSES.discard)


def payload_preview(  # noqa: PLR0917 - the signature the GUI and CLI were promised
    frame: pd.DataFrame,
    mapping: ColumnMapping,
    spec: ProviderSpec,
    row: int,
    destination: str,
    options: Mapping[str, bool | str] | None = None,
) -> str:
    """The exact JSON body one row would be sent in, pretty-printed.

    It calls the provider client's own ``payload()``, so the preview cannot drift from what
    :meth:`send` posts. The client is built with a placeholder key and never connects.

    Raises:
        MappingError: The row is outside the sheet, or the mapping does not fit the sheet.
    """
    from gui.core.providers import make_client

    if not 0 <= row < len(frame):
        raise MappingError(f"There is no row {row + 2} in the sheet.")
    (lead,) = build_leads(frame, mapping, spec, rows=[row])
    chosen = spec.default_options()
    chosen.update(options or {})
    try:
        client = make_client(spec.id, "preview")
    except (AttributeError, KeyError) as exc:
        raise MappingError(f"{spec.label}: no client is available to build a preview ({exc}).") from exc
    try:
        body = client.payload([lead], destination, chosen)
    finally:
        _close(client)
    return json.dumps(body, indent=2, ensure_ascii=False, default=str)
