"""Validation rules, one by one, with their edge cases and the words users read."""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from gui.core.cancel import CancelToken
from gui.core.domain import Progress
from gui.core.errors import Cancelled, MappingError
from gui.core.mapping.columns import ColumnMapping
from gui.core.providers import get_spec
from gui.core.validation.checker import validate
from gui.core.validation.linkedin import linkedin_key, normalize_linkedin_url
from gui.core.validation.phones import phone_e164, phones_e164
from gui.core.validation.result import RowIssue
from gui.core.validation.rules import ERROR, WARNING

LEMLIST = get_spec("lemlist")
INSTANTLY = get_spec("instantly")
AKTIFY = get_spec("aktify")
SENDPILOT = get_spec("sendpilot")


def _one(values: list[str | None], field: str, spec=LEMLIST, **kwargs):  # type: ignore[no-untyped-def]
    """Validate one mapped column (plus a filled column for the other required fields)."""
    data: dict[str, list[str | None]] = {"Col": values}
    fields = {field: "Col"}
    if spec is LEMLIST and field not in ("email", "linkedinUrl"):
        data["Email"] = [f"p{i}@acme.com" for i in range(len(values))]
        fields["email"] = "Email"
    if spec is AKTIFY:
        if field != "phoneNumber":
            data["Phone"] = [f"+1212555{i:04d}" for i in range(len(values))]
            fields["phoneNumber"] = "Phone"
        if field not in ("region", "zipCode"):
            data["State"] = ["NY"] * len(values)
            fields["region"] = "State"
    frame = pd.DataFrame(data, dtype=object)
    return validate(frame, ColumnMapping(fields), spec, **kwargs)


def _cells(result, n: int, column: str = "Col") -> list[tuple[str, str] | None]:  # type: ignore[no-untyped-def]
    return [result.cell(i, column) for i in range(n)]


# ---------------------------------------------------------------------------------------------- email


@pytest.mark.parametrize(
    "value",
    [
        "jane@acme.com",
        "jane.doe+news@mail.acme.co.uk",
        "o'brien@example.ie",
        "x_y-z@sub-domain.example.org",
        "JANE@ACME.COM",
        "müller@bücher.de",
        "user@xn--bcher-kva.de",
        "  padded@acme.com  ",
        "a@b.io",
    ],
)
def test_valid_emails(value: str) -> None:
    assert _one([value], "email").cell(0, "Col") is None


@pytest.mark.parametrize(
    ("value", "hint"),
    [
        ("jane@@acme.com", "it has 2 ‘@’"),
        ("jane.acme.com", "it has no ‘@’"),
        ("jane doe@acme.com", "it contains a space"),
        ("jane..doe@acme.com", "two dots in a row"),
        ("jane@acme", "needs a dot"),
        ("@acme.com", "nothing before the ‘@’"),
        (".jane@acme.com", "a dot cannot start"),
        ("jane@acme.c", "check for stray characters"),
        ("jane@-acme.com", "check for stray characters"),
        ("jane@acme.com>", "check for stray characters"),
    ],
)
def test_invalid_emails_say_why(value: str, hint: str) -> None:
    result = _one([value], "email")
    cell = result.cell(0, "Col")
    assert cell is not None
    severity, message = cell
    assert severity == ERROR
    assert message.startswith(f"‘{value.strip()}’ is not a valid email address")
    assert hint in message
    assert result.severity(0, "Col") == ERROR  # the paint path's lookup, without the message
    assert result.severity(0, "Nope") is None


def test_misspelt_mailbox_domains_are_warnings() -> None:
    result = _one(["jane@gmial.com", "bob@Hotmail.con", "ann@gmail.com", "x@acme.com"], "email")
    assert result.cell(0, "Col") == (
        WARNING,
        "‘jane@gmial.com’: ‘gmial.com’ looks like a typo for ‘gmail.com’",
    )
    cell = result.cell(1, "Col")
    assert cell is not None and cell[0] == WARNING and "‘hotmail.com’" in cell[1]
    assert result.cell(2, "Col") is None and result.cell(3, "Col") is None
    assert not result.error_rows.any()


# ---------------------------------------------------------------------------------------------- phone


