from __future__ import annotations

import csv
import hmac
import json

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import dateformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from audit.models import AuditEntry
from core.params import param_id
from customers.access import customer_get_for_user
from customers.roles import AuthenticatedRequest, manager_required, staff_required

from .content import TAGS, content_problems, counts, framed, marked, opt_out_line
from .forms import BannedWordForm, CampaignForm, RejectForm, SegmentForm, SegmentUploadForm, TestSendForm
from .models import BannedWord, Campaign, OptOut, Segment
from .optout import opt_out_register
from .selectors import KST, campaign_results, segment_count, segment_filters
from .services import (
    campaign_decide,
    campaign_move,
    campaign_save,
    campaign_submit,
    campaign_test_send,
    segment_save,
)
from .upload import MAX_BYTES, MAX_ROWS, check_upload, segment_upload

S = Campaign.Status
STEP_LABELS = {
    "create": gettext_lazy("작성"),
    "edit": gettext_lazy("수정"),
    "test_send": gettext_lazy("테스트 발송"),
    "submit": gettext_lazy("승인 요청"),
    "approve": pgettext_lazy("campaign", "승인"),
    "reject": pgettext_lazy("campaign", "반려"),
    "pause": pgettext_lazy("campaign", "일시정지"),
    "resume": gettext_lazy("재개"),
    "stop": pgettext_lazy("campaign", "중지"),
    "finish": pgettext_lazy("campaign", "발송 완료"),
}


@manager_required
def campaign_list_view(request: AuthenticatedRequest) -> HttpResponse:
    campaigns = Campaign.objects.select_related("segment", "author", "approver")
    return render(request, "campaigns/campaign_list.html", {"campaigns": campaigns})


@manager_required
def segment_create_view(request: AuthenticatedRequest) -> HttpResponse:
    form = SegmentForm(request.POST or None)
    count = None
    if request.method == "POST" and form.is_valid():
        if "preview" in request.POST:
            count = segment_count(form.filters())
        elif not form.cleaned_data["name"]:
            form.add_error("name", _("세그먼트 이름을 입력하세요."))
        else:
            segment = segment_save(data=dict(form.cleaned_data), by=request.user)
            messages.success(request, _("세그먼트를 저장했습니다."))
            return redirect(f"{reverse('staff:campaign_create')}?segment={segment.pk}")
    return render(request, "campaigns/segment_form.html", {"form": form, "count": count})


