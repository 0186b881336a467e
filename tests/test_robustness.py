"""extract() on awkward text: no exception, every span inside the text (the properties behind
these cases, with generated text, are in tests/test_properties.py)."""

import pytest

from tests.test_properties import check_extract

check = check_extract  # the name other tests import (tests/extract/test_events.py)


@pytest.mark.parametrize("text", [
    "A", "(", "KABUL —", "KABUL, Afghanistan —", "\u200b\u200bKabul", "1 2 3 4 5", "March 22" * 50,
    "The the the the.", "IS IS IS-K IS-K (IS-K) (IS) , or X,",
    # what hostile input leaves after decoding: controls, bidi marks, joiners, emoji, huge tokens
    "Gunmen\x07 killed\x1b[31m 12 people in Kabul\x00 on Monday.",
    "\u202eGunmen killed 12 people in Kabul\u202c on \u2066Monday\u2069.",
    "Gunmen killed 12 people in Kab\u200dul 🇦🇫💣 on Monday, officials said.",
    "Gunmen killed " + "x" * 20_000 + " people in Kabul.",
    "Kabul. " * 2000,
    "Gunmen killed 9223372036854775807 people in Kabul.",
    "\ufeffKABUL — A bomb killed three people on Monday.\r\n\r\nPolice said two were arrested.",
])
def test_awkward_inputs(text):
    check_extract(text)
