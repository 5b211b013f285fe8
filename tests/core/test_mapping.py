"""Mapping suggestions, the header corpus figure, CLI --map parsing, leads and the payload preview."""

from __future__ import annotations

import csv
import json
import time

import numpy as np
import pandas as pd
import pytest

from gui.core.errors import MappingError
from gui.core.mapping.columns import ColumnMapping, header_fingerprint
from gui.core.mapping.headers import detect_concept, normalize_header
from gui.core.mapping.map_args import parse_map_args
from gui.core.mapping.payload import build_leads, payload_preview
from gui.core.mapping.suggest import sanitize_custom_name, suggest_mapping
from gui.core.providers import all_specs, get_spec
from tests.core.header_corpus import CORPUS, HEADERLESS, Case, expected_field, header_cases, mapped_field

SPECS = all_specs()


def _score(cases: list[Case]) -> tuple[float, list[tuple[str, str, str | None, str | None]], list[str]]:
    """(share mapped as expected over every provider, misses, wrong required-field mappings)."""
    good = 0
    total = 0
    misses: list[tuple[str, str, str | None, str | None]] = []
    wrong_required: list[str] = []
    for spec in SPECS:
        required = {name for group in spec.required_groups for name in group}
        if spec.id == "instantly":
            required |= {"first_name", "last_name"}  # required for a lead list
        for case in cases:
            expected = expected_field(spec, case.concept)
            got = mapped_field(case, spec)
            total += 1
            if got == expected:
                good += 1
            else:
                misses.append((spec.id, case.header, expected, got))
                if got in required:
                    wrong_required.append(f"{spec.id}: {case.header!r} -> {got} (expected {expected})")
    return good / total, misses, wrong_required


def test_corpus_is_big_and_multilingual() -> None:
    cases = header_cases()
    langs = {c.lang for c in cases}
    assert len(cases) >= 150
    assert {"en", "fr", "de", "es", "it", "pt", "nl"} <= langs
    assert all(sum(1 for c in cases if c.lang == lang) >= 15 for lang in langs)


def test_header_corpus_maps_at_least_95_percent_and_never_a_wrong_required_field() -> None:
    cases = header_cases() + HEADERLESS
    share, misses, wrong_required = _score(cases)
    print(f"\nheader corpus: {len(cases)} columns x {len(SPECS)} providers, {share:.1%} mapped as expected")
    for miss in misses:
        print("  miss:", miss)
    assert not wrong_required, wrong_required
    assert share >= 0.95


def test_held_out_headers() -> None:
    """Headers written after the synonym table (Google Contacts, Outlook, Pipedrive, Lusha, hand-made)."""
    path = CORPUS.with_name("heldout.csv")
    with path.open(encoding="utf-8", newline="") as handle:
        cases = [Case(r["header"], r["concept"], r["lang"], r["source"]) for r in csv.DictReader(handle)]
    share, misses, wrong_required = _score(cases)
    print(f"\nheld-out headers: {len(cases)} x {len(SPECS)} providers, {share:.1%} mapped as expected")
    for miss in misses:
        print("  miss:", miss)
    assert not wrong_required, wrong_required
    assert share >= 0.9


@pytest.mark.parametrize("case", HEADERLESS, ids=lambda c: f"{c.header}->{c.concept or 'custom'}")
def test_headerless_columns_are_recognised_by_their_values(case: Case) -> None:
    for spec in SPECS:
        assert mapped_field(case, spec) == expected_field(spec, case.concept)


@pytest.mark.parametrize(
    ("header", "normalised"),
    [
        ("firstName", "first name"),
        ("First_Name", "first name"),
        ("E-Mail-Adresse", "e mail adresse"),
        ("Código postal", "codigo postal"),
        ("Straße", "strasse"),
        ("LinkedIn URL", "linkedin url"),
        ("linkedinURL", "linkedin url"),
        ("  Société  ", "societe"),
        ("Zip/Postal Code", "zip postal code"),
    ],
)
def test_normalize_header(header: str, normalised: str) -> None:
    assert normalize_header(header) == normalised