@pytest.mark.parametrize(
    "value", ["(212) 456-7890", "+1 212 456 7890", "212.456.7890", "12124567890", "+44 20 7946 0958"]
)
def test_valid_phones(value: str) -> None:
    assert _one([value], "phone").cell(0, "Col") is None


def test_invalid_phone_is_a_warning_when_optional_and_an_error_when_required() -> None:
    optional = _one(["12", "(212) 456-7890", "not a phone"], "phone")
    assert _cells(optional, 3)[0] == (WARNING, "‘12’ is not a phone number")
    assert _cells(optional, 3)[1] is None
    assert optional.cell(2, "Col") == (WARNING, "‘not a phone’ is not a phone number")
    assert not optional.error_rows.any()
    assert optional.warning_rows.tolist() == [True, False, True]
    required = _one(["12", "+1 212 456 7890", "020 7946 0958"], "phoneNumber", AKTIFY)
    assert required.cell(0, "Col") == (ERROR, "‘12’ is not a phone number")
    assert required.cell(1, "Col") is None
    cell = required.cell(2, "Col")
    assert cell is not None and cell[0] == ERROR
    assert "not a valid US phone number" in cell[1] and "country code" in cell[1]
    assert required.error_rows.tolist() == [True, False, True]


def test_phone_default_region_setting() -> None:
    assert _one(["020 7946 0958"], "phoneNumber", AKTIFY, default_region="GB").cell(0, "Col") is None
    assert _one(["06 12 34 56 78"], "phoneNumber", AKTIFY, default_region="FR").cell(0, "Col") is None
    assert _one(["06 12 34 56 78"], "phoneNumber", AKTIFY).cell(0, "Col") is not None


def test_phone_e164() -> None:
    assert phone_e164("(212) 456-7890") == "+12124567890"
    assert phone_e164("020 7946 0958", "GB") == "+442079460958"
    assert phone_e164("nope") is None
    assert phone_e164("") is None


def _random_phones(rnd: random.Random, count: int) -> list[str]:
    prefixes = ["", "+", "+1", "1", "0", "00", "011", "+44", "+33", "+49", "+39", "+31", "+34", "(0)", "+1 1"]
    starts = ["212", "415", "416", "604", "20", "7911", "6", "30", "06", "0612", "3", "800", "900", "1", ""]
    out = []
    for _ in range(count):
        digits = rnd.choice(starts) + "".join(rnd.choice("0123456789") for _ in range(rnd.randint(3, 10)))
        text = rnd.choice(prefixes) + rnd.choice(["", " "])
        i = 0
        while i < len(digits):
            step = rnd.randint(2, 4)
            text += digits[i : i + step] + rnd.choice(["", " ", "-", ".", "/"])
            i += step
        if rnd.random() < 0.15:
            text = f"({text[:3]}) {text[3:]}"
        if rnd.random() < 0.03:
            text += " ext 12"
        out.append(text.strip())
    return out


@pytest.mark.parametrize("region", ["US", "CA", "GB", "FR", "DE", "IT", "NL", "ES", "BR", "AU"])
def test_bulk_phone_check_agrees_with_phonenumbers(region: str) -> None:
    """The bulk path reads libphonenumber's metadata; it must give exactly what phonenumbers gives."""
    values = _random_phones(random.Random(region), 3000)
    bulk = phones_e164(pa.array(values), region).to_pylist()
    slow = [phone_e164(v, region) for v in values]
    mismatches = [(v, b, s) for v, b, s in zip(values, bulk, slow, strict=True) if b != s]
    assert not mismatches[:10]
    assert sum(s is not None for s in slow) > 100  # the sample holds plenty of valid numbers


# ---------------------------------------------------------------------------------------------- LinkedIn


