"""Korean SMS sizes are counted in EUC-KR bytes."""

SMS_MAX_BYTES = 90  # about 45 Hangul
LMS_MAX_BYTES = 2000


def euc_kr_length(text: str) -> int:
    # Characters EUC-KR cannot hold (emoji) go out as '?', one byte each.
    return len(text.encode("euc-kr", errors="replace"))