@pytest.mark.parametrize(
    ("header", "concept"),
    [
        ("Courriel", "email"),
        ("Vorname", "first_name"),
        ("Nachname", "last_name"),
        ("Empresa", "company"),
        ("Teléfono", "phone"),
        ("Código postal", "zip"),
        ("Bedrijf", "company"),
        ("Telefoonnummer", "phone"),
        ("Cognome", "last_name"),
        ("Company Linkedin Url", "company_linkedin"),
        ("Email Status", "email_status"),
    ],
)
def test_detect_concept_synonyms(header: str, concept: str) -> None:
    found = detect_concept(header)
    assert found is not None
    assert found[0] == concept


def test_detect_concept_reasons() -> None:
    assert detect_concept("E-mail") == ("email", 1.0, "header synonym")
    keyword = detect_concept("Adresse e-mail professionnelle")
    assert keyword is not None and keyword[0] == "email" and keyword[2].startswith("header contains")
    fuzzy = detect_concept("Frist Name")
    assert fuzzy is not None and fuzzy[0] == "first_name" and fuzzy[2].startswith("fuzzy ")
    assert 0.8 < fuzzy[1] < 1.0
    assert detect_concept("Column 3") is None
    assert detect_concept("") is None


def _apollo() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "First Name": ["Jane", "Bob", "Ana"],
            "Last Name": ["Doe", "Smith", "Silva"],
            "Title": ["CEO", "CTO", "VP"],
            "Company": ["Acme", "Example", "Firma"],
            "Email": ["jane@acme.com", "bob@example.org", "ana@firma.pt"],
            "Email Status": ["Verified", "Guessed", "Verified"],
            "Mobile Phone": ["(212) 555-0100", "(415) 555-0134", ""],
            "Corporate Phone": ["+1 646 555 0199", "", "+1 312 555 0147"],
            "Person Linkedin Url": [
                "https://www.linkedin.com/in/jane",
                "https://www.linkedin.com/in/bob",
                "https://www.linkedin.com/in/ana",
            ],
            "Company Linkedin Url": ["https://www.linkedin.com/company/acme"] * 3,
            "Website": ["https://acme.com", "https://example.org", "https://firma.pt"],
            "State": ["NY", "CA", "IL"],
            "Zip": ["10001", "94105", "60601"],
            "Seniority": ["c_suite", "c_suite", "vp"],
            "Empty": ["", "", ""],
        }
    )


def test_suggest_mapping_on_an_apollo_export_for_each_provider() -> None:
    frame = _apollo()
    lemlist = suggest_mapping(frame, get_spec("lemlist")).mapping
    assert lemlist.fields == {
        "email": "Email",
        "firstName": "First Name",
        "lastName": "Last Name",
        "companyName": "Company",
        "jobTitle": "Title",
        "linkedinUrl": "Person Linkedin Url",
        "phone": "Mobile Phone",
        "companyDomain": "Website",
    }
    assert lemlist.custom["Corporate Phone"] == "corporatePhone"
    assert lemlist.custom["Company Linkedin Url"] == "companyLinkedinUrl"
    assert "Empty" not in lemlist.custom  # nothing to send
    aktify = suggest_mapping(frame, get_spec("aktify"))
    assert aktify.mapping.fields["phoneNumber"] == "Mobile Phone"
    assert aktify.mapping.fields["region"] == "State"
    assert aktify.mapping.fields["zipCode"] == "Zip"
    assert aktify.missing_required == ()
    instantly = suggest_mapping(frame, get_spec("instantly")).mapping
    assert instantly.fields["website"] == "Website"
    assert instantly.custom["Email Status"] == "email_status"
    sendpilot = suggest_mapping(frame, get_spec("sendpilot")).mapping
    assert sendpilot.fields["linkedinUrl"] == "Person Linkedin Url"
    assert sendpilot.fields["title"] == "Title"


def test_each_column_maps_to_at_most_one_field_and_conflicts_go_to_confidence() -> None:
    frame = pd.DataFrame(
        {
            "Phone 2": ["(212) 555-0100"] * 3,
            "Phone": ["(415) 555-0134"] * 3,
            "E-mail": ["a@b.co", "c@d.co", "e@f.co"],
            "Column 9": ["x@y.co", "z@w.co", "q@r.co"],
        }
    )
    result = suggest_mapping(frame, get_spec("lemlist"))
    fields = result.mapping.fields
    assert fields["phone"] == "Phone"  # exact synonym beats the numbered header
    assert fields["email"] == "E-mail"  # a synonym beats sniffed values
    assert len(set(fields.values())) == len(fields)
    assert set(result.mapping.custom) == {"Phone 2", "Column 9"}
    reasons = {s.column: s for s in result.suggestions}
    assert reasons["E-mail"].reason == "header synonym"
    assert reasons["E-mail"].confidence > reasons["Column 9"].confidence


