"""One canonical form for text that people type: what tools store and what grading reads.

A simulated user may type a city in lower case, a name with a non-breaking hyphen, or an
apostrophe from a phone keyboard. Two correct agents that pass on what the user typed
must leave the same database, and an agent's "KL‑482913" must match "KL-482913". So:

- :func:`plain` is the Unicode-normalised text: NFKC (which folds no-break, thin and
  full-width spaces and full-width letters), every dash and quote variant as its ASCII
  character, invisible characters (soft hyphen, zero-width space and joiners, BOM)
  dropped, runs of whitespace as one space, no space at either end;
- :func:`dictated` is the form stored for a free-text value a user dictates (a name, a
  street, a city): :func:`plain`, then capitalised the same way whatever the case it
  was typed in.
"""

from __future__ import annotations

import re
import unicodedata

_VARIANTS = str.maketrans(
    {
        **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63", "-"),
        **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u02bc", "'"),
        **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033", '"'),
        **dict.fromkeys("\u00ad\u200b\u200c\u200d\u2060\ufeff", ""),
    }
)
_SPACES = re.compile(r"\s+")
# A letter that starts a word or follows a hyphen, apostrophe or period inside one.
_WORD_START = re.compile(r"(^|[\s\-'.])([^\W\d_])")
# A house or flat number with one letter: "4b" -> "4B".
_NUMBER_LETTER = re.compile(r"(?<![^\s\-/])(\d+)([^\W\d_])(?![^\s\-/,])")


def plain(text: str) -> str:
    """NFKC, ASCII dashes and quotes, no invisible characters, single spaces, stripped."""
    text = unicodedata.normalize("NFKC", text).translate(_VARIANTS)
    return _SPACES.sub(" ", text).strip()


def dictated(text: str) -> str:
    """The stored form of a dictated name or address line, independent of the case typed.

    ``"  maría  o’neil-smith "`` -> ``"María O'Neil-Smith"``; ``"12b harbour rd"`` ->
    ``"12B Harbour Rd"``; ``"VAN DER BERG"`` -> ``"Van Der Berg"``. The result depends on
    the letters only, never on how they were capitalised, so it cannot preserve
    capitalisation such as "McKay" (stored as "Mckay") or "de Vries" ("De Vries").
    """
    lowered = plain(text).lower()
    titled = _WORD_START.sub(lambda m: m.group(1) + m.group(2).upper(), lowered)
    numbered = _NUMBER_LETTER.sub(lambda m: m.group(1) + m.group(2).upper(), titled)
    return unicodedata.normalize("NFC", numbered)


def same_dictated(a: str | None, b: str | None) -> bool:
    """Whether two stored or typed values are the same once dictated (None == "")."""
    return dictated(a or "") == dictated(b or "")
