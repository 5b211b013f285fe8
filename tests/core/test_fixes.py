"""Column fixes: preview, apply in place, undo; cell edits; ZIP table; name splitting."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from gui.core.errors import MappingError
from gui.core.fixes import (
    FIXES,
    FixStep,
    apply_fix,
    apply_steps,
    preview_fix,
    set_cell,
    split_name,
    zip_to_state,
)


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Name": [
                "Dr. Jane Doe",
                "Doe, John",
                "Jean-Pierre de la Fontaine",
                "Cher",
                "",
                "Ludwig van Beethoven",
            ],
            "Email": [" Jane@Acme.COM", "bob@x.io", "", None, "MIXED@Case.Org ", "not an email"],
            "Phone": ["(212) 456-7890", "+44 20 7946 0958", "bad", "212.456.7891", "", "+1 415 823 4567"],
            "Zip": ["02134", "90210", "2134", "10001-1234", "", "73301"],
            "LinkedIn": [
                "http://fr.linkedin.com/in/Jane-Doe/?trk=x",
                "https://www.linkedin.com/in/bob",
                "",
                "linkedin.com/in/cher/",
                "https://www.linkedin.com/company/acme",
                "www.linkedin.com/in/ludwig",
            ],
        }
    )


def test_every_fix_has_words() -> None:
    assert set(FIXES) == {
        "trim",
        "lowercase_email",
        "uppercase",
        "phone_e164",
        "split_full_name",
        "zip_to_state",
        "normalize_linkedin",
        "fill_constant",
    }


def test_trim_preview_and_apply_and_undo() -> None:
    frame = pd.DataFrame({"A": ["  a ", "b", "\u00a0c\u200b", "d  e", None, "x"]})
    original = frame.copy()
    preview = preview_fix(frame, "A", "trim")
    assert preview == [(0, "  a ", "a"), (2, "\u00a0c\u200b", "c"), (3, "d  e", "d e")]
    assert frame.equals(original)  # a preview never changes the frame
    result = apply_fix(frame, "A", "trim")
    assert frame["A"].tolist() == ["a", "b", "c", "d e", None, "x"]
    assert result.rows.tolist() == [0, 2, 3]
    assert result.before.tolist() == ["  a ", "\u00a0c\u200b", "d  e"]
    assert result.after.tolist() == ["a", "c", "d e"]
    assert result.changed == 3
    result.undo(frame)
    assert frame["A"].tolist() == original["A"].tolist()
    result.redo(frame)
    assert frame["A"].tolist()[0] == "a"


def test_lowercase_email_only_touches_emails() -> None:
    frame = _frame()
    result = apply_fix(frame, "Email", "lowercase_email")
    assert frame["Email"].tolist() == [
        "jane@acme.com",
        "bob@x.io",
        "",
        None,
        "mixed@case.org",
        "not an email",
    ]
    assert result.rows.tolist() == [0, 4]


def test_phone_e164_with_region() -> None:
    frame = _frame()
    assert preview_fix(frame, "Phone", "phone_e164") == [
        (0, "(212) 456-7890", "+12124567890"),
        (1, "+44 20 7946 0958", "+442079460958"),
        (3, "212.456.7891", "+12124567891"),
        (5, "+1 415 823 4567", "+14158234567"),
    ]
    uk = pd.DataFrame({"Phone": ["020 7946 0958", "07911 123456"]})
    apply_fix(uk, "Phone", "phone_e164", region="GB")
    assert uk["Phone"].tolist() == ["+442079460958", "+447911123456"]


def test_split_full_name_into_new_columns_and_undo_removes_them() -> None:
    frame = _frame()
    preview = preview_fix(frame, "Name", "split_full_name")
    assert preview[:3] == [
        (0, "Dr. Jane Doe", "Jane | Doe"),
        (1, "Doe, John", "John | Doe"),
        (2, "Jean-Pierre de la Fontaine", "Jean-Pierre | de la Fontaine"),
    ]
    result = apply_fix(frame, "Name", "split_full_name")
    assert frame["First name"].tolist() == ["Jane", "John", "Jean-Pierre", "Cher", "", "Ludwig"]
    assert frame["Last name"].tolist() == ["Doe", "Doe", "de la Fontaine", "", "", "van Beethoven"]
    assert result.created == ("First name",)
    assert result.also[0].created == ("Last name",)
    result.undo(frame)
    assert "First name" not in frame.columns and "Last name" not in frame.columns
    result.redo(frame)
    assert frame["Last name"].tolist()[5] == "van Beethoven"


def test_split_full_name_into_existing_columns_keeps_filled_cells_when_asked() -> None:
    frame = pd.DataFrame(
        {"Full": ["Jane Doe", "Bob Smith", ""], "F": ["", "Robert", "Keep"], "L": ["", "", "Me"]}
    )
    apply_fix(frame, "Full", "split_full_name", first_column="F", last_column="L", only_empty=True)
    assert frame["F"].tolist() == ["Jane", "Robert", "Keep"]
    assert frame["L"].tolist() == ["Doe", "Smith", "Me"]
    with pytest.raises(MappingError, match="two different"):
        apply_fix(frame, "Full", "split_full_name", first_column="F", last_column="F")


@pytest.mark.parametrize(
    ("full", "first", "last"),
    [
        ("Jane Doe", "Jane", "Doe"),
        ("  Jane   Doe  ", "Jane", "Doe"),
        ("Doe, Jane", "Jane", "Doe"),
        ("Mme Marie Curie", "Marie", "Curie"),
        ("Herr Dr. Hans Müller", "Hans", "Müller"),
        ("Vincent van Gogh", "Vincent", "van Gogh"),
        ("Ana Maria dos Santos", "Ana Maria", "dos Santos"),
        ("Martin Luther King Jr.", "Martin", "Luther King Jr."),
        ("Madonna", "Madonna", ""),
        ("", "", ""),
    ],
)
def test_split_name(full: str, first: str, last: str) -> None:
    assert split_name(full) == (first, last)


@pytest.mark.parametrize(
    ("zip_code", "state"),
    [
        ("02134", "MA"),
        ("90210", "CA"),
        ("10001", "NY"),
        ("10001-1234", "NY"),
        ("60601", "IL"),
        ("73301", "TX"),
        ("75201", "TX"),
        ("99501", "AK"),
        ("96801", "HI"),
        ("00601", "PR"),
        ("20500", "DC"),
        ("33101", "FL"),
        ("98101", "WA"),
        ("85001", "AZ"),
        ("80202", "CO"),
        ("2134", ""),
        ("ABCDE", ""),
        ("00001", ""),
    ],
)
def test_zip_to_state_table(zip_code: str, state: str) -> None:
    assert zip_to_state(zip_code) == state


def test_zip_to_state_fix_fills_a_state_column() -> None:
    frame = pd.DataFrame({"Zip": ["02134", "90210", "2134", ""], "State": ["", "NV", "", ""]})
    preview = preview_fix(frame, "Zip", "zip_to_state", state_column="State")
    assert preview == [(0, "02134 (no state)", "MA")]
    result = apply_fix(frame, "Zip", "zip_to_state", state_column="State")
    assert frame["State"].tolist() == ["MA", "NV", "", ""]  # a filled state is kept unless overwrite=True
    assert result.column == "State"
    apply_fix(frame, "Zip", "zip_to_state", state_column="State", overwrite=True)
    assert frame["State"].tolist() == ["MA", "CA", "", ""]
    new = pd.DataFrame({"Zip": ["10001"]})
    created = apply_fix(new, "Zip", "zip_to_state")
    assert new["State"].tolist() == ["NY"] and created.created == ("State",)


def test_normalize_linkedin() -> None:
    frame = _frame()
    apply_fix(frame, "LinkedIn", "normalize_linkedin")
    assert frame["LinkedIn"].tolist() == [
        "https://www.linkedin.com/in/jane-doe",
        "https://www.linkedin.com/in/bob",
        "",
        "https://www.linkedin.com/in/cher",
        "https://www.linkedin.com/company/acme",  # not a profile: left alone
        "https://www.linkedin.com/in/ludwig",
    ]


def test_fill_constant() -> None:
    frame = pd.DataFrame({"Source": ["", "web", None, "  "]})
    result = apply_fix(frame, "Source", "fill_constant", value="import")
    assert frame["Source"].tolist() == ["import", "web", "import", "import"]
    assert result.rows.tolist() == [0, 2, 3]
    apply_fix(frame, "Source", "fill_constant", value="all", only_empty=False)
    assert set(frame["Source"]) == {"all"}


def test_preview_limit_and_large_columns() -> None:
    frame = pd.DataFrame({"A": [" x"] * 50_000})
    preview = preview_fix(frame, "A", "trim", limit=5)
    assert [row for row, _, _ in preview] == [0, 1, 2, 3, 4]
    frame.loc[40_000, "A"] = " late"
    sparse = pd.DataFrame({"A": ["ok"] * 50_000})
    sparse.loc[45_000, "A"] = " late"
    assert preview_fix(sparse, "A", "trim") == [(45_000, " late", "late")]


def test_arrow_backed_columns_keep_their_dtype() -> None:
    frame = pd.DataFrame({"A": [" a", "b", None]}).astype("string[pyarrow]")
    result = apply_fix(frame, "A", "trim")
    assert frame["A"].dtype == "string[pyarrow]"
    assert frame["A"].tolist()[:2] == ["a", "b"]
    result.undo(frame)
    assert frame["A"].tolist()[0] == " a"


def test_big_fix_writes_whole_column_and_undoes() -> None:
    n = 30_000
    frame = pd.DataFrame({"E": np.array([f"User{i}@X.COM" for i in range(n)], dtype=object)})
    result = apply_fix(frame, "E", "lowercase_email")
    assert result.changed == n and frame["E"].iat[-1] == f"user{n - 1}@x.com"
    result.undo(frame)
    assert frame["E"].iat[-1] == f"User{n - 1}@X.COM"


def test_set_cell_undo_redo() -> None:
    frame = pd.DataFrame({"A": ["x", "y"]})
    edit = set_cell(frame, 1, "A", "z")
    assert frame["A"].tolist() == ["x", "z"]
    assert (edit.row, edit.column, edit.before, edit.after) == (1, "A", "y", "z")
    edit.undo(frame)
    assert frame["A"].tolist() == ["x", "y"]
    edit.redo(frame)
    assert frame["A"].tolist() == ["x", "z"]
    with pytest.raises(MappingError, match="no column ‘B’"):
        set_cell(frame, 0, "B", "v")
    with pytest.raises(MappingError, match="no row 12"):
        set_cell(frame, 10, "A", "v")


def test_fix_steps_round_trip_and_replay() -> None:
    steps = [FixStep("Email", "lowercase_email", {}), FixStep("Phone", "phone_e164", {"region": "US"})]
    assert [FixStep.from_dict(s.to_dict()) for s in steps] == steps
    frame = _frame()
    results = apply_steps(frame, [*steps, FixStep("Missing column", "trim", {})])
    assert len(results) == 2
    assert frame["Phone"].iat[0] == "+12124567890" and frame["Email"].iat[0] == "jane@acme.com"


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ([], "must be an object"),
        ({"column": "A"}, "needs a text 'column' and 'fix'"),
        ({"column": "A", "fix": "explode"}, "Unknown fix ‘explode’"),
        ({"column": "A", "fix": "trim", "params": [1]}, "must be an object"),
    ],
)
def test_fix_step_rejects_bad_data(data: object, words: str) -> None:
    with pytest.raises(MappingError, match=words):
        FixStep.from_dict(data)


def test_unknown_fix_or_column() -> None:
    frame = _frame()
    with pytest.raises(MappingError, match="Unknown fix"):
        apply_fix(frame, "Email", "explode")
    with pytest.raises(MappingError, match="no column ‘Nope’"):
        preview_fix(frame, "Nope", "trim")


def test_uppercase_fix_for_state_codes() -> None:
    frame = pd.DataFrame({"State": ["ny", " ca", "TX", "", None]})
    result = apply_fix(frame, "State", "uppercase")
    assert frame["State"].tolist() == ["NY", "CA", "TX", "", None]
    assert result.rows.tolist() == [0, 1]