def test_values_overrule_a_header_whose_values_do_not_fit() -> None:
    frame = pd.DataFrame({"Email": ["(212) 555-0100", "(415) 555-0134", "(646) 555-0199", "(312) 555-0147"]})
    result = suggest_mapping(frame, get_spec("lemlist"))
    assert result.mapping.fields == {"phone": "Email"}
    assert "values look like phone numbers" in result.suggestions[0].reason


def test_missing_required_groups_are_reported_in_words() -> None:
    frame = pd.DataFrame({"First name": ["Jane"], "Company": ["Acme"]})
    assert suggest_mapping(frame, get_spec("lemlist")).missing_required == ("Email or LinkedIn URL",)
    assert suggest_mapping(frame, get_spec("aktify")).missing_required == ("Phone", "US state or ZIP code")
    assert suggest_mapping(frame, get_spec("sendpilot")).missing_required == ("LinkedIn URL",)
    assert suggest_mapping(frame, get_spec("instantly")).missing_required == ("Email",)
    as_list = suggest_mapping(frame, get_spec("instantly"), destination_kind="list")
    assert as_list.missing_required == ()


def test_suggestions_on_arrow_backed_frames_with_missing_cells() -> None:
    frame = pd.DataFrame(
        {"Column 1": ["a@b.co", None, "c@d.co", "e@f.co", None], "Blank": [None] * 5}
    ).astype("string[pyarrow]")
    result = suggest_mapping(frame, get_spec("lemlist"))
    assert result.mapping.fields == {"email": "Column 1"}
    assert result.mapping.custom == {}  # an all-missing column is not sent


def test_custom_false_sends_no_custom_variables() -> None:
    result = suggest_mapping(_apollo(), get_spec("lemlist"), custom=False)
    assert result.mapping.custom == {}
    assert all(not s.field.startswith("custom:") for s in result.suggestions)


def test_bare_name_next_to_a_first_name_is_the_last_name() -> None:
    frame = pd.DataFrame(
        {"Vorname": ["Anna", "Jonas"], "Name": ["Schmidt", "Weber"], "E-Mail": ["a@b.de"] * 2}
    )
    result = suggest_mapping(frame, get_spec("lemlist"))
    assert result.mapping.fields["lastName"] == "Name"
    note = next(s for s in result.suggestions if s.column == "Name")
    assert "reads as the last name" in note.reason
    alone = pd.DataFrame({"Name": ["Anna Schmidt", "Jonas Weber"], "E-Mail": ["a@b.de"] * 2})
    assert "Name" in suggest_mapping(alone, get_spec("lemlist")).mapping.custom


def test_full_name_columns_are_explained() -> None:
    frame = pd.DataFrame({"Full Name": ["Jane Doe", "Bob Smith", "Ana Silva"], "Email": ["a@b.co"] * 3})
    result = suggest_mapping(frame, get_spec("lemlist"))
    note = next(s for s in result.suggestions if s.column == "Full Name")
    assert note.field == "custom:fullName"
    assert "Split full name" in note.reason


@pytest.mark.parametrize(
    ("header", "provider", "name"),
    [
        ("Taille société", "lemlist", "tailleSociete"),
        ("Taille société", "instantly", "taille_societe"),
        ("Company Size", "aktify", "companySize"),
        ("Email", "lemlist", "emailCustom"),
        ("first name", "instantly", "first_name_custom"),
        ("Phone Number", "aktify", "phoneNumberCustom"),
        ("linkedinUrl", "sendpilot", "linkedinUrlCustom"),
        ("2nd touch", "lemlist", "col2ndTouch"),
        ("2nd touch", "instantly", "col_2nd_touch"),
        ("???", "lemlist", "custom"),
        ("Company", "aktify", "company"),  # not an Aktify field, so no suffix
        ("ID", "lemlist", "idCustom"),
    ],
)
def test_sanitize_custom_name(header: str, provider: str, name: str) -> None:
    assert sanitize_custom_name(header, get_spec(provider)) == name