@pytest.mark.parametrize(
    "value",
    [
        "https://www.linkedin.com/in/jane-doe",
        "https://www.linkedin.com/in/jane-doe/",
        "http://linkedin.com/in/jane-doe?trk=abc",
        "linkedin.com/in/jane-doe",
        "www.linkedin.com/in/jane-doe",
        "https://fr.linkedin.com/in/jean-dupont-1a2b3c/",
        "HTTPS://WWW.LINKEDIN.COM/IN/JANE",
        "https://www.linkedin.com/in/j%C3%BCrgen-m%C3%BCller",
        "https://www.linkedin.com/pub/jane-doe/1/2/3",
    ],
)
def test_valid_linkedin_urls(value: str) -> None:
    assert _one([value], "linkedinUrl", SENDPILOT).cell(0, "Col") is None


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("https://www.linkedin.com/company/acme", "company page, not a person's profile"),
        ("https://www.linkedin.com/sales/lead/ACwAAA,NAME", "Sales Navigator link"),
        ("https://twitter.com/jane", "is not a LinkedIn URL"),
        ("jane-doe", "is not a LinkedIn URL"),
        ("https://www.linkedin.com/feed/", "is not a LinkedIn profile URL"),
        ("https://www.linkedin.com/in/", "is not a LinkedIn profile URL"),
        ("https://www.linkedin.com/in/jane doe", "is not a LinkedIn profile URL"),
    ],
)
def test_invalid_linkedin_urls(value: str, words: str) -> None:
    cell = _one([value], "linkedinUrl", SENDPILOT).cell(0, "Col")
    assert cell is not None and cell[0] == ERROR and words in cell[1]


def test_normalize_linkedin_url_and_key() -> None:
    assert normalize_linkedin_url("http://fr.linkedin.com/in/Jane-Doe/?trk=x") == (
        "https://www.linkedin.com/in/jane-doe"
    )
    assert normalize_linkedin_url("linkedin.com/in/bob") == "https://www.linkedin.com/in/bob"
    assert normalize_linkedin_url("https://www.linkedin.com/company/acme") is None
    keys = linkedin_key(
        pa.array(["https://www.linkedin.com/in/Jane/", "linkedin.com/in/jane?x=1"])
    ).to_pylist()
    assert keys == ["linkedin.com/in/jane", "linkedin.com/in/jane"]


# ---------------------------------------------------------------------------------------------- state, ZIP


def test_us_state_codes() -> None:
    result = _one(["CA", "ny", "California", "XX", "", " TX "], "region", AKTIFY)
    cells = _cells(result, 6)
    assert cells[0] is None
    assert cells[1] == (WARNING, "‘ny’ should be written in capitals: ‘NY’ (the Capital letters fix does it)")
    assert cells[2] == (ERROR, "‘California’ is a state name: use its two-letter code ‘CA’")
    assert cells[3] == (ERROR, "‘XX’ is not a US state code (two letters, like CA or NY)")
    assert cells[4] == (ERROR, "US state or ZIP code is empty: Aktify needs one of them for every lead")
    assert cells[5] is None
    assert result.error_rows.tolist() == [False, False, True, True, True, False]
    assert result.warning_rows.tolist() == [False, True, False, False, False, False]


def test_zip_codes() -> None:
    result = _one(["02134", "12345-6789", "123456789", "2134", "ABCDE", "1234567"], "zipCode", AKTIFY)
    cells = _cells(result, 6)
    assert cells[:3] == [None, None, None]
    assert cells[3] is not None and "lost its leading zero" in cells[3][1] and "‘02134’" in cells[3][1]
    assert cells[4] == (ERROR, "‘ABCDE’ is not a US ZIP code (5 digits, or ZIP+4 like 12345-6789)")
    assert cells[5] is not None and cells[5][0] == ERROR


# ------------------------------------------------------------------------------------------ timezone, date


def test_timezones() -> None:
    result = _one(["Europe/Paris", "America/New_York", "europe/paris", "Mars/Base", "UTC", "CET"], "timezone")
    cells = _cells(result, 6)
    assert cells[0] is None and cells[1] is None and cells[4] is None
    assert cells[2] is not None and "did you mean ‘Europe/Paris’" in cells[2][1]
    assert cells[3] == (
        ERROR,
        "‘Mars/Base’ is not a time zone name like Europe/Paris or America/New_York",
    )


@pytest.mark.parametrize(
    "value",
    [
        "2024-03-05",
        "2024-03-05T14:30:00",
        "2024-03-05T14:30:00Z",
        "2024-03-05T14:30:00-05:00",
        "2022-11-15T21:04:28-0600",
        "2024-03-05 14:30",
        "2024-02-29",
        "2024-03-05T14:30:00.123Z",
    ],
)
def test_valid_iso_dates(value: str) -> None:
    assert _one([value], "externalCreated", AKTIFY).cell(0, "Col") is None


