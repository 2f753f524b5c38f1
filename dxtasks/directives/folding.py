"""Vietnamese text folded for matching: lower case, no diacritics, đ → d.

Staff type fast and often without diacritics: "bao ve du lieu ca nhan" must
find "bảo vệ dữ liệu cá nhân", and "quy II/2024" must read as "quý II/2024".
Folding keeps the text's length character for character, so a span found in
the folded text can quote the original.
"""

import unicodedata


def fold_char(ch: str) -> str:
    low = ch.lower()
    if len(low) != 1:  # e.g. "İ" lowers to two characters; keep positions aligned
        low = ch
    if low == "đ":  # đ has no decomposition
        return "d"
    return unicodedata.normalize("NFD", low)[0]


def fold(text: str) -> str:
    return "".join(fold_char(ch) for ch in unicodedata.normalize("NFC", text))
