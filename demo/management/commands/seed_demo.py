"""Build the demo bank. Safe to run again: fixed rows are upserted by natural keys, and generated
customers and consultations are topped up to the requested counts, never duplicated.

    python manage.py seed_demo                         # small bank for a local run
    python manage.py seed_demo --consultations 1000000 # benchmark size (200,000 customers)
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import connection, transaction
from django.utils import timezone
from tqdm import tqdm

from branches.models import Branch
from campaigns.models import AlimtalkTemplate, BannedWord, Campaign, Segment
from cases.models import Team, TeamMember
from consultations.bulk import bulk_load
from consultations.models import (
    Booking,
    Channel,
    Consultation,
    MainCategory,
    MiddleCategory,
    Progress,
)
from consultations.services import booking_message_context, consultation_record
from core.bulk import copy_lines, insert_rows
from core.bulk import copy_text as _copy_text
from core.business_days import next_business_day
from customers.models import CustomerProfile, StaffProfile, User
from demo import data as D
from demo.accounts import DEMO_PASSWORD
from demo.text import CATEGORY_WEIGHTS, text_pool
from inquiries.models import FaqEntry, Inquiry, Reply
from inquiries.sla import sla_deadline
from messaging.body import message_kind, render_body
from messaging.models import Message, Purpose

GENERATED_PREFIX = "cust"  # generated customers are cust000001, cust000002, ...


def generated_has_login(login: str) -> bool:
    """Whether a generated customer signed up on the web: every third one only ever came to a
    branch or phoned (a customer without a login; its generated username is nobody's login id)."""
    return int(login[len(GENERATED_PREFIX) :]) % 3 != 0


CHUNK = 100_000
KST = dt.timezone(dt.timedelta(hours=9))
# From this many new consultations on, PostgreSQL loads them in bulk-load mode (consultations.bulk).
BULK_ROWS = 200_000
CONSULTATIONS = "consultations_consultation"
CONSULTATION_COLUMNS = [
    "customer_id",
    "staff_id",
    "channel_id",
    "main_category_id",
    "middle_category_id",
    "title",
    "notes",
    "progress",
    "follow_up_needed",
    "occurred_at",
    "created_at",
    "updated_at",
]


def _sqlite_rows(lines: Iterable[str]) -> Iterator[tuple[Any, ...]]:
    """The COPY lines of _consultation_rows as values for the SQLite INSERTs (the embedded run)."""
    for line in lines:
        *ids, title, notes, progress, follow_up, at, _, _ = line.rstrip("\n").split("\t")
        occurred = dt.datetime.fromisoformat(at + ":00")
        yield (*map(int, ids), title, notes, progress, follow_up == "t", occurred, occurred, occurred)


def record_once(*, customer: User, staff: User, title: str, same_time: bool = False, **note: Any) -> None:
    """One of the demo bank's named rows, written like any consultation (the model's rules, an
    audit entry without a person), unless seed_demo stored it on an earlier run (the same title,
    and with `same_time` the same moment: the original project repeats titles)."""
    same = Consultation.objects.filter(customer=customer, title=title)
    if same_time:
        same = same.filter(occurred_at=note["occurred_at"])
    if not same.exists():
        consultation_record(customer=customer, staff=staff, data={"title": title, **note}, actor=None)


class Command(BaseCommand):
    help = (
        "Builds (or tops up) the demo bank: branches, staff, customers, consultations, bookings, inquiries."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--consultations", type=int, default=3000, help="generated consultations in total"
        )
        parser.add_argument(
            "--customers", type=int, default=None, help="generated customers (default: consultations / 5)"
        )
        parser.add_argument("--seed", type=int, default=20200916)
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **opts: Any) -> None:
        n_consultations: int = max(0, opts["consultations"])
        n_customers: int = (
            opts["customers"] if opts["customers"] is not None else max(50, n_consultations // 5)
        )
        self.progress = not opts["no_progress"]
        self.rng = random.Random(opts["seed"])

        with transaction.atomic():
            channels = self.seed_channels()
            middles = self.seed_categories()
            branches = self.seed_branches()
            staff = self.seed_staff(branches, channels)
            self.seed_teams(staff)
            customers = self.seed_fixed_customers()
            self.seed_original_history(customers["hanauser1"], staff, channels, middles)
            self.seed_story(customers, staff, channels, middles, branches)
        self.seed_generated_customers(n_customers)
        self.seed_generated_consultations(n_consultations, opts["seed"])
        self.seed_campaigns()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # VACUUM sets the visibility map, so index-only scans answer from the index at once,
                # and leaves autovacuum nothing to do: after a 10M load it would otherwise spend
                # minutes on the table just when a benchmark starts (it did, docs/performance.md).
                # Not possible inside a transaction (a test's): ANALYZE alone there.
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")
        self.stdout.write(
            self.style.SUCCESS(
                f"demo bank ready: {User.objects.filter(role=User.Role.CUSTOMER).count():,} customers, "
                f"{Consultation.objects.count():,} consultations; demo password {DEMO_PASSWORD!r}"
            )
        )

    # --- fixed reference data ---------------------------------------------------------------
    def seed_channels(self) -> dict[str, Channel]:
        channels = {}
        for code, name, icon, bookable, order in D.CHANNELS:
            channels[code], _ = Channel.objects.update_or_create(
                code=code, defaults={"name": name, "icon": icon, "is_bookable": bookable, "sort_order": order}
            )
        return channels

    def seed_categories(self) -> dict[str, MiddleCategory]:
        middles = {}
        for (main_code, main_name), children in D.CATEGORIES.items():
            main, _ = MainCategory.objects.update_or_create(code=main_code, defaults={"name": main_name})
            for code, name in children:
                middles[code], _ = MiddleCategory.objects.update_or_create(
                    code=code, defaults={"name": name, "main": main}
                )
        return middles

    def seed_branches(self) -> dict[str, Branch]:
        branches = {}
        for code, name, kind, phone, postcode, address, lat, lng, remarks in D.BRANCHES:
            hours = (
                (dt.time(9), dt.time(18)) if kind == Branch.Kind.CONTACT_CENTER else (dt.time(9), dt.time(16))
            )
            branches[code], _ = Branch.objects.update_or_create(
                code=code,
                defaults={
                    "name": name,
                    "kind": kind,
                    "phone1": phone,
                    "postcode": postcode,
                    "address": address,
                    "latitude": Decimal(lat),
                    "longitude": Decimal(lng),
                    "remarks": remarks,
                    "opens_at": hours[0],
                    "closes_at": hours[1],
                    "services": [] if kind == Branch.Kind.CONTACT_CENTER else list(Branch.Service.values),
                },
            )
        return branches

    def _user(self, login: str, name: str, role: str, *, password: bool) -> User:
        user, created = User.objects.get_or_create(username=login, defaults={"name": name, "role": role})
        if created:
            if password:
                user.set_password(DEMO_PASSWORD)
            else:
                user.set_unusable_password()
            if role == User.Role.MANAGER:
                user.is_staff = user.is_superuser = True
            user.save()
        return user

    def seed_staff(self, branches: dict[str, Branch], channels: dict[str, Channel]) -> dict[str, User]:
        rows = list(D.FIXED_STAFF)
        # Two tellers per branch, agents in the contact center for phone, video and internet.
        number = 2010
        for code, *_ in D.BRANCHES:
            if code == "0900":
                for channel in ("call", "call", "video", "video", "internet"):
                    rows.append(
                        (
                            f"hnv{number}",
                            self.name(),
                            self.rng.choice("FM"),
                            "agent",
                            f"hnv{number}",
                            code,
                            channel,
                        )
                    )
                    number += 1
            else:
                for _ in range(2):
                    rows.append(
                        (
                            f"hnv{number}",
                            self.name(),
                            self.rng.choice("FM"),
                            "teller",
                            f"hnv{number}",
                            code,
                            "branch",
                        )
                    )
                    number += 1
        staff = {}
        for login, name, gender, role, empno, branch_code, channel_code in rows:
            user = self._user(login, name, role, password=True)
            StaffProfile.objects.update_or_create(
                user=user,
                defaults={
                    "employee_no": empno,
                    "gender": gender,
                    "branch": branches[branch_code],
                    "channel": channels[channel_code],
                },
            )
            staff[login] = user
        return staff

    def seed_teams(self, staff: dict[str, User]) -> dict[str, Team]:
        """Five case teams. The contact center's agents (hnv2001 among them) open cases; four
        tellers' pairs solve them; hnv2004 stays in no team (a teller with no part in a case)."""
        agents = [u for login, u in staff.items() if u.role == User.Role.AGENT]
        tellers = [u for login, u in staff.items() if u.role == User.Role.TELLER and login != "hnv2004"]
        members = {
            "contact": agents,
            "card": tellers[0:2],
            "loan": tellers[2:4],
            "forex": tellers[4:6],
            "complaints": tellers[6:8],
        }
        teams = {}
        for code, name, description in D.TEAMS:
            people = members[code]
            manager = staff["hnv9001"] if code == "complaints" else (people[0] if people else None)
            teams[code], _ = Team.objects.update_or_create(
                code=code, defaults={"name": name, "description": description, "manager": manager}
            )
            TeamMember.objects.bulk_create(
                [TeamMember(team=teams[code], user=person) for person in people], ignore_conflicts=True
            )
        return teams

    def seed_fixed_customers(self) -> dict[str, User]:
        customers = {}
        for login, name, gender, birth, phone, job, interest, tier, address, postcode in D.FIXED_CUSTOMERS:
            user = self._user(login, name, User.Role.CUSTOMER, password=True)
            if not user.email:
                user.email = f"{login}@example.com"
                user.save(update_fields=["email"])
            CustomerProfile.objects.update_or_create(
                user=user,
                defaults={
                    "gender": gender,
                    "birth_date": birth,
                    "phone": phone,
                    "job": job,
                    "interest": interest,
                    "tier": tier,
                    "address": address,
                    "postcode": postcode,
                    "digital_education": True,
                },
            )
            customers[login] = user
        return customers

    def seed_original_history(
        self,
        customer: User,
        staff: dict[str, User],
        channels: dict[str, Channel],
        middles: dict[str, MiddleCategory],
    ) -> None:
        deposit = middles["0101"]
        for title, staff_login, at in D.ORIGINAL_ROWS:
            record_once(
                customer=customer,
                staff=staff[staff_login],
                title=title,
                same_time=True,
                occurred_at=dt.datetime.combine(dt.date(2020, 9, 16), at, tzinfo=KST),
                channel=channels["remote"],
                main_category=deposit.main,
                middle_category=deposit,
                progress=Progress.DONE,
                follow_up_needed=False,
                notes="리틀빅정기예금 상품 설명 및 가입 절차 안내 완료.",
            )

    def seed_story(
        self,
        customers: dict[str, User],
        staff: dict[str, User],
        channels: dict[str, Channel],
        middles: dict[str, MiddleCategory],
        branches: dict[str, Branch],
    ) -> None:
        """Recent, believable activity for the demo accounts, relative to today."""
        today = timezone.localdate()
        story = [
            ("hanauser1", "hnv2004", "branch", "0202", "주택담보대출 한도 상담", 120, True),
            ("hanauser1", "hnv2001", "call", "0201", "신용대출 금리 비교 문의", 45, False),
            ("hanauser1", "hnv2001", "video", "0103", "연금저축 펀드 가입 상담", 20, False),
            ("hanauser2", "hnv2004", "branch", "0102", "청년도약적금 가입 상담", 30, False),
            ("hanauser3", "hnv2001", "call", "0302", "유학생 해외송금 한도 문의", 10, True),
        ]
        for login, staff_login, channel, middle, title, days_ago, follow_up in story:
            record_once(
                customer=customers[login],
                staff=staff[staff_login],
                title=title,
                channel=channels[channel],
                main_category=middles[middle].main,
                middle_category=middles[middle],
                progress=Progress.DONE,
                follow_up_needed=follow_up,
                occurred_at=dt.datetime.combine(
                    today - dt.timedelta(days=days_ago),
                    dt.time(10, 30),
                    tzinfo=timezone.get_current_timezone(),
                ),
                notes=f"{title}. 필요 서류와 절차를 안내함.",
            )
        self.seed_bookings(customers, staff, channels, middles, branches)
        self.seed_inquiries(customers, staff, middles)
        self.seed_messages()

    def seed_bookings(
        self,
        customers: dict[str, User],
        staff: dict[str, User],
        channels: dict[str, Channel],
        middles: dict[str, MiddleCategory],
        branches: dict[str, Branch],
    ) -> None:
        # Branches and the contact center take bookings on banking days only.
        first_day = next_business_day(timezone.localdate())
        plan = [  # customer, staff, channel, day offset, hour, minute
            ("hanauser2", "hnv2004", "branch", 0, 10, 0),
            ("hanauser3", "hnv2001", "call", 0, 14, 30),
            ("hanauser1", "hnv2004", "branch", 3, 11, 0),
        ]
        for login, staff_login, channel, offset, hour, minute in plan:
            day = first_day
            for _ in range(offset):
                day = next_business_day(day, include_today=False)
            start = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_current_timezone())
            person = staff[staff_login]
            if Booking.objects.filter(staff=person, starts_at=start).exists():
                continue
            origin = Consultation.objects.filter(customer=customers[login]).order_by("-occurred_at").first()
            Booking.objects.create(
                origin=origin,
                customer=customers[login],
                staff=person,
                channel=channels[channel],
                branch=person.staff_profile.branch if channel == "branch" else None,
                main_category=origin.main_category if origin else middles["0101"].main,
                middle_category=origin.middle_category if origin else None,
                starts_at=start,
                ends_at=start + dt.timedelta(minutes=30),
                created_by=customers[login],
            )

    def seed_inquiries(
        self, customers: dict[str, User], staff: dict[str, User], middles: dict[str, MiddleCategory]
    ) -> None:
        now = timezone.now()
        items = [
            (
                "hanauser2",
                "0203",
                "전세자금대출 필요 서류 문의",
                "<p>전세자금대출 신청 시 필요한 서류가 궁금합니다.</p>",
                2,
                True,
            ),
            (
                "hanauser3",
                "0101",
                "정기예금 중도해지 이율 문의",
                "<p>정기예금을 중도해지하면 이율이 어떻게 되나요?</p>",
                2,
                False,
            ),
            (
                "hanauser2",
                "0502",
                "모바일 이체한도 상향 방법",
                "<p>하나원큐 앱에서 이체한도를 올리려면 어떻게 하나요?</p>",
                0,
                False,
            ),
        ]
        for login, middle, title, body, days_ago, answered in items:
            created = now - dt.timedelta(days=days_ago, hours=1)
            inquiry, made = Inquiry.objects.get_or_create(
                customer=customers[login],
                title=title,
                defaults={
                    "main_category": middles[middle].main,
                    "middle_category": middles[middle],
                    "body": body,
                    "sla_due_at": sla_deadline(created),
                },
            )
            if not made:
                continue
            Inquiry.objects.filter(pk=inquiry.pk).update(created_at=created, sla_due_at=sla_deadline(created))
            if answered:
                Reply.objects.create(
                    inquiry=inquiry,
                    author=staff["hnv2001"],
                    body="<p>신분증, 임대차계약서, 확정일자 확인서가 필요합니다.</p>",
                )
                Inquiry.objects.filter(pk=inquiry.pk).update(
                    status=Inquiry.Status.ANSWERED,
                    first_response_at=created + dt.timedelta(hours=3),
                    assignee=staff["hnv2001"],
                )
                FaqEntry.objects.get_or_create(
                    title="전세자금대출 신청에 필요한 서류는 무엇인가요?",
                    defaults={
                        "source": inquiry,
                        "main_category": inquiry.main_category,
                        "answer": "<p>신분증, 임대차계약서, 확정일자 확인서가 필요합니다. "
                        "소득 증빙 서류는 상품에 따라 다르니 가까운 영업점에 문의해 주세요.</p>",
                        "published_by": staff["hnv2001"],
                    },
                )

    def seed_messages(self) -> None:
        """The confirmations the seeded bookings would have sent, and one failure to look at."""
        for booking in Booking.objects.select_related(
            "customer__customer_profile", "channel", "branch", "staff"
        ):
            body = render_body(
                Purpose.BOOKING_CONFIRMED, {"name": booking.customer.name, **booking_message_context(booking)}
            )
            Message.objects.get_or_create(
                idempotency_key=f"booking:{booking.pk}:confirmed",
                defaults={
                    "purpose": Purpose.BOOKING_CONFIRMED,
                    "customer": booking.customer,
                    "body": body,
                    "to_phone": booking.customer.customer_profile.phone,
                    "kind": message_kind(body),
                    "status": Message.Status.DELIVERED,
                    "attempts": 1,
                    "provider": "console",
                    "provider_message_id": f"console-seed-{booking.pk}",
                    "sent_at": booking.created_at,
                    "delivered_at": booking.created_at,
                },
            )
        customer = User.objects.get(username="hanauser3")
        Message.objects.get_or_create(
            idempotency_key="seed:failed-example",
            defaults={
                "purpose": Purpose.INQUIRY_ANSWERED,
                "customer": customer,
                "to_phone": customer.customer_profile.phone,
                "body": '[하나은행] 정민호님, 문의하신 "정기예금 중도해지 이율 문의"에 답변이 등록되었습니다.',
                "kind": Message.Kind.LMS,
                "status": Message.Status.FAILED,
                "attempts": 5,
                "provider": "twilio",
                "last_error": "twilio 503 20503: Service unavailable (gave up after 5 attempts)",
            },
        )

    def seed_campaigns(self) -> None:
        """The banned-word list, a saved segment, one approved campaign (written by hnv9001,
        approved by hnv9002) and one draft."""
        author, approver = User.objects.get(username="hnv9001"), User.objects.get(username="hnv9002")
        for word in D.BANNED_WORDS:
            BannedWord.objects.get_or_create(word=word, defaults={"created_by": author})
        segment, _ = Segment.objects.get_or_create(
            name="골드 등급 · 예적금 관심",
            defaults={"tier": "gold", "interest": "deposit", "created_by": author},
        )
        loans, _ = Segment.objects.get_or_create(
            name="대출 관심 · 웹 가입",
            defaults={"interest": "loan", "has_web_login": "yes", "created_by": author},
        )
        # An alimtalk template as Kakao approved it for the bank's sender profile (its code is SOLAPI's).
        AlimtalkTemplate.objects.get_or_create(
            code="TPL_CAMPAIGN_DEPOSIT",
            defaults={
                "name": "예적금 혜택 안내",
                "body": "#{이름}님(#{고객등급}), 이번 달 하나 예적금 혜택을 하나원큐에서 확인하세요.",
            },
        )
        start = dt.datetime.combine(
            timezone.localdate() + dt.timedelta(days=1), dt.time(10), tzinfo=timezone.get_current_timezone()
        )
        now = timezone.now()
        Campaign.objects.get_or_create(
            name="12월 정기예금 우대금리",
            defaults={
                "segment": segment,
                "channel": Campaign.Channel.LMS,
                "body": "#{이름}님, 12월 한 달간 하나 정기예금에 가입하시면 연 0.3%p 우대금리를 드립니다. "
                "가까운 영업점이나 하나원큐에서 가입하세요.",
                "starts_at": start,
                "ends_at": start + dt.timedelta(days=7),
                "max_per_hour": 500,
                "status": Campaign.Status.APPROVED,
                "author": author,
                "approver": approver,
                "decided_at": now,
            },
        )
        Campaign.objects.get_or_create(
            name="전세자금대출 상담 안내",
            defaults={
                "segment": loans,
                "channel": Campaign.Channel.LMS,
                "body": "#{이름}님, 전세 계약을 앞두고 계신가요? 전세자금대출 상담을 예약하시면 필요 서류를 미리 안내해 드립니다.",
                "starts_at": start + dt.timedelta(days=3),
                "ends_at": start + dt.timedelta(days=10),
                "author": author,
            },
        )

    # --- generated bulk ---------------------------------------------------------------------
    def name(self) -> str:
        return (
            self.rng.choice(D.SURNAMES)
            + self.rng.choice(D.GIVEN_SYLLABLES)
            + self.rng.choice(D.GIVEN_SYLLABLES)
        )

    def seed_generated_customers(self, target: int) -> None:
        existing = User.objects.filter(username__startswith=GENERATED_PREFIX).count()
        if existing >= target:
            return
        now = timezone.now()
        bar = tqdm(total=target - existing, desc="customers", unit="row", disable=not self.progress)
        interests = [c for c, _ in CustomerProfile.Interest.choices]
        tiers = ["general"] * 7 + ["gold"] * 2 + ["vip"]
        for start in range(existing, target, CHUNK):
            stop = min(start + CHUNK, target)
            logins = [f"{GENERATED_PREFIX}{i + 1:06d}" for i in range(start, stop)]
            with transaction.atomic():
                # One COPY from this process: its users are the ones with ids above the highest before.
                newest = User.objects.order_by("-id").values_list("id", flat=True).first() or 0
                insert_rows(
                    "customers_user",
                    [
                        "password",
                        "is_superuser",
                        "username",
                        "email",
                        "is_staff",
                        "is_active",
                        "date_joined",
                        "name",
                        "role",
                        "has_web_login",
                    ],
                    (
                        (
                            "!",
                            False,
                            login,
                            f"{login}@example.com" if generated_has_login(login) else "",
                            False,
                            True,
                            now,
                            self.name(),
                            "customer",
                            generated_has_login(login),
                        )
                        for login in logins
                    ),
                )
                ids = dict(
                    User.objects.filter(id__gt=newest, username__startswith=GENERATED_PREFIX).values_list(
                        "username", "id"
                    )
                )
                insert_rows(
                    "customers_customerprofile",
                    [
                        "user_id",
                        "gender",
                        "phone",
                        "birth_date",
                        "job",
                        "postcode",
                        "address",
                        "address_detail",
                        "interest",
                        "tier",
                        "marketing_consent",
                        "digital_education",
                        "created_at",
                        "phone_verified_at",
                    ],
                    (
                        (
                            ids[login],
                            self.rng.choice("FM"),
                            f"+8210{90000000 + int(login[len(GENERATED_PREFIX) :]):08d}",
                            dt.date(1950, 1, 1) + dt.timedelta(days=self.rng.randrange(365 * 55)),
                            "",
                            "",
                            "",
                            "",
                            self.rng.choice(interests),
                            self.rng.choice(tiers),
                            self.rng.random() < 0.4,
                            self.rng.random() < 0.3,
                            now,
                            now if generated_has_login(login) else None,
                        )
                        for login in logins
                    ),
                )
            bar.update(stop - start)
        bar.close()

    def seed_generated_consultations(self, target: int, seed: int) -> None:
        customer_ids = list(
            User.objects.filter(username__startswith=GENERATED_PREFIX)
            .order_by("id")
            .values_list("id", flat=True)
        )
        if not customer_ids:
            return
        existing = Consultation.objects.filter(customer__username__startswith=GENERATED_PREFIX).count()
        if existing >= target:
            return
        staff = list(
            StaffProfile.objects.exclude(user__role=User.Role.MANAGER).values_list("user_id", "channel_id")
        )
        middles = list(MiddleCategory.objects.values_list("id", "main_id", "code"))
        channel_ids = dict(Channel.objects.values_list("code", "id"))
        # Each row's title and notes come from a pool per middle category (demo/text.py);
        # the category is drawn with the bank's shares (loans the most common).
        pool_size = max(200, min(20_000, (target - existing) // 50))
        pools = []
        for middle_id, main_id, code in middles:
            pairs = text_pool(seed, code, pool_size) if code in CATEGORY_WEIGHTS else []
            # Each entry already the COPY text of its four columns; one list, named `weight` times.
            pool = [f"{main_id}\t{middle_id}\t{_copy_text(t)}\t{_copy_text(n)}" for t, n in pairs]
            pools += [pool] * CATEGORY_WEIGHTS.get(code, 0)
        bar = tqdm(total=target - existing, desc="consultations", unit="row", disable=not self.progress)
        postgres = connection.vendor == "postgresql"
        with bulk_load(CONSULTATIONS, enabled=postgres and target - existing >= BULK_ROWS, bar=bar):
            for start in range(existing, target, CHUNK):
                stop = min(start + CHUNK, target)
                # A live bank's table is appended as consultations happen: chunk by chunk, oldest
                # first, each chunk its own stretch of days in time order, so the newest rows sit
                # in the newest pages of the heap as they do in production.
                stretch = ((start - existing) / (target - existing), (stop - existing) / (target - existing))
                rows = self._consultation_rows(
                    random.Random(f"{seed}:{start}"), stop - start, customer_ids, staff, pools, channel_ids,
                    stretch=stretch,
                )  # fmt: skip
                with transaction.atomic():
                    if postgres:
                        copy_lines(CONSULTATIONS, CONSULTATION_COLUMNS, rows)
                    else:
                        insert_rows(CONSULTATIONS, CONSULTATION_COLUMNS, _sqlite_rows(rows))
                bar.update(stop - start)
        bar.close()

    def _consultation_rows(
        self,
        rng: random.Random,
        count: int,
        customer_ids: list[int],
        staff: list[tuple[int, int]],
        pools: list[list[str]],
        channel_ids: dict[str, int],
        *,
        stretch: tuple[float, float] = (0.0, 1.0),
    ) -> list[str]:
        """COPY text lines (the columns of CONSULTATION_COLUMNS) in time order, on days within
        `stretch` (fractions of the three years, oldest first): the hot loop of a 10M seed, so
        plain string pieces precomputed once and `random()` indexing instead of choice()."""
        span_days = 3 * 365
        today = timezone.localdate()
        every_day = []
        for back in range(span_days - 1, 0, -1):
            day = today - dt.timedelta(days=back)
            if day.weekday() >= 5:  # banking hours on weekdays only
                day -= dt.timedelta(days=day.weekday() - 4)
            every_day.append(day.isoformat())
        first = min(int(stretch[0] * len(every_day)), len(every_day) - 1)
        days = every_day[first : max(first + 1, int(stretch[1] * len(every_day)))]
        # 09:00-17:59 KST
        minutes = [f" {9 + m // 60:02d}:{m % 60:02d}:00+09" for m in range(9 * 60)]
        progress = ([Progress.DONE.value] * 8) + [Progress.IN_PROGRESS.value, Progress.RECEIVED.value]
        remote = channel_ids["remote"]
        escaped = pools
        r = rng.random
        n_customers, n_staff, n_pools, n_days = len(customer_ids), len(staff), len(escaped), len(days)
        rows = []
        for _ in range(count):
            staff_id, channel_id = staff[int(r() * n_staff)]
            if r() < 0.05:
                channel_id = remote
            pool = escaped[int(r() * n_pools)]
            at = days[int(r() * n_days)] + minutes[int(r() * 540)]
            rows.append(
                (
                    at,
                    f"{customer_ids[int(r() * n_customers)]}\t{staff_id}\t{channel_id}\t{pool[int(r() * len(pool))]}"
                    f"\t{progress[int(r() * 10)]}\t{'t' if r() < 0.1 else 'f'}\t{at}\t{at}\t{at}\n",
                )
            )
        rows.sort(key=lambda row: row[0])  # by the time: its text sorts as the time (one zone, fixed width)
        return [line for _, line in rows]
