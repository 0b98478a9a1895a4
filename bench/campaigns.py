"""A 200,000-customer campaign: the segment's live count, a 200,000-row CSV list checked and saved,
and the pacer writing the whole list slice by slice (0 duplicates, 0 rows for customers who
withdrew consent mid-run), beside the earlier per-recipient path.

    ./scripts/bench.sh campaigns [--customers 200000] [--slices 0]   (0: the whole list)

Builds its own customers (bench-c…, 70 % consenting) when the database has fewer. Prints one table:
each step with the design's figure, the target and the naive variant beside it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time

from bench.common import median, print_table, setup_django

PREFIX = "bench-c"


def build_customers(wanted: int) -> str:
    from customers.models import CustomerProfile, User

    have = User.objects.filter(username__startswith=PREFIX).count()
    if have >= wanted:
        return f"reused {have:,} customers"
    began = time.monotonic()
    tiers = [t for t, _ in CustomerProfile.Tier.choices]
    interests = [i for i, _ in CustomerProfile.Interest.choices]
    step = 5000
    for start in range(have, wanted, step):
        end = min(wanted, start + step)
        users = User.objects.bulk_create(
            [
                User(
                    username=f"{PREFIX}{i}",
                    name=f"고객{i}",
                    role=User.Role.CUSTOMER,
                    password="!",  # noqa: S106 - unusable: nobody logs in as these
                    has_web_login=i % 3 != 0,
                )
                for i in range(start, end)
            ]
        )
        CustomerProfile.objects.bulk_create(
            [
                CustomerProfile(
                    user=user,
                    phone=f"+8210{50_000_000 + i:08d}",
                    birth_date=dt.date(1950 + i % 55, 1 + i % 12, 1 + i % 28),
                    tier=tiers[i % len(tiers)],
                    interest=interests[i % len(interests)],
                    gender="M" if i % 2 else "F",
                    marketing_consent=i % 10 < 7,
                )
                for i, user in zip(range(start, end), users, strict=True)
            ]
        )
    return f"built {wanted - have:,} customers in {time.monotonic() - began:.0f} s"


def timed(fn, repeat: int = 3) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        began = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - began)
    return median(times), result


def naive_pacer_row(campaign, count: int) -> float:
    """Seconds per recipient of the pacer's earlier path (a savepoint, a recipient row and one
    message_enqueue per customer), over `count` customers the campaign has not reached; undone."""
    from django.db import transaction

    from campaigns.content import alimtalk_of, framed, values_for
    from campaigns.models import CampaignRecipient
    from campaigns.selectors import segment_customers, segment_filters
    from messaging.models import Purpose
    from messaging.outbox import message_enqueue

    people = list(
        segment_customers(segment_filters(campaign.segment))
        .exclude(pk__in=CampaignRecipient.objects.filter(campaign=campaign).values("customer"))
        .select_related("customer_profile")
        .order_by("pk")[:count]
    )
    with transaction.atomic():
        began = time.perf_counter()
        for customer in people:
            with transaction.atomic():
                recipient = CampaignRecipient.objects.create(campaign=campaign, customer=customer)
                values = values_for(customer)
                recipient.message = message_enqueue(
                    purpose=Purpose.MARKETING,
                    key=f"campaign:{campaign.pk}:{customer.pk}",
                    context={},
                    customer=customer,
                    body=framed(campaign.body, values),
                    alimtalk=alimtalk_of(campaign, values),
                    valid_until=campaign.ends_at,
                    hand_over=False,
                )
                recipient.save(update_fields=["message"])
        elapsed = time.perf_counter() - began
        transaction.set_rollback(True)
    return elapsed / max(len(people), 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, default=200_000)
    parser.add_argument(
        "--slices", type=int, default=0, help="pacer runs to time (≥ 2); 0: until the whole list is written"
    )
    parser.add_argument("--naive-sample", type=int, default=2000, help="rows the per-row variants time")
    args = parser.parse_args()
    setup_django()

    from django.db import connection
    from django.utils import timezone

    from campaigns.models import Campaign, CampaignRecipient, SegmentMember
    from campaigns.selectors import segment_count, segment_customers, segment_filters
    from campaigns.sending import campaign_pace_one
    from campaigns.upload import check_upload, segment_upload
    from customers.models import CustomerProfile, User

    print(f"==> {build_customers(args.customers)}", flush=True)
    manager, _ = User.objects.get_or_create(
        username="bench-manager", defaults={"name": "벤치 관리자", "role": User.Role.MANAGER, "password": "!"}
    )
    approver, _ = User.objects.get_or_create(
        username="bench-manager2",
        defaults={"name": "벤치 승인자", "role": User.Role.MANAGER, "password": "!"},
    )
    rows: list[list[object]] = []

    # ---- the segment builder's live count
    for label, filters in [
        ("all consenting", {}),
        ("tier", {"tier": "gold"}),
        ("age band + interest + gender", {"age_band": "40-49", "interest": "deposit", "gender": "F"}),
        ("no booking + web login", {"has_booking": "no", "has_web_login": "yes"}),
    ]:
        seconds, n = timed(lambda f=filters: segment_count(f))
        naive, _ = timed(lambda f=filters: len(list(segment_customers(f).values_list("pk", flat=True))), 1)
        rows.append(
            [
                f"segment count: {label} ({n:,})",
                f"{seconds * 1000:.0f} ms",
                "≤ 1 s",
                f"ids to Python, len(): {naive * 1000:.0f} ms",
            ]
        )

    # ---- a CSV of every customer's phone number, checked and saved
    phones = list(
        CustomerProfile.objects.filter(user__username__startswith=PREFIX)
        .order_by("user_id")
        .values_list("phone", flat=True)[: args.customers]
    )
    csv = ("휴대폰\n" + "\n".join("0" + p[3:] for p in phones) + "\n").encode()
    began = time.perf_counter()
    report = check_upload(csv)
    checked = time.perf_counter() - began
    assert report.ok, report.rejected[:3]
    began = time.perf_counter()
    segment = segment_upload(name=f"bench list {timezone.now():%H%M%S}", report=report, by=manager)
    saved = time.perf_counter() - began
    sample = phones[: args.naive_sample]
    began = time.perf_counter()
    for phone in sample:
        CustomerProfile.objects.filter(phone=phone).values_list("user_id", flat=True).first()
    per_row = (time.perf_counter() - began) / len(sample) * len(phones)
    rows.append(
        [
            f"CSV check: {len(phones):,} rows",
            f"{checked:.1f} s",
            "—",
            f"a query per row: {per_row:.0f} s (from {len(sample):,})",
        ]
    )
    began = time.perf_counter()
    SegmentMember.objects.bulk_create(
        [
            SegmentMember(segment_id=segment.pk, customer_id=pk)
            for pk in report.customers[: args.naive_sample]
        ],
        ignore_conflicts=True,
    )
    naive_insert = (time.perf_counter() - began) / args.naive_sample * len(phones)
    rows.append(
        [
            f"CSV save: {len(report.customers):,} members",
            f"{saved:.1f} s",
            "—",
            f"bulk_create objects: {naive_insert:.1f} s (from {args.naive_sample:,})",
        ]
    )
    seconds, n = timed(lambda: segment_count(segment_filters(segment)))
    rows.append([f"uploaded list count (consenting {n:,})", f"{seconds * 1000:.0f} ms", "≤ 1 s", ""])

    # ---- the pacer: slices of a campaign to the whole list, consent withdrawn between slices
    # Inside the window whatever the hour the bench runs: the pacer is asked at 10:00 Korean time
    # tomorrow, one minute later each run; the rows it writes now are not in that hour's budget, so
    # the whole list goes in slices of max_per_hour / 60 (1,667) without waiting for the clock.
    kst = dt.timezone(dt.timedelta(hours=9))
    tomorrow = timezone.now().astimezone(kst).date() + dt.timedelta(days=1)
    at = dt.datetime.combine(tomorrow, dt.time(10), tzinfo=kst)

    def bench_campaign(name: str) -> Campaign:
        return Campaign.objects.create(
            name=name,
            segment=segment,
            body="#{이름}님, 정기예금 우대금리",
            author=manager,
            approver=approver,
            status=Campaign.Status.APPROVED,
            starts_at=at - dt.timedelta(hours=1),
            ends_at=at + dt.timedelta(days=1),
            window_start=dt.time(8),
            window_end=dt.time(21),
            max_per_hour=100_000,
        )

    campaign = bench_campaign("bench")
    queued, times = 0, []
    withdrawn: list[int] = []
    index = 0
    while not args.slices or index < args.slices:
        began = time.perf_counter()
        written = campaign_pace_one(campaign.pk, at + dt.timedelta(minutes=index))
        times.append(time.perf_counter() - began)
        queued += written
        if not written:
            break
        if index == 0:  # 1,000 of those not reached yet withdraw consent
            left = segment_customers(segment_filters(segment)).exclude(
                pk__in=CampaignRecipient.objects.filter(campaign=campaign).values("customer")
            )
            withdrawn = list(left.values_list("pk", flat=True)[:1000])
            CustomerProfile.objects.filter(user_id__in=withdrawn).update(marketing_consent=False)
        index += 1
    per_row = sum(times) / max(queued, 1)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM (SELECT customer_id FROM messaging_message WHERE idempotency_key LIKE %s "
            "GROUP BY customer_id HAVING count(*) > 1) d",
            [f"campaign:{campaign.pk}:%"],
        )
        duplicates = cursor.fetchone()[0]
    to_withdrawn = CampaignRecipient.objects.filter(campaign=campaign, customer_id__in=withdrawn).count()
    what = f"{len(times)} slices" if args.slices else f"whole list, {len(times)} slices in {sum(times):.1f} s"
    rows.append(
        [
            f"pacer: {what}, {queued:,} queued",
            f"{per_row * 1000:.3f} ms/row",
            f"200k in ≤ 30 s: {per_row * 200_000:.0f} s",
            f"duplicates {duplicates}, rows for withdrawn {to_withdrawn}",
        ]
    )
    naive = naive_pacer_row(bench_campaign("bench naive"), min(args.naive_sample, 500))
    rows.append(
        [
            "pacer, naive: a transaction per recipient (message_enqueue each)",
            f"{naive * 1000:.2f} ms/row",
            f"200k: {naive * 200_000:.0f} s",
            "rolled back",
        ]
    )
    CustomerProfile.objects.filter(user_id__in=withdrawn).update(marketing_consent=True)
    print_table(
        f"campaigns on {args.customers:,} customers",
        ["step", "design", "target", "naive / check"],
        rows,
    )


if __name__ == "__main__":
    main()
