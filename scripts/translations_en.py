"""English for the Korean UI strings (msgids are Korean: the UI is Korean first).

    python scripts/translations_en.py   # fills locale/en/LC_MESSAGES/django.po, then compilemessages
"""

EN = {
    "이름": "Name", "채널": "Channel", "사용": "Active", "API 클라이언트": "API client", "API 키": "API key",
    "조회": "View", "등록": "Create", "수정": "Edit", "내보내기": "Export", "API 조회": "API read", "일시": "Time",
    "직원": "Staff", "IP": "IP", "손님": "Customer", "행위": "Action", "대상": "Target", "감사 로그": "Audit log",
    "직원 아이디": "Staff login", "손님 아이디": "Customer login", "전체": "All", "시작일": "From", "종료일": "To",
    "영업점": "Branch", "컨택센터": "Contact center", "지점번호": "Branch no.", "지점명": "Branch name", "구분": "Kind",
    "대표전화": "Main phone", "보조전화": "Other phone", "우편번호": "Postcode", "주소": "Address", "위도": "Latitude",
    "경도": "Longitude", "업무 시작": "Opens", "업무 종료": "Closes", "제공 서비스": "Services", "비고": "Remarks",
    "운영 중": "Open", "지점": "Branch", "중분류": "Subcategory", "상담 일시": "Consulted at",
    "미래의 상담은 기록할 수 없습니다.": "A consultation in the future cannot be recorded.",
    "선택한 대분류에 속한 중분류가 아닙니다.": "This subcategory does not belong to the chosen category.",
    "예약 결과": "Booking outcome", "상담 완료": "Consulted", "노쇼 (미방문)": "No-show",
    "대분류": "Category", "담당 직원": "Staff member", "진행상태": "Progress", "추가상담": "Follow-up",
    "필요": "Needed", "불필요": "Not needed", "손님 (이름/아이디)": "Customer (name/login)",
    "검색어 (제목·내용)": "Keyword (title, notes)", "정렬": "Order", "최신순": "Newest first", "오래된순": "Oldest first",
    "시작일이 종료일보다 늦습니다.": "The start date is after the end date.", "상담 방법": "How", "상담 분야": "About",
    "시간": "Time", "요청사항": "Requests", "예약할 시간을 선택해 주세요.": "Please choose a time.", "코드": "Code",
    "채널명": "Channel name", "아이콘": "Icon", "Bootstrap Icons 이름": "Bootstrap Icons name", "예약 가능": "Bookable",
    "상담 채널": "Channel", "대분류 코드 + 2자리 (예: 0201)": "Category code + 2 digits (e.g. 0201)",
    "접수": "Received", "진행중": "In progress", "완료": "Done", "제목": "Title", "상담 내용": "Notes",
    "추가상담 필요": "Follow-up needed", "예약": "Booking", "이 상담으로 진행한 추가상담 예약": "The follow-up booking this consultation fulfilled",
    "연동 시스템": "Source system", "외부 ID": "External id", "상담": "Consultation", "상담 수정 이력": "Consultation revisions",
    "취소": "Cancel", "노쇼": "No-show", "원 상담": "Original consultation", "방문 지점": "Branch to visit",
    "시작": "Start", "종료": "End", "상태": "Status", "추가상담 예약": "Book a follow-up", "사유": "Reason",
    "상담 불가 일정": "Unavailable time", "상담 불가": "Unavailable",
    "영업점 방문 상담은 영업점 직원과만 예약할 수 있습니다.": "Branch visits can only be booked with branch staff.",
    "예약할 수 없는 채널입니다.": "This channel cannot be booked.",
    "방금 다른 분이 예약한 시간입니다. 다른 시간을 선택해 주세요.": "Someone has just booked this time. Please choose another.",
    "이미 취소되었거나 끝난 예약입니다.": "This booking is already cancelled or over.",
    "상담 1시간 전부터는 취소할 수 없습니다. 영업점에 연락해 주세요.": "Bookings cannot be cancelled in the last hour. Please call the branch.",
    "다른 손님의 예약입니다.": "This booking belongs to another customer.", "이미 처리된 예약입니다.": "This booking has already been dealt with.",
    "예약 결과(완료/노쇼)를 선택해 주세요.": "Please choose the outcome (consulted / no-show).",
    "끝나는 시간이 시작 시간보다 늦어야 합니다.": "The end must be after the start.",
    "%(time)s에 예약된 상담이 있어 상담 불가 일정을 둘 수 없습니다.": "There is a booking at %(time)s, so this time cannot be blocked.",
    "이미 지난 시간은 예약할 수 없습니다.": "A time in the past cannot be booked.",
    "상담은 30분 단위로 예약합니다.": "Consultations are booked in 30-minute slots.",
    "영업일이 아닙니다 (주말·공휴일).": "Not a banking day (weekend or public holiday).",
    "상담 가능 시간이 아닙니다.": "Outside consultation hours.", "담당 직원이 상담할 수 없는 시간입니다.": "The staff member is unavailable then.",
    "검색 조건을 확인해 주세요.": "Please check the search conditions.", "상담 기록을 저장했습니다.": "Consultation saved.",
    "상담 기록을 수정했습니다.": "Consultation updated.",
    "%(time)s 추가상담을 예약했습니다. 손님께 확인 문자를 보냅니다.": "Follow-up booked for %(time)s. The customer gets a confirmation SMS.",
    "기간이 올바르지 않습니다.": "The period is not valid.", "요청 형식이 올바르지 않습니다.": "The request is not well formed.",
    "시작과 끝 시간을 알 수 없습니다.": "Start and end time are missing.", "개인 정보": "Personal data", "권한": "Permissions",
    "기록": "Dates", "손님 박진우": "customer 박진우", "손님 이서연": "customer 이서연",
    "상담사 김하나 (원격)": "agent 김하나 (contact center)", "행원 신행복 (을지로 본점)": "teller 신행복 (Euljiro head office)",
    "관리자 최지원": "manager 최지원", "아이디": "Login", "비밀번호": "Password",
    "아이디 또는 비밀번호가 올바르지 않습니다.": "Wrong login or password.",
    "사용이 중지된 계정입니다. 가까운 영업점에 문의해 주세요.": "This account is suspended. Please contact a branch.",
    "이름, 아이디 또는 휴대폰 번호": "Name, login or mobile number", "생년월일": "Date of birth",
    "검색어나 생년월일을 입력해 주세요.": "Enter a search term or a date of birth.",
    "검색어는 두 글자 이상 입력해 주세요.": "Enter at least two characters.",
    "휴대폰 번호는 010으로 시작하는 11자리여야 합니다 (예: 010-1234-5678).": "A mobile number has 11 digits starting with 010 (e.g. 010-1234-5678).",
    "아이디는 영문 소문자로 시작하는 4~20자의 영문 소문자, 숫자, 밑줄이어야 합니다.": "A login is 4-20 lowercase letters, digits or underscores, starting with a letter.",
    "여성": "Female", "남성": "Male", "행원": "Teller", "상담사": "Agent", "관리자": "Manager", "역할": "Role", "사용자": "User",
    "일반": "Standard", "골드": "Gold", "VIP": "VIP", "프라이빗": "Private", "예적금": "Deposits", "대출": "Loans",
    "투자": "Investments", "외환": "Foreign exchange", "카드": "Cards", "연금": "Pensions", "성별": "Gender",
    "휴대폰": "Mobile", "직업": "Job", "상세주소": "Address detail", "관심분야": "Interest", "고객등급": "Tier",
    "마케팅 수신 동의": "Marketing consent", "동의 변경 일시": "Consent changed at", "디지털 교육 이수": "Digital training done",
    "손님 정보": "Customer", "사원번호": "Employee no.", "소속 지점": "Branch", "직원 정보": "Staff", "즐겨찾기": "Favourite",
    "회원가입": "Sign-up", "비밀번호 재설정": "Password reset", "휴대폰 변경": "Mobile change", "휴대폰 인증": "Phone verification",
    "문의": "Inquiry", "문자": "SMS", "답글 %(n)d개": "%(n)d replies", "통합 상담이력": "One history",
    "어느 채널에서 상담했든 한 화면에서 이어서 봅니다.": "Whichever channel you used, your consultations continue on one page.",
    "추가 상담 예약": "Book a follow-up",
    "실제로 비어 있는 시간만 골라 예약하고 문자로 안내받습니다.": "Pick a time that is really free and get an SMS confirmation.",
    "인터넷 문의": "Online inquiries", "문의를 남기면 상담사가 답변하고 알려 드립니다.": "Leave a question; an agent answers and lets you know.",
    "답변완료": "Answered", "추가문의": "Follow-up question", "작성자": "Author", "내용": "Body",
    "서버에서 정화된 HTML": "HTML sanitised on the server", "담당 상담사": "Assigned agent", "작성 일시": "Written at",
    "첫 응답 기한": "First response due", "첫 응답 일시": "First response at", "내부 메모": "Internal note", "답글": "Reply",
    "첨부파일": "Attachment", "질문": "Question", "답변": "Answer", "게시": "Published", "조회수": "Views",
    "자주 묻는 질문": "FAQ", "사용할 수 없는 태그입니다: %(tag)s": "This tag is not allowed: %(tag)s",
    "템플릿 문법 오류: %(error)s": "Template syntax error: %(error)s",
    "메시지가 LMS 최대 길이(%(n)s바이트)를 넘습니다.": "The message is longer than an LMS (%(n)s bytes).",
    "용도": "Purpose", "휴대폰/아이디": "Mobile / login", "본문": "Body",
    "예시 값으로 만든 메시지가 LMS 최대 길이(2,000바이트)를 넘습니다.": "With the sample values the message is longer than an LMS (2,000 bytes).",
    "인증번호": "Verification code", "예약 확정": "Booking confirmed", "예약 취소": "Booking cancelled",
    "당일 예약 알림": "Same-day reminder", "문의 답변": "Inquiry answered", "문의 응답기한 초과": "Inquiry overdue",
    "마케팅": "Marketing", "대기": "Pending", "발송중": "Sending", "확인필요": "Unknown", "발송": "Sent", "수신": "Delivered",
    "실패": "Failed", "수신번호": "To", "시도 횟수": "Attempts", "발송 가능 시각": "Not before", "메시지": "Message",
    "발송 성공": "Sent", "일시 오류 · 재시도": "Temporary error, retried", "응답 없음 · 확인 필요": "No answer, looked up",
    "메시지 템플릿": "Message templates", "국내 휴대폰 번호(+82)만 사용할 수 있습니다.": "Only Korean mobile numbers (+82) can be used.",
    "받는 사람이 없습니다.": "There is no recipient.", "마케팅 수신에 동의하지 않은 손님입니다.": "The customer has not consented to marketing.",
    "실패한 메시지만 다시 보낼 수 있습니다.": "Only failed messages can be sent again.",
    "메시지를 다시 보내도록 했습니다.": "The message will be sent again.", "기본 템플릿으로 되돌렸습니다.": "Back to the default template.",
    "템플릿을 저장했습니다.": "Template saved.", "한국어": "Korean", "English": "English",
    "이 페이지에 접근할 권한이 없습니다.": "You may not open this page.", "처음으로": "Home",
    "요청하신 페이지를 찾을 수 없습니다.": "The page was not found.",
    "직원이 손님 기록을 조회·등록·수정·내보낸 내역입니다. 이 기록은 누구도 고치거나 지울 수 없습니다.": "Every view, record, change and export of a customer's data by staff. Nobody can change or delete these entries.",
    "직원/시스템": "Staff / system", "조건에 맞는 기록이 없습니다.": "No entries match.", "본문 바로가기": "Skip to content",
    "닫기": "Close", "상담기록 옴니채널": "one consultation history across channels", "언어": "Language",
    "상담 시간": "Consultation time", "예약 가능한 시간이 없습니다": "No free time", "이 기간에는 상담할 수 있는 날이 없습니다.": "No banking days in this period.",
    "달력": "Calendar", "%(name)s님의 달력": "%(name)s's calendar", "내 달력": "My calendar",
    "빈 시간을 끌어서 상담 불가 일정을 만들고, 끌어서 옮기거나 늘리고, 눌러서 지웁니다.": "Drag over free time to block it; drag to move or resize; click to delete.",
    "상담 기록 수정": "Edit consultation", "상담 기록": "Record consultation", "추가상담 결과 기록": "Record the follow-up",
    "%(time)s %(channel)s 예약에 연결해 기록합니다.": "Recorded for the %(time)s %(channel)s booking.", "저장": "Save",
    "수정 이력": "Changes", "상담 조회": "Consultations", "초기화": "Reset",
    "한 번에 50건씩, 2글자 한글 검색어도 정확히 찾습니다.": "50 per page; two-syllable Korean keywords are found exactly.",
    "등록일시": "Date", "성함": "Name", "생일": "Born", "담당직원": "Staff", "페이지": "Pages", "다음 50건": "Next 50",
    "조건에 맞는 상담이 없습니다.": "No consultations match.", "내 상담이력": "My history",
    "%(name)s 손님의 상담이력": "%(name)s's consultations",
    "창구, 콜센터, 화상창구, 인터넷 등 모든 채널의 상담이 최신순으로 표시됩니다.": "Consultations from every channel — branch, call center, video, online — newest first.",
    "담당": "With", "아직 상담 기록이 없습니다.": "No consultations yet.", "시간 보기": "Show times", "이전 주": "Previous week",
    "다음 주": "Next week", "예약하고 문자 보내기": "Book and send SMS",
    "담당 직원을 선택하면 예약 가능한 시간이 표시됩니다.": "Choose a staff member to see free times.", "오늘": "Today",
    "%(name)s님의 오늘": "Today for %(name)s", "손님 찾기": "Find a customer", "손님 이름·아이디·전화번호": "Customer name, login, phone",
    "찾기": "Find", "오늘 예약": "Bookings today", "미답변 문의": "Unanswered inquiries", "응답기한 초과": "Overdue",
    "오늘 예약된 상담": "Today's bookings", "결과 기록": "Record outcome", "오늘 예약된 상담이 없습니다.": "No bookings today.",
    "즐겨찾는 손님": "Starred customers", "손님 화면의 ☆를 누르면 여기에 모입니다.": "Star customers on their page to see them here.",
    "즐겨찾기 해제": "Unstar", "이메일": "Email", "마케팅 수신": "Marketing", "동의": "Consented", "미동의": "Not consented",
    "디지털 교육": "Digital training", "이 화면의 조회는 감사 로그에 기록됩니다.": "Opening this page is recorded in the audit log.",
    "예정된 추가상담": "Upcoming follow-ups", "상담 완료 기록": "Record outcome", "타임라인 거르기": "Filter the timeline",
    "모든 채널": "All channels", "적용": "Apply", "전체 보기": "Show all", "이 상담으로 예약": "Book from this",
    "이전 기록 더 보기": "Older entries", "표시할 기록이 없습니다.": "Nothing to show.", "검색": "Search",
    "이름(앞부분), 아이디, 휴대폰 번호 일부(예: 5678) 또는 생년월일로 찾습니다.": "Search by name (beginning), login, part of the mobile number (e.g. 5678) or date of birth.",
    "%(n)s명": "%(n)s customers", "등급": "Tier", "이력 보기": "Open", "찾는 손님이 없습니다.": "No customer found.",
    "채널이 바뀌어도, 상담은 이어집니다": "Change channel, keep the conversation",
    "창구, 콜센터, 화상창구, 인터넷 문의 — 모든 상담을 하나의 이력으로 확인하고 추가 상담을 예약하세요.": "Branch, call center, video teller, online inquiries — see every consultation in one history and book a follow-up.",
    "로그인": "Log in", "손님과 직원 모두 같은 화면에서 로그인합니다.": "Customers and staff log in here alike.",
    "데모 계정": "Demo accounts", "주 메뉴": "Main menu", "메뉴 열기": "Open menu", "상담조회": "Consultations",
    "관리": "Admin", "관리자 화면": "Django admin", "로그아웃": "Log out", "이전": "Previous", "다음": "Next",
    "발송 현황": "Messages", "메시지 상세": "Message", "문자 발송 현황": "SMS messages", "이 메시지를 다시 보낼까요?": "Send this message again?",
    "다시 보내기": "Send again", "종류": "Kind", "요청": "Requested", "수신 확인": "Delivered", "사업자": "Provider",
    "중복 방지 키": "Idempotency key", "마지막 오류": "Last error", "발송 시도 %(n)s회": "%(n)s attempts",
    "아직 발송을 시도하지 않았습니다.": "Not tried yet.", "용도별 상태 표": "Status by purpose", "기간 내 %(n)s건": "%(n)s in the period",
    "합계": "Total", "요청 일시": "Requested", "시도": "Attempts", "이전 메시지 더 보기": "Older messages",
    "조건에 맞는 메시지가 없습니다.": "No messages match.", "사용할 수 있는 변수": "Variables",
    "태그는 if, for, with, firstof만 쓸 수 있습니다.": "Only the tags if, for, with and firstof may be used.",
    "수정한 내용을 지우고 기본 템플릿으로 되돌릴까요?": "Discard the edit and go back to the default template?",
    "기본 템플릿으로 되돌리기": "Back to the default", "미리보기": "Preview",
    "예시 값으로 만든 문자입니다. 90바이트(한글 약 45자)를 넘으면 LMS로 발송됩니다.": "Made with sample values. Over 90 bytes (about 45 Hangul) it goes as an LMS.",
    "기본 템플릿": "Default template", "수정됨": "Edited", "기본": "Default", "편집": "Edit",
    "총 %(n)s건": "%(n)s in all",
}