@pytest.mark.parametrize(
    "value",
    ["03/05/2024", "2024-02-30", "2023-02-29", "2024-13-01", "2024-03-05T25:00", "yesterday", "45581"],
)
def test_invalid_iso_dates(value: str) -> None:
    cell = _one([value], "externalCreated", AKTIFY).cell(0, "Col")
    assert cell is not None and cell[0] == ERROR and "ISO-8601" in cell[1]


# ---------------------------------------------------------------------------------------------- links


def test_aktify_link_xor_link_to_shorten() -> None:
    frame = pd.DataFrame(
        {
            "Phone": ["+12124567890", "+12124567891", "+12124567892"],
            "State": ["NY", "NY", "NY"],
            "Link": ["https://acme.com/a", "https://acme.com/b", ""],
            "Long": ["https://acme.com/long", "", "not a url"],
        }
    )
    mapping = ColumnMapping(
        {"phoneNumber": "Phone", "region": "State", "link": "Link", "linkToShorten": "Long"}
    )
    result = validate(frame, mapping, AKTIFY)
    assert result.cell(0, "Long") == (ERROR, "Fill either Link or Link to shorten, not both")
    assert result.cell(1, "Long") is None and result.cell(1, "Link") is None
    assert result.cell(2, "Long") == (ERROR, "‘not a url’ does not look like a web address")


def test_website_problems_are_only_warnings() -> None:
    result = _one(["https://acme.com", "acme", "www.example.org/x?y=1"], "website", INSTANTLY)
    assert result.cell(1, "Col") == (WARNING, "‘acme’ does not look like a web address")
    assert result.cell(0, "Col") is None and result.cell(2, "Col") is None


# ---------------------------------------------------------------------------------------------- required


def test_lemlist_needs_email_or_linkedin() -> None:
    frame = pd.DataFrame(
        {
            "Email": ["jane@acme.com", "", "", "   "],
            "LinkedIn": ["", "https://www.linkedin.com/in/bob", "", None],
        }
    )
    result = validate(frame, ColumnMapping({"email": "Email", "linkedinUrl": "LinkedIn"}), LEMLIST)
    assert result.error_rows.tolist() == [False, False, True, True]
    assert result.cell(2, "Email") == (
        ERROR,
        "Email or LinkedIn URL is empty: lemlist needs one of them for every lead",
    )
    assert result.cell(2, "LinkedIn") is None


def test_instantly_campaign_needs_email_but_a_list_takes_a_name() -> None:
    frame = pd.DataFrame({"Email": ["", "a@b.co", ""], "First": ["Jane", "", ""]})
    mapping = ColumnMapping({"email": "Email", "first_name": "First"})
    campaign = validate(frame, mapping, INSTANTLY)
    assert campaign.error_rows.tolist() == [True, False, True]
    assert campaign.cell(0, "Email") == (ERROR, "Email is empty: Instantly needs it for every lead")
    as_list = validate(frame, mapping, INSTANTLY, destination_kind="list")
    assert as_list.error_rows.tolist() == [False, False, True]
    cell = as_list.cell(2, "Email")
    assert cell is not None and "Email, First name or Last name is empty" in cell[1]


def test_aktify_needs_phone_and_state_or_zip() -> None:
    frame = pd.DataFrame(
        {
            "Phone": ["+12124567890", "", "+12124567891", "+12124567892"],
            "State": ["NY", "NY", "", ""],
            "Zip": ["", "", "10001", ""],
        }
    )
    mapping = ColumnMapping({"phoneNumber": "Phone", "region": "State", "zipCode": "Zip"})
    result = validate(frame, mapping, AKTIFY)
    assert result.error_rows.tolist() == [False, True, False, True]
    assert result.cell(1, "Phone") == (ERROR, "Phone is empty: Aktify needs it for every lead")
    assert result.cell(3, "State") == (
        ERROR,
        "US state or ZIP code is empty: Aktify needs one of them for every lead",
    )