def test_custom_names_never_collide() -> None:
    frame = pd.DataFrame({"Note": ["a"], "note": ["b"], "NOTE!": ["c"], "Email": ["x@y.co"]})
    custom = suggest_mapping(frame, get_spec("lemlist")).mapping.custom
    assert len(set(n.casefold() for n in custom.values())) == len(custom) == 3


def test_column_mapping_round_trip_and_summary() -> None:
    mapping = ColumnMapping({"email": "E-mail", "firstName": "Prénom"}, {"Taille": "taille"})
    assert ColumnMapping.from_dict(json.loads(json.dumps(mapping.to_dict()))) == mapping
    assert mapping.summary() == {"E-mail": "email", "Prénom": "firstName", "Taille": "custom:taille"}
    assert mapping.columns() == ["E-mail", "Prénom", "Taille"]
    assert mapping.field_for("E-mail") == "email"
    assert mapping.column_for("firstName") == "Prénom"


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ("nope", "must be an object"),
        ({"fields": {"email": 3}}, "text to text"),
        ({"fields": {"email": "A", "phone": "A"}}, "more than one field"),
        ({"fields": {"email": "A"}, "custom": {"A": "a"}}, "also sent as a custom variable"),
        ({"custom": {"A": "x", "B": "x"}}, "same custom variable"),
    ],
)
def test_column_mapping_from_dict_rejects_bad_data(data: object, words: str) -> None:
    with pytest.raises(MappingError, match=words):
        ColumnMapping.from_dict(data)


def test_parse_map_args() -> None:
    columns = ["E-mail", "Prénom", "Taille société", "Notes"]
    spec = get_spec("lemlist")
    mapping = parse_map_args(
        ["E-mail=email", "prénom=First name", "Taille société=custom:companySize", "Notes=custom"],
        columns,
        spec,
    )
    assert mapping.fields == {"email": "E-mail", "firstName": "Prénom"}
    assert mapping.custom == {"Taille société": "companySize", "Notes": "notes"}
    concept = parse_map_args(["E-mail=first_name"], columns, spec)
    assert concept.fields == {"firstName": "E-mail"}


@pytest.mark.parametrize(
    ("items", "words"),
    [
        (["Emial=email"], "no column ‘Emial’"),
        (["E-mail=emial"], "lemlist has no field ‘emial’"),
        (["E-mail"], "Header=field"),
        (["E-mail=email", "Prénom=email"], "already fed by column ‘E-mail’"),
        (["E-mail=email", "E-mail=custom:x"], "already mapped"),
        (["Notes=custom:bad name"], "cannot be a custom variable name"),
        (["Notes=custom:firstName"], "is a lemlist field"),
        (["Notes=custom:id"], "is a lemlist field"),  # a key lemlist sets on the lead itself
    ],
)
def test_parse_map_args_errors_name_the_problem(items: list[str], words: str) -> None:
    with pytest.raises(MappingError, match=words):
        parse_map_args(items, ["E-mail", "Prénom", "Notes"], get_spec("lemlist"))


def test_build_leads_strips_and_omits_empty_values() -> None:
    frame = pd.DataFrame(
        {
            "Email": [" jane@acme.com ", "", None, "bob@x.io"],
            "First": ["Jane", "  ", "Ann", np.nan],
            "Size": ["50", "", "10", ""],
        }
    )
    mapping = ColumnMapping({"email": "Email", "firstName": "First"}, {"Size": "companySize"})
    leads = build_leads(frame, mapping, get_spec("lemlist"))
    assert [lead.row for lead in leads] == [0, 1, 2, 3]
    assert leads[0].fields == {"email": "jane@acme.com", "firstName": "Jane"}
    assert leads[0].custom == {"companySize": "50"}
    assert leads[1].fields == {} and leads[1].custom == {}
    assert leads[2].fields == {"firstName": "Ann"}
    assert leads[3].fields == {"email": "bob@x.io"}
    some = build_leads(frame, mapping, get_spec("lemlist"), rows=[3, 0])
    assert [lead.row for lead in some] == [3, 0]
    assert some[1].fields["email"] == "jane@acme.com"


