from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .models import Frequency, NoticeTiming


class PreferencesForm(forms.Form):
    frequency = forms.ChoiceField(label=_("Nhận email nhắc"), choices=Frequency.choices, widget=forms.RadioSelect)
    notices = forms.ChoiceField(
        label=_("Nhận email thông báo công việc"),
        choices=NoticeTiming.choices,
        widget=forms.RadioSelect,
        required=False,
        help_text=_(
            "Đề nghị gia hạn, kết quả duyệt, nhiệm vụ mới giao, trả lại, điều chỉnh thời hạn … Thư ký Ủy "
            "ban chọn gộp mỗi sáng sẽ nhận kèm tổng hợp các đề nghị đang chờ xử lý."
        ),
    )
    muted = forms.TypedMultipleChoiceField(
        label=_("Tắt nhắc cho nhiệm vụ"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Email báo cáo lãnh đạo khi nhiệm vụ quá hạn lâu vẫn được gửi, không thể tắt."),
    )

    def __init__(self, *args, directives=(), **kwargs):
        super().__init__(*args, **kwargs)
        language = get_language() or "vi"
        self.fields["muted"].choices = [(d.pk, self.label(d, language)) for d in directives]

    @staticmethod
    def label(directive, language: str) -> str:
        title = f"{directive.reference} — {directive.title(language)}"
        if directive.due_date:
            return _("%(title)s (hạn %(due)s)") % {"title": title, "due": f"{directive.due_date:%d/%m/%Y}"}
        return title