def test_sendpilot_needs_linkedin() -> None:
    result = _one(["https://www.linkedin.com/in/jane", ""], "linkedinUrl", SENDPILOT)
    assert result.error_rows.tolist() == [False, True]


def test_an_unmapped_required_field_fails_every_row_with_one_clear_message() -> None:
    frame = pd.DataFrame({"First": ["Jane", "Bob"]})
    result = validate(frame, ColumnMapping({"firstName": "First"}), LEMLIST)
    assert result.error_rows.all()
    assert result.invalid_row_count == 2
    assert result.row_messages(0) == [
        "No column is mapped to Email or LinkedIn URL: lemlist needs it for every lead"
    ]
    issues = list(result.issues())
    assert len(issues) == 2 and issues[0].column == "" and issues[0].severity == ERROR
    assert result.counts_by_field()["email"] == (2, 0)


# ---------------------------------------------------------------------------------------------- duplicates


def test_duplicate_emails_keep_the_first_and_ignore_case_and_spaces() -> None:
    result = _one(
        ["jane@acme.com", "bob@x.io", " JANE@acme.com", "jane@@acme.com", "", "", "bob@x.io"], "email"
    )
    cells = _cells(result, 7)
    assert cells[0] is None and cells[1] is None
    assert cells[2] == (ERROR, "Duplicate of row 2 (same email)")
    assert cells[3] is not None and "not a valid email" in cells[3][1]
    assert cells[4] == cells[5]  # two empty cells are not duplicates of each other...
    assert cells[4] is not None and "is empty" in cells[4][1]  # ...only empty
    assert cells[6] == (ERROR, "Duplicate of row 3 (same email)")


def test_duplicate_phones_compare_e164_whatever_the_format() -> None:
    result = _one(
        ["(212) 456-7890", "+1 212 456 7890", "212.456.7890", "12", "12", "(415) 823-4567"],
        "phoneNumber",
        AKTIFY,
    )
    cells = _cells(result, 6)
    assert cells[0] is None and cells[5] is None
    assert cells[1] == (ERROR, "Duplicate of row 2 (same phone number)")
    assert cells[2] == (ERROR, "Duplicate of row 2 (same phone number)")
    assert cells[3] == cells[4] == (ERROR, "‘12’ is not a phone number")  # invalid, not duplicates


def test_duplicate_linkedin_urls_are_normalised() -> None:
    values = [
        "https://www.linkedin.com/in/jane",
        "http://fr.linkedin.com/in/Jane/?trk=1",
        "linkedin.com/in/bob",
    ]
    result = _one(values, "linkedinUrl", SENDPILOT)
    assert _cells(result, 3) == [None, (ERROR, "Duplicate of row 2 (same LinkedIn profile)"), None]


def test_row_label_callable_names_rows() -> None:
    result = _one(["a@b.co", "a@b.co"], "email", row_label=lambda i: f"#{i * 10}")
    assert result.cell(1, "Col") == (ERROR, "Duplicate of row #0 (same email)")


# ---------------------------------------------------------------------------------------------- the result


def test_row_messages_issues_and_counts() -> None:
    frame = pd.DataFrame(
        {
            "Email": ["jane@acme.com", "bad", "jane@acme.com"],
            "Phone": ["(212) 456-7890", "12", ""],
            "Zone": ["Europe/Paris", "Nowhere", ""],
        }
    )
    mapping = ColumnMapping({"email": "Email", "phone": "Phone", "timezone": "Zone"})
    result = validate(frame, mapping, LEMLIST)
    assert result.row_messages(0) == []
    assert result.row_messages(1) == [
        "Email: ‘bad’ is not a valid email address (it has no ‘@’)",
        "Zone: ‘Nowhere’ is not a time zone name like Europe/Paris or America/New_York",
        "Phone: ‘12’ is not a phone number",
    ]
    assert result.row_messages(2) == ["Email: Duplicate of row 2 (same email)"]
    issues = list(result.issues())
    assert [(i.row, i.column) for i in issues] == [(1, "Email"), (1, "Phone"), (1, "Zone"), (2, "Email")]
    assert issues[1] == RowIssue(1, "Phone", "phone", "‘12’ is not a phone number", WARNING)
    assert result.counts_by_field() == {"email": (2, 0), "phone": (0, 1), "timezone": (1, 0)}
    assert result.error_count == 3
    assert result.warning_count == 1
    assert result.invalid_row_count == 2
    assert result.problem_rows.tolist() == [False, True, True]
    assert result.cell(0, "Unmapped column") is None
    assert result.column_rows("Email").tolist() == [1, 2]
    assert result.column_rows("Phone", WARNING).tolist() == [1]
    assert result.column_rows("Phone", ERROR).tolist() == []


