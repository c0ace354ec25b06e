import pytest

from tautrait.domain.text import dictated, plain, same_dictated


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("214 Juniper Lane", "214 Juniper Lane"),
        ("214 juniper lane", "214 Juniper Lane"),
        ("  214   JUNIPER\tlane ", "214 Juniper Lane"),
        ("apt 4b", "Apt 4B"),
        ("Apt 4B", "Apt 4B"),
        ("unit 12-b", "Unit 12-B"),
        ("3rd street", "3rd Street"),
        ("21st Ave.", "21st Ave."),
        ("st. john", "St. John"),
        ("maría o’neil-smith", "María O'Neil-Smith"),
        ("MARÍA O'NEIL-SMITH", "María O'Neil-Smith"),
        ("ayşe öztürk", "Ayşe Öztürk"),
        ("de Vries", "De Vries"),
        ("Ｍｉｌｌｂｒｏｏｋ", "Millbrook"),  # full-width letters (NFKC)
        ("Pinecrest\u00a0Falls", "Pinecrest Falls"),  # no-break space
        ("Harlow\u2011Valley", "Harlow-Valley"),  # non-breaking hyphen
        ("Mill\u200bbrook", "Millbrook"),  # zero-width space
        ("", ""),
    ],
)
def test_dictated_text_has_one_stored_form(typed: str, stored: str) -> None:
    assert dictated(typed) == stored
    assert dictated(stored) == stored  # idempotent: what is stored reads back the same
    assert dictated(typed.upper()) == dictated(typed.lower()) == stored


def test_plain_keeps_case_and_only_unifies_characters() -> None:
    assert plain(" KL\u2013482913\u00a0\u201cx\u201d\ufeff ") == 'KL-482913 "x"'
    assert same_dictated("5 heron WAY", "5 Heron Way") and same_dictated(None, "")
    assert not same_dictated("5 Heron Way", "6 Heron Way")