def fill(path: str) -> list[str]:
    """Write the translations into the .po file; returns the msgids still untranslated."""
    import re

    text = open(path, encoding="utf-8").read()
    missing: list[str] = []

    def single(match: re.Match) -> str:
        msgid = match.group(1)
        if msgid in EN:
            return f'msgid "{msgid}"\nmsgstr "{EN[msgid]}"'
        missing.append(msgid)
        return match.group(0)

    def plural(match: re.Match) -> str:
        msgid, msgid_plural = match.group(1), match.group(2)
        if msgid in EN:
            return f'msgid "{msgid}"\nmsgid_plural "{msgid_plural}"\nmsgstr[0] "{EN[msgid]}"\nmsgstr[1] "{EN[msgid]}"'
        missing.append(msgid)
        return match.group(0)

    text = re.sub(r'msgid "((?:[^"\\]|\\.)+)"\nmsgid_plural "((?:[^"\\]|\\.)*)"\nmsgstr\[0\] ""\nmsgstr\[1\] ""', plural, text)
    text = re.sub(r'msgid "((?:[^"\\]|\\.)+)"\nmsgstr ""', single, text)
    text = text.replace("#, fuzzy\n", "", 1)
    open(path, "w", encoding="utf-8").write(text)
    return missing


if __name__ == "__main__":
    left = fill("locale/en/LC_MESSAGES/django.po")
    print("untranslated:", left)
