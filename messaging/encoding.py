"""Korean SMS sizes are counted in EUC-KR bytes."""

SMS_MAX_BYTES = 90  # about 45 Hangul
LMS_MAX_BYTES = 2000


def euc_kr_length(text: str) -> int:
    # Characters EUC-KR cannot hold (emoji) go out as '?', one byte each.
    return len(text.encode("euc-kr", errors="replace"))


# Per provider: Twilio counts characters and refuses a body over 1,600 (error 21617), which an LMS
# of 2,000 EUC-KR bytes in ASCII exceeds; a KakaoTalk alimtalk holds at most 1,000 characters.
TWILIO_MAX_CHARS = 1600
ALIMTALK_MAX_CHARS = 1000