def test_build_leads_on_arrow_backed_strings_matches_object_columns() -> None:
    frame = pd.DataFrame({"Email": [" a@b.co", None, "c@d.co"], "Note": ["x", "", None]})
    mapping = ColumnMapping({"email": "Email"}, {"Note": "note"})
    spec = get_spec("lemlist")
    assert build_leads(frame.astype("string[pyarrow]"), mapping, spec) == build_leads(frame, mapping, spec)


def test_build_leads_errors() -> None:
    frame = pd.DataFrame({"Email": ["a@b.co"]})
    with pytest.raises(MappingError, match="no column ‘Mail’"):
        build_leads(frame, ColumnMapping({"email": "Mail"}), get_spec("lemlist"))
    with pytest.raises(MappingError, match="no field ‘mail’"):
        build_leads(frame, ColumnMapping({"mail": "Email"}), get_spec("lemlist"))


def test_build_leads_is_fast_for_100k_rows() -> None:
    n = 100_000
    frame = pd.DataFrame(
        {f"c{i}": np.array([f"v{i}-{j}" for j in range(100)] * (n // 100), dtype=object) for i in range(10)}
    )
    mapping = ColumnMapping(
        {"email": "c0", "firstName": "c1", "lastName": "c2", "companyName": "c3"},
        {f"c{i}": f"x{i}" for i in range(4, 10)},
    )
    start = time.perf_counter()
    leads = build_leads(frame, mapping, get_spec("lemlist"))
    seconds = time.perf_counter() - start
    print(f"\nbuild_leads: 100k rows x 10 columns in {seconds:.2f} s")
    assert len(leads) == n and leads[-1].custom["x9"] == "v9-99"
    assert seconds < 10.0  # a guard against a per-cell slow path, not a benchmark (the box may be busy)


def test_header_fingerprint_ignores_order_case_and_spacing() -> None:
    a = header_fingerprint(["Email", "First Name", "Company"])
    assert a == header_fingerprint(["Company", "email", "First  Name "])
    assert a != header_fingerprint(["Email", "First Name"])
    assert a != header_fingerprint(["Email", "First Name", "Company", "Phone"])
    assert len(a) == 20


def test_payload_preview_is_the_clients_own_payload() -> None:
    frame = pd.DataFrame({"E-mail": ["jane@acme.com", "bob@x.io"], "Taille": ["50", ""], "Nom": ["Doe", ""]})
    mapping = ColumnMapping({"email": "E-mail", "lastName": "Nom"}, {"Taille": "taille"})
    text = payload_preview(frame, mapping, get_spec("lemlist"), 0, "cam_1", {})
    assert json.loads(text) == {"taille": "50", "email": "jane@acme.com", "lastName": "Doe"}
    assert "\n" in text  # pretty
    assert json.loads(payload_preview(frame, mapping, get_spec("lemlist"), 1, "cam_1", None)) == {
        "email": "bob@x.io"
    }
    with pytest.raises(MappingError, match="no row 7"):
        payload_preview(frame, mapping, get_spec("lemlist"), 5, "cam_1", {})


@pytest.mark.parametrize("provider", ["instantly", "aktify", "sendpilot"])
def test_payload_preview_other_providers_put_custom_variables_in_their_shape(provider: str) -> None:
    spec = get_spec(provider)
    try:
        from gui.core.providers import make_client

        make_client(provider, "preview")
    except AttributeError:
        pytest.skip(f"the {provider} client is not in the tree yet")
    frame = pd.DataFrame(
        {
            "Email": ["jane@acme.com"],
            "Phone": ["+12125550100"],
            "State": ["NY"],
            "LinkedIn": ["https://www.linkedin.com/in/jane"],
            "Taille": ["50"],
        }
    )
    mapping = suggest_mapping(frame, spec).mapping
    body = json.loads(payload_preview(frame, mapping, spec, 0, "dest-1", {}))
    text = json.dumps(body)
    assert "50" in text
    if spec.custom_shape == "custom_variables":
        assert "custom_variables" in text
    elif spec.custom_shape == "metadata":
        assert "metadata" in text
