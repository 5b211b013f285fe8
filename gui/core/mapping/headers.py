"""What a header's text names: normalising, the synonym table in seven languages, fuzzy matching.

Each step yields a provider-neutral *concept* (``email``, ``first_name``...), trusted in that
order: an exact synonym, a keyword inside a longer header, then a fuzzy match.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from rapidfuzz import fuzz, process

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
