from __future__ import annotations

from django import forms
from django.conf import settings
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from consultations.forms import MiddleCategorySelect
from consultations.models import MainCategory, MiddleCategory
from core.forms import style_fields
from customers.models import User

BODY_MAX = 50_000


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by the service (type by content, size)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget",
            MultipleFileInput(attrs={"accept": "image/png,image/jpeg,image/gif,image/webp,application/pdf"}),
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


def rich_text_field(label: str) -> forms.CharField:
    """A textarea the Summernote editor takes over (static/js/rich-editor.js); plain HTML without JS."""
    return forms.CharField(
        label=label,
        max_length=BODY_MAX,
        widget=forms.Textarea(
            attrs={"rows": 10, "data-rich-editor": "", "data-upload-url": reverse_lazy("inquiries:upload")}
        ),
        error_messages={"required": _("내용을 입력해 주세요.")},
    )


def files_field() -> MultipleFileField:
    limit = settings.INQUIRY_UPLOAD_MAX_BYTES // (1024 * 1024)
    return MultipleFileField(
        label=_("첨부파일"),
        required=False,
        help_text=_("이미지(PNG, JPEG, GIF, WebP)나 PDF, 파일당 %(mb)dMB, %(n)d개까지")
        % {"mb": limit, "n": settings.INQUIRY_MAX_FILES},
    )


class _Middle(forms.ModelChoiceField):
    def label_from_instance(self, obj: MiddleCategory) -> str:
        return obj.name


class InquiryForm(forms.Form):
    title = forms.CharField(label=_("제목"), max_length=100)
    main_category = forms.ModelChoiceField(label=_("대분류"), queryset=MainCategory.objects.none())
    middle_category = _Middle(
        label=_("중분류"),
        queryset=MiddleCategory.objects.none(),
        widget=MiddleCategorySelect(attrs={"data-dependent-on": "id_main_category"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"] = rich_text_field(str(_("내용")))
        self.fields["files"] = files_field()
        self.fields["main_category"].queryset = MainCategory.objects.active()
        self.fields["middle_category"].queryset = MiddleCategory.objects.active().select_related("main")
        style_fields(self)


class FollowUpForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"] = rich_text_field(str(_("추가 문의")))
        self.fields["files"] = files_field()
        style_fields(self)


class ReplyForm(forms.Form):
    internal = forms.BooleanField(label=_("내부 메모 (손님에게 보이지 않음, 문자 없음)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"] = rich_text_field(str(_("답변")))
        self.fields["files"] = files_field()
        self.order_fields(["body", "files", "internal"])
        style_fields(self)


class _Staff(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.name} ({obj.get_role_display()})"


class AssignForm(forms.Form):
    assignee = _Staff(
        label=_("담당자"),
        required=False,
        empty_label=_("(담당자 없음)"),
        queryset=User.objects.filter(role__in=User.STAFF_ROLES, is_active=True).order_by("name"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self, small=True)


class FaqForm(forms.Form):
    title = forms.CharField(label=_("질문 (개인정보 없이)"), max_length=100)
    main_category = forms.ModelChoiceField(label=_("분야"), queryset=MainCategory.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["main_category"].queryset = MainCategory.objects.active()
        answer = rich_text_field(str(_("답변 (개인정보 없이, 이미지 제외)")))
        answer.widget.attrs["data-no-images"] = ""
        self.fields["answer"] = answer
        style_fields(self)


class FaqSearchForm(forms.Form):
    q = forms.CharField(label=_("검색어"), required=False, max_length=50)
    main = forms.CharField(required=False, max_length=4)


class QueueSearchForm(forms.Form):
    q = forms.CharField(label=_("제목 또는 손님 이름"), required=False, max_length=50)