@manager_required
def segment_upload_view(request: AuthenticatedRequest) -> HttpResponse:
    """A segment from a CSV: every row checked, and one bad row saves nothing (the rows are listed)."""
    form = SegmentUploadForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > MAX_BYTES:
                raise ValidationError(
                    _("파일이 너무 큽니다. %(mb)sMB까지 올릴 수 있습니다.")
                    % {"mb": MAX_BYTES // (1024 * 1024)}
                )
            report = check_upload(upload.read())
            if report.ok:
                segment = segment_upload(name=form.cleaned_data["name"], report=report, by=request.user)
                messages.success(
                    request,
                    _("세그먼트를 저장했습니다: %(n)s명 (발송할 때 수신 동의를 다시 확인합니다).")
                    % {"n": f"{len(report.customers):,}"},
                )
                target = f"{reverse('staff:campaign_create')}?segment={segment.pk}"
                if request.headers.get("X-Upload-Progress"):  # campaign-upload.js goes there itself
                    return JsonResponse({"redirect": target})
                return redirect(target)
            form.add_error(
                "file",
                _("잘못된 행이 %(n)s개 있어 아무것도 저장하지 않았습니다. 고쳐서 다시 올리세요.")
                % {"n": f"{len(report.rejected):,}"},
            )
        except ValidationError as exc:
            form.add_error("file", exc.messages[0])
    return render(
        request,
        "campaigns/segment_upload.html",
        {"form": form, "report": report, "max_mb": MAX_BYTES // (1024 * 1024), "max_rows": f"{MAX_ROWS:,}"},
    )


@manager_required
def segment_count_view(request: AuthenticatedRequest) -> JsonResponse:
    """The live count of the segment builder: the filters in the query string, nothing saved."""
    form = SegmentForm(request.GET)
    if not form.is_valid():
        errors = [str(e) for field in form.errors.values() for e in field if field]
        return JsonResponse({"count": None, "error": " ".join(errors)}, status=400)
    n = segment_count(form.filters())
    return JsonResponse({"count": n, "text": _("수신 동의 손님 %(n)s명") % {"n": f"{n:,}"}})


def _campaign(pk: int) -> Campaign:
    return get_object_or_404(
        Campaign.objects.select_related("segment", "author", "approver", "alimtalk_template"), pk=pk
    )


@manager_required
def campaign_edit_view(request: AuthenticatedRequest, pk: int | None = None) -> HttpResponse:
    campaign = _campaign(pk) if pk is not None else None
    if campaign is not None and not campaign.is_editable:
        messages.error(request, _("발송이 시작된 캠페인은 고칠 수 없습니다."))
        return redirect("staff:campaign_detail", pk=campaign.pk)
    initial = {}
    segment_id = param_id(request.GET.get("segment", ""))
    if campaign is None and segment_id is not None:
        initial["segment"] = segment_id
    form = CampaignForm(request.POST or None, instance=campaign, initial=initial)
    body = form.data.get("body", "") if form.is_bound else (campaign.body if campaign else "")
    if request.method == "POST" and form.is_valid():
        data = {field: form.cleaned_data[field] for field in form.Meta.fields}
        was = campaign.status if campaign else None
        try:
            saved = campaign_save(
                data=data, by=request.user, campaign=Campaign.objects.get(pk=pk) if pk else None
            )
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            if was in (S.PENDING, S.APPROVED) and saved.status == S.DRAFT:
                messages.warning(request, _("내용이 바뀌어 다시 승인을 받아야 합니다."))
            else:
                messages.success(request, _("캠페인을 저장했습니다."))
            return redirect("staff:campaign_detail", pk=saved.pk)
    problems = content_problems(body) if body else []
    return render(
        request,
        "campaigns/campaign_form.html",
        {
            "form": form,
            "campaign": campaign,
            "tags": TAGS,
            "opt_out": opt_out_line(),
            "has_segments": Segment.objects.exists(),
            "marked": marked(body, problems) if problems else None,
            "preview": framed(body) if body else "",
            "limits": counts(body),
        },
    )


@manager_required
def campaign_detail_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    campaign = _campaign(pk)
    problems = content_problems(campaign.body)
    history = (
        AuditEntry.objects.filter(target=f"campaign:{campaign.pk}")
        .select_related("actor")
        .order_by("at", "id")
    )
    return render(
        request,
        "campaigns/campaign_detail.html",
        {
            "campaign": campaign,
            "preview": framed(campaign.body),
            "limits": counts(campaign.body),
            "marked": marked(campaign.body, problems) if problems else None,
            "recipients": segment_count(segment_filters(campaign.segment)),
            "history": history,
            "is_author": campaign.author_id == request.user.pk,
            "reject_form": RejectForm(),
            "test_form": TestSendForm(initial={"phone": request.session.get("campaign_test_phone", "")}),
        },
    )


_DONE = {
    "submit": gettext_lazy("승인을 요청했습니다."),
    "approve": gettext_lazy("캠페인을 승인했습니다."),
    "reject": gettext_lazy("캠페인을 반려했습니다."),
    "pause": gettext_lazy("발송을 일시정지했습니다."),
    "resume": gettext_lazy("발송을 다시 시작했습니다."),
    "stop": gettext_lazy("발송을 중지했습니다."),
    "test": gettext_lazy("테스트 문자를 보냈습니다."),
}


@manager_required
@require_POST
def campaign_action_view(request: AuthenticatedRequest, pk: int, action: str) -> HttpResponse:
    campaign = _campaign(pk)
    if action not in _DONE:
        raise Http404
    try:
        if action == "submit":
            campaign_submit(campaign=campaign, by=request.user)
        elif action in {"approve", "reject"}:
            form = RejectForm(request.POST)
            reason = form.data.get("reason", "") if action == "reject" else ""
            campaign_decide(
                campaign=campaign, by=request.user, approve=action == "approve", reason=str(reason)
            )
        elif action == "test":
            test = TestSendForm(request.POST)
            if not test.is_valid():
                raise ValidationError(_("휴대폰 번호를 입력하세요."))
            campaign_test_send(campaign=campaign, by=request.user, phone=test.cleaned_data["phone"])
            request.session["campaign_test_phone"] = test.cleaned_data["phone"]
        else:
            campaign_move(campaign=campaign, by=request.user, step=action)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, str(_DONE[action]))
    return redirect("staff:campaign_detail", pk=pk)


@manager_required
def campaign_results_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    campaign = _campaign(pk)
    results = campaign_results(campaign)
    chart = {
        "labels": [dateformat.format(row["hour"], _("m-d H시")) for row in results["hours"]],
        "datasets": [
            {"label": _("발송"), "data": [row["sent"] for row in results["hours"]]},
            {"label": _("수신"), "data": [row["delivered"] for row in results["hours"]]},
            {"label": _("실패"), "data": [row["failed"] for row in results["hours"]]},
        ],
    }
    return render(
        request, "campaigns/campaign_results.html", {"campaign": campaign, "results": results, "chart": chart}
    )


@manager_required
def campaign_results_csv_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    campaign = _campaign(pk)
    results = campaign_results(campaign)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="campaign-{campaign.pk}.csv"'
    response.write("\ufeff")  # Excel reads UTF-8 only with the BOM
    writer = csv.writer(response)
    writer.writerow([_("시각"), _("발송"), _("수신"), _("실패")])
    for row in results["hours"]:
        writer.writerow(
            [
                row["hour"].astimezone(KST).strftime("%Y-%m-%d %H:00"),
                row["sent"],
                row["delivered"],
                row["failed"],
            ]
        )
    writer.writerow([])
    for label, key in (
        (_("대상"), "recipients"),
        (_("발송"), "sent"),
        (_("수신"), "delivered"),
        (_("실패"), "failed"),
        (_("문자 전환"), "fallen_back"),
        (_("수신거부"), "opted_out"),
        (_("발송 안 함"), "cancelled"),
    ):
        writer.writerow([label, results[key]])
    return response


@manager_required
def banned_word_list_view(request: AuthenticatedRequest) -> HttpResponse:
    form = BannedWordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        word = form.save(commit=False)
        word.created_by = request.user
        word.save()
        messages.success(request, _("금칙어를 추가했습니다."))
        return redirect("staff:banned_words")
    return render(request, "campaigns/banned_words.html", {"form": form, "words": BannedWord.objects.all()})


@manager_required
@require_POST
def banned_word_delete_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    get_object_or_404(BannedWord, pk=pk).delete()
    messages.success(request, _("금칙어를 지웠습니다."))
    return redirect("staff:banned_words")


@staff_required
@require_POST
def customer_opt_out_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """수신거부 등록: a customer asks staff to stop advertising to them."""
    customer = customer_get_for_user(user=request.user, pk=pk)
    opt_out_register(customer=customer, source=OptOut.Source.STAFF, by=request.user)
    messages.success(request, _("수신거부를 등록했습니다. 이 손님에게는 광고 문자를 보내지 않습니다."))
    return redirect("staff:customer_detail", pk=customer.pk)


@csrf_exempt  # the provider posts with the shared secret instead
@require_POST
def opt_out_report_view(request: HttpRequest) -> HttpResponse:
    """The provider's 080 opt-out report: {"phone": "010…"} as JSON or a form, X-Optout-Secret header."""
    secret = settings.OPT_OUT_REPORT_SECRET
    given = request.headers.get("X-Optout-Secret", "")
    if not secret or not hmac.compare_digest(given.encode(), secret.encode()):
        return JsonResponse({"ok": False, "error": "invalid secret"}, status=403)
    if request.content_type == "application/json":
        try:
            payload = json.loads(request.body or b"{}")
        except ValueError:
            return JsonResponse({"ok": False, "error": "invalid json"}, status=400)
        phone = str(payload.get("phone", "")) if isinstance(payload, dict) else ""
    else:
        phone = request.POST.get("phone", "")
    try:
        entry = opt_out_register(phone=phone, source=OptOut.Source.PHONE_080)
    except ValidationError:
        return JsonResponse({"ok": False, "error": "invalid phone"}, status=400)
    return JsonResponse({"ok": True, "known": entry.customer_id is not None})