def test_arrow_backed_frame_gives_the_same_result() -> None:
    frame = pd.DataFrame(
        {
            "Email": ["jane@acme.com", "bad", None, "JANE@acme.com"],
            "LinkedIn": ["", "https://www.linkedin.com/in/x", None, "nope"],
            "Phone": ["(212) 456-7890", "12", None, ""],
        }
    )
    mapping = ColumnMapping({"email": "Email", "linkedinUrl": "LinkedIn", "phone": "Phone"})
    plain = validate(frame, mapping, LEMLIST)
    arrow = validate(frame.astype("string[pyarrow]"), mapping, LEMLIST)
    for row in range(4):
        assert plain.row_messages(row) == arrow.row_messages(row)
    assert np.array_equal(plain.error_rows, arrow.error_rows)


def test_mapping_errors_and_empty_frames() -> None:
    frame = pd.DataFrame({"Email": ["a@b.co"]})
    with pytest.raises(MappingError, match="no column ‘Mail’"):
        validate(frame, ColumnMapping({"email": "Mail"}), LEMLIST)
    with pytest.raises(MappingError, match="no field ‘mail’"):
        validate(frame, ColumnMapping({"mail": "Email"}), LEMLIST)
    empty = validate(frame.iloc[:0], ColumnMapping({"email": "Email"}), LEMLIST)
    assert empty.invalid_row_count == 0 and list(empty.issues()) == []


def test_progress_and_cancel() -> None:
    frame = pd.DataFrame({"Email": ["a@b.co"] * 10, "Phone": ["(212) 456-7890"] * 10})
    mapping = ColumnMapping({"email": "Email", "phone": "Phone"})
    events: list[Progress] = []
    validate(frame, mapping, LEMLIST, progress=events.append)
    assert events[-1].done == events[-1].total
    assert [e.done for e in events] == sorted(e.done for e in events)
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        validate(frame, mapping, LEMLIST, cancel=token)


def test_mostly_distinct_phone_columns_take_the_direct_path_with_the_same_rules() -> None:
    phones = [f"(212) {200 + i // 10000:03d}-{i % 10000:04d}" for i in range(3000)]
    phones[10] = "12"  # invalid
    phones[20] = "+1 212 200 0000"  # the same number as row 0, written another way
    phones[30] = ""  # empty
    frame = pd.DataFrame({"Phone": phones, "State": ["NY"] * 3000})
    result = validate(frame, ColumnMapping({"phoneNumber": "Phone", "region": "State"}), AKTIFY)
    assert result.cell(10, "Phone") == (ERROR, "‘12’ is not a phone number")
    assert result.cell(20, "Phone") == (ERROR, "Duplicate of row 2 (same phone number)")
    assert result.cell(30, "Phone") == (ERROR, "Phone is empty: Aktify needs it for every lead")
    assert result.invalid_row_count == 3


def test_duplicate_detection_matches_a_plain_python_reference() -> None:
    from gui.core.validation.kernels import _duplicate_rows

    rnd = random.Random(7)
    for _ in range(50):
        n = rnd.randint(1, 300)
        keys = [rnd.choice(["a", "b", "c", "d", "e", "f"]) + str(rnd.randint(0, 5)) for _ in range(n)]
        usable = np.array([rnd.random() > 0.2 for _ in range(n)])
        duplicate, first = _duplicate_rows(pa.array(keys), usable)
        seen: dict[str, int] = {}
        for i, key in enumerate(keys):
            if not usable[i]:
                assert not duplicate[i]
                continue
            if key in seen:
                assert duplicate[i] and first[i] == seen[key]
            else:
                seen[key] = i
                assert not duplicate[i] and first[i] == i
