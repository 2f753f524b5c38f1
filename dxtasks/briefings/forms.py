"""The briefing options form (`/briefings/` without parameters): kind, subject, the agency's role, period,
as-of day, language.

Dates are typed dd/mm/yyyy like every other date field (ISO yyyy-mm-dd is
accepted too, so older links keep working). The form's checks are
`make_spec`'s — the ones the command and the dashboard's scope controls run
— and each error is shown beside the field it is about, in the user's language.
"""

from django import forms
from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from dxtasks.directives import labels, scopes
from dxtasks.directives.models import Agency, Meeting
from dxtasks.formats import DATE_INPUT_FORMATS

from .content import BriefingError, BriefingSpec, Kind, make_spec

KIND_LABELS = {
    Kind.OVERALL: _("Tổng hợp (mọi nhiệm vụ)"),
    Kind.MEETING: _("Một phiên họp"),
    Kind.AGENCY: _("Một cơ quan"),
}
# The register's and the dashboard's `role` filter, with the same words.
ROLE_LABELS = {
    scopes.LEAD: _("Chủ trì (kể cả phần việc được giao)"),
    scopes.INVOLVED: _("Chủ trì, phối hợp hoặc có phần việc"),
}


def _day(label, help_text=""):
    return forms.DateField(
        label=label,
        required=False,
        input_formats=DATE_INPUT_FORMATS,
        help_text=help_text,
        widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"invalid": _("Nhập ngày dạng dd/mm/yyyy, ví dụ 31/12/2025.")},
    )


class BriefingForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Loại báo cáo"),
        choices=list(KIND_LABELS.items()),
        initial=Kind.OVERALL,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Không có loại báo cáo “%(value)s”.")},
    )
    meeting = forms.ChoiceField(
        label=_("Phiên họp"), required=False, error_messages={"invalid_choice": _("Không có phiên họp số “%(value)s”.")}
    )
    agency = forms.ChoiceField(
        label=_("Cơ quan"), required=False, error_messages={"invalid_choice": _("Không có cơ quan mã “%(value)s”.")}
    )
    role = forms.ChoiceField(
        label=_("Vai trò của cơ quan"),
        choices=list(ROLE_LABELS.items()),
        required=False,
        initial=scopes.LEAD,
        widget=forms.RadioSelect,
        help_text=_("Chỉ với báo cáo của một cơ quan."),
        error_messages={"invalid_choice": _("Vai trò “%(value)s” không có; chọn lead hoặc involved.")},
    )
    as_of = _day(_("Số liệu đến hết ngày"), _("Để trống: hôm nay (hoặc cuối kỳ, nếu có)."))
    lang = forms.ChoiceField(
        label=_("Ngôn ngữ"),
        choices=settings.LANGUAGES,
        required=False,
        error_messages={"invalid_choice": _("Ngôn ngữ “%(value)s” không được hỗ trợ.")},
    )

    def __init__(self, data=None, *, initial=None):
        super().__init__(data, initial=initial, label_suffix="")
        # `from` is a Python keyword: the fields are added by name.
        self.fields["from"] = _day(_("Kỳ báo cáo từ ngày"), _("Để trống: mọi nhiệm vụ đang theo dõi."))
        self.fields["to"] = _day(_("đến ngày"), _("Không sau hôm nay."))
        self.order_fields(["kind", "meeting", "agency", "role", "from", "to", "as_of", "lang"])
        language = (get_language() or "vi")[:2]
        self.fields["meeting"].choices = [("", _("— chọn phiên họp —"))] + [
            (str(m.number), m.label) for m in Meeting.objects.order_by("-date")
        ]
        self.fields["agency"].choices = [("", _("— chọn cơ quan —"))] + [
            (a.code, labels.agency_label(a, language))
            for a in labels.ordered(Agency.objects.exclude(kind="other").select_related("successor"), language)
        ]
        self.fields["lang"].initial = language

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if not kind or self.errors:
            return cleaned
        scope = {Kind.MEETING: cleaned.get("meeting"), Kind.AGENCY: cleaned.get("agency")}.get(kind, "")
        if kind != Kind.OVERALL and not scope:
            self.add_error(kind, _("Chọn phiên họp.") if kind == Kind.MEETING else _("Chọn cơ quan."))
            return cleaned
        try:
            cleaned["spec"] = make_spec(
                kind=kind,
                scope=scope or "",
                as_of=cleaned.get("as_of"),
                language=cleaned.get("lang") or None,
                period_start=cleaned.get("from"),
                period_end=cleaned.get("to"),
                role=(cleaned.get("role") or scopes.LEAD) if kind == Kind.AGENCY else "",
            )
        except BriefingError as error:
            self.add_error(error.field if error.field in self.fields else None, str(error))
        return cleaned

    @property
    def spec(self) -> BriefingSpec:
        return self.cleaned_data["spec"]
