from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from dxtasks.formats import short_date

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
        """`directives`: reminder rows (`selectors.directives_for_address`), one per directive."""
        super().__init__(*args, **kwargs)
        language = get_language() or "vi"
        self.fields["muted"].choices = [(row["id"], self.label(row, language)) for row in directives]

    @staticmethod
    def label(row: dict, language: str) -> str:
        title_text = (row["title_en"] or row["title_vi"]) if language == "en" else row["title_vi"]
        title = f"{row['reference']} — {title_text}"
        if row["due_date"]:
            return _("%(title)s (hạn %(due)s)") % {"title": title, "due": short_date(row["due_date"])}
        return title
