"""The portal's forms: register filters, directive entry, the workflow actions, sign-in.

Dates are typed and shown dd/mm/yyyy (ISO yyyy-mm-dd is accepted too).
Every form keeps what was typed when it is refused; errors come in the
user's language (Django's own messages are translated by Django).
"""

import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from dxtasks.directives import labels, scopes, services
from dxtasks.directives.deadlines import Deadline, DeadlineError, parse_deadline
from dxtasks.directives.models import Agency, Committee, Directive, Meeting, Pillar
from dxtasks.directives.status import REPORT_ORDER
from dxtasks.formats import DATE_INPUT_FORMATS

from .deadline_messages import explain_deadline_error


class DayField(forms.DateField):
    """A date typed as dd/mm/yyyy, shown back the same way."""

    # Shown back in the format module's first input format (dd/mm/yyyy).
    widget = forms.DateInput(attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off"})

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", DATE_INPUT_FORMATS)
        kwargs.setdefault("localize", False)
        super().__init__(**kwargs)


def agency_label(agency: Agency) -> str:
    """ "BCA — Bộ Công an" / "MPS — Ministry of Public Security", merged and pre-2025 rows marked (labels.py)."""
    return labels.agency_label(agency, (get_language() or "vi")[:2])


class AgencyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, agency: Agency) -> str:
        label = agency_label(agency)
        return label if agency.active or labels.note(agency) else _("%(label)s (đã hợp nhất)") % {"label": label}


class AgencyMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, agency: Agency) -> str:
        return agency_label(agency)


class MeetingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, meeting: Meeting) -> str:
        return f"{meeting.label} · {meeting.title((get_language() or 'vi')[:2])[:80]}"


def read_deadline(text: str) -> Deadline:
    """parse_deadline, with its error as a ValidationError in the user's language."""
    try:
        return parse_deadline(text)
    except DeadlineError as exc:
        raise ValidationError(explain_deadline_error(str(exc)), code="deadline") from exc


# --- The register's filters ----------------------------------------------------------

# Directives without a due date (ongoing, asap) sort after dated ones on every database.
SORTS = {
    # With a search (q) and no sort chosen: the exact phrase first, then title, reference, full text.
    "relevance": ("search_rank", F("due_date").asc(nulls_last=True), "reference"),
    "due": (F("due_date").asc(nulls_last=True), "reference"),
    "-due": (F("due_date").desc(nulls_last=True), "-reference"),
    "reference": ("reference",),
    "-reference": ("-reference",),
    "assigned": ("assigned_on", "reference"),
    "-assigned": ("-assigned_on", "-reference"),
    "updated": ("-updated_at", "-pk"),
}
SORT_LABELS = {
    "relevance": gettext_lazy("Liên quan nhất (khi tìm kiếm)"),
    "due": gettext_lazy("Hạn sớm trước"),
    "-due": gettext_lazy("Hạn muộn trước"),
    "reference": gettext_lazy("Số hiệu A→Z"),
    "-reference": gettext_lazy("Số hiệu Z→A"),
    "assigned": gettext_lazy("Giao cũ trước"),
    "-assigned": gettext_lazy("Giao mới trước"),
    "updated": gettext_lazy("Cập nhật gần đây"),
}


class PortalForm(forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")  # labels sit above their fields: no colon
        super().__init__(*args, **kwargs)


def _period_fields(form: forms.Form) -> None:
    """`as_of`, `from`, `to`: the scope's days (`from` is a Python keyword, so added by name)."""
    form.fields["as_of"] = DayField(
        label=gettext_lazy("Số liệu đến ngày"), required=False, help_text=gettext_lazy("Để trống: hôm nay.")
    )
    form.fields["from"] = DayField(label=gettext_lazy("Kỳ từ ngày"), required=False)
    form.fields["to"] = DayField(label=gettext_lazy("đến ngày"), required=False)


def _check_scope(form: forms.Form, cleaned: dict, **fixed) -> scopes.Scope | None:
    """The scope the form's days describe, checked by `scopes.make_scope`; its error on the field it names."""
    if any(name in form.errors for name in ("as_of", "from", "to")):
        return None
    try:
        return scopes.make_scope(
            as_of=cleaned.get("as_of"), period_start=cleaned.get("from"), period_end=cleaned.get("to"), **fixed
        )
    except scopes.ScopeError as error:
        field = error.field if error.field in form.fields else None
        form.add_error(field, str(error))
        return None


class ScopeForm(PortalForm):
    """The dashboard's scope controls: as-of day and period, dd/mm/yyyy, validated as the briefing's are."""

    def __init__(self, data=None):
        super().__init__(data)
        _period_fields(self)

    def clean(self):
        cleaned = super().clean()
        cleaned["scope"] = _check_scope(self, cleaned)
        return cleaned

    def scope(self) -> scopes.Scope:
        """The valid scope, or every directive as of today when the form is unbound or wrong."""
        if self.is_bound and self.is_valid() and self.cleaned_data.get("scope"):
            return self.cleaned_data["scope"]
        return scopes.today_scope()


class RegisterFilterForm(PortalForm):
    """The register's GET parameters; invalid ones are reported, not guessed."""

    q = forms.CharField(
        label=gettext_lazy("Tìm kiếm"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": gettext_lazy("số hiệu, tên nhiệm vụ…")}),
    )
    agency = forms.ChoiceField(label=gettext_lazy("Cơ quan"), required=False)
    status = forms.ChoiceField(label=gettext_lazy("Tình trạng"), required=False)
    meeting = forms.ChoiceField(label=gettext_lazy("Phiên họp"), required=False)
    pillar = forms.ChoiceField(label=gettext_lazy("Trụ cột"), required=False)
    # A search field, not a list of every user (5,000 <option>s made the page 245 KB): a username,
    # part of a name, or "me". With scripts on, names are suggested as they are typed.
    owner = forms.CharField(
        label=gettext_lazy("Người phụ trách"),
        required=False,
        max_length=150,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "list": "owner-suggestions",
                "autocomplete": "off",
                "placeholder": gettext_lazy("tên đăng nhập hoặc họ tên; me: của tôi"),
            }
        ),
    )
    role = forms.ChoiceField(
        label=gettext_lazy("Vai trò của cơ quan"),
        required=False,
        choices=[
            (scopes.INVOLVED, gettext_lazy("Chủ trì, phối hợp hoặc có phần việc")),
            (scopes.LEAD, gettext_lazy("Chủ trì (kể cả phần việc được giao)")),
            (scopes.SHARE, gettext_lazy("Chỉ phần việc trong nhiệm vụ giao chung")),
        ],
    )
    due_from = DayField(label=gettext_lazy("Hạn từ ngày"), required=False)
    due_to = DayField(label=gettext_lazy("đến ngày"), required=False)
    sort = forms.ChoiceField(label=gettext_lazy("Sắp xếp"), required=False)

    def __init__(self, data=None, *, user=None, agencies=None, meetings=None):
        super().__init__(data)
        everyone = [("", _("Tất cả"))]
        language = (get_language() or "vi")[:2]
        self.fields["agency"].choices = everyone + [
            (a.code, agency_label(a)) for a in labels.ordered(agencies or (), language)
        ]
        self.fields["status"].choices = everyone + [(s.value, s.label) for s in REPORT_ORDER]
        self.fields["meeting"].choices = everyone + [(str(m.number), m.label) for m in meetings or ()]
        self.fields["pillar"].choices = everyone + list(Pillar.choices)
        self.fields["sort"].choices = list(SORT_LABELS.items())
        _period_fields(self)

    def clean(self):
        cleaned = super().clean()
        due_from, due_to = cleaned.get("due_from"), cleaned.get("due_to")
        if due_from and due_to and due_from > due_to:
            self.add_error("due_to", _("Ngày cuối phải sau ngày đầu."))
        if any(cleaned.get(name) for name in ("as_of", "from", "to")):
            checked = _check_scope(self, cleaned)
            if checked is not None:
                cleaned["as_of"], cleaned["from"], cleaned["to"] = (
                    checked.as_of,
                    checked.period_start,
                    checked.period_end,
                )
        return cleaned


# --- Directive entry -----------------------------------------------------------------


class DirectiveForm(PortalForm):
    field_order = [
        "reference",
        "title_vi",
        "title_en",
        "lead_agency",
        "co_agencies",
        "deadline_text",
        "deadline_reason",
        "assigned_on",
        "meeting",
        "owner",
        "pillar",
        "source_ref",
        "source_url",
        "full_text",
        "outcome",
    ]
    wide_fields = frozenset({"title_vi", "title_en", "full_text", "outcome", "deadline_reason"})

    reference = forms.CharField(label=gettext_lazy("Số hiệu"), max_length=32, help_text=gettext_lazy("Ví dụ UBQG-7/03"))
    title_vi = forms.CharField(
        label=gettext_lazy("Tên nhiệm vụ"), max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )
    title_en = forms.CharField(
        label=gettext_lazy("Tên tiếng Anh"), max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    meeting = MeetingChoiceField(
        label=gettext_lazy("Phiên họp"),
        queryset=Meeting.objects.all(),
        required=False,
        empty_label=gettext_lazy("— không thuộc phiên họp nào —"),
    )
    lead_agency = AgencyChoiceField(
        label=gettext_lazy("Đơn vị chủ trì"),
        queryset=Agency.objects.all(),
        empty_label=gettext_lazy("— chọn cơ quan —"),
    )
    co_agencies = AgencyMultipleChoiceField(
        label=gettext_lazy("Đơn vị phối hợp"),
        queryset=Agency.objects.filter(active=True),
        required=False,
        help_text=gettext_lazy("Giữ Ctrl (⌘ trên Mac) để chọn nhiều cơ quan."),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    owner = forms.ModelChoiceField(
        label=gettext_lazy("Người phụ trách"),
        required=False,
        empty_label=gettext_lazy("— chưa giao —"),
        queryset=get_user_model().objects.filter(is_active=True).order_by("username"),
    )
    pillar = forms.ChoiceField(label=gettext_lazy("Trụ cột"), choices=Pillar.choices, initial=Pillar.CROSS_CUTTING)
    assigned_on = DayField(label=gettext_lazy("Ngày giao"), help_text=gettext_lazy("Thường là ngày họp."))
    deadline_text = forms.CharField(
        label=gettext_lazy("Thời hạn (ghi như trong văn bản)"),
        max_length=200,
        help_text=gettext_lazy("Ví dụ: “hoàn thành trong quý II/2024”, “trước ngày 15/3/2024”, “thường xuyên”."),
        widget=forms.TextInput(attrs={"data-deadline-preview": "", "autocomplete": "off"}),
    )
    deadline_reason = forms.CharField(
        label=gettext_lazy("Lý do đổi thời hạn"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Bắt buộc khi đổi thời hạn của nhiệm vụ đã giao."),
    )
    source_ref = forms.CharField(label=gettext_lazy("Văn bản giao"), max_length=300, required=False)
    source_url = forms.URLField(
        label=gettext_lazy("Đường dẫn văn bản"), max_length=500, required=False, assume_scheme="https"
    )
    full_text = forms.CharField(
        label=gettext_lazy("Nội dung"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    outcome = forms.CharField(label=gettext_lazy("Kết quả"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    updated_at = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, directive: Directive | None = None, **kwargs):
        self.directive = directive
        if directive is not None:
            kwargs.setdefault(
                "initial",
                {
                    "reference": directive.reference,
                    "title_vi": directive.title_vi,
                    "title_en": directive.title_en,
                    "meeting": directive.meeting_id,
                    "lead_agency": directive.lead_agency_id,
                    "co_agencies": [a.pk for a in directive.co_agencies.all()],
                    "owner": directive.owner_id,
                    "pillar": directive.pillar,
                    "assigned_on": directive.assigned_on,
                    "deadline_text": directive.deadline_text,
                    "source_ref": directive.source_ref,
                    "source_url": directive.source_url,
                    "full_text": directive.full_text,
                    "outcome": directive.outcome,
                    "updated_at": directive.updated_at.isoformat(),
                },
            )
        super().__init__(*args, **kwargs)
        self.fields["deadline_text"].widget.attrs["data-preview-url"] = reverse("portal:deadline_preview")
        if directive is None:
            del self.fields["deadline_reason"], self.fields["outcome"], self.fields["updated_at"]
            self.fields["lead_agency"].queryset = Agency.objects.filter(active=True)
        else:
            # A merged agency still co-ordinating stays offered, so saving does not drop it unseen.
            current = [a.pk for a in directive.co_agencies.all()]
            self.fields["co_agencies"].queryset = Agency.objects.filter(Q(active=True) | Q(pk__in=current))
        for name in ("lead_agency", "co_agencies"):  # ministries → ministerial → government → provinces
            field = self.fields[name]
            field.queryset = (
                field.queryset.select_related("successor")
                .alias(rank=labels.kind_rank())
                .order_by("rank", "name_vi", "code")
            )

    def clean_reference(self) -> str:
        reference = self.cleaned_data["reference"].strip()
        taken = Directive.objects.filter(reference=reference)
        if self.directive is not None:
            taken = taken.exclude(pk=self.directive.pk)
        if taken.exists():
            raise ValidationError(_("Số hiệu %(ref)s đã có."), params={"ref": reference}, code="unique")
        return reference

    def clean_deadline_text(self) -> str:
        text = " ".join(self.cleaned_data["deadline_text"].split())
        self.cleaned_data["deadline"] = read_deadline(text)
        return text

    def clean_updated_at(self) -> datetime.datetime | None:
        raw = self.cleaned_data.get("updated_at") or ""
        try:
            return datetime.datetime.fromisoformat(raw) if raw else None
        except ValueError:
            return None

    def clean(self):
        cleaned = super().clean()
        lead = cleaned.get("lead_agency")
        if self.directive is None:
            self._check_new_directive(cleaned)
        elif lead is not None and self.directive.lead_agency_id != lead.pk:
            # The service's own rule (a merged agency takes no new directive), said early.
            try:
                services.check_lead(lead)
            except services.DirectiveError as error:
                self.add_error("lead_agency", error.message_dict["lead_agency"])
        if self.directive is not None and "deadline_text" in cleaned:
            if (
                cleaned["deadline_text"] != self.directive.deadline_text
                and not cleaned.get("deadline_reason", "").strip()
            ):
                self.add_error("deadline_reason", _("Cần nêu lý do khi đổi thời hạn."))
        return cleaned

    def _check_new_directive(self, cleaned: dict) -> None:
        """Every rule `create_directive` applies (the one check the importer runs on each row too),
        said on its field before anything is saved; the fields already refused are left out."""
        if cleaned.get("lead_agency") is None:
            return  # refused already: no directive to check
        refused = set(self.errors)
        fields = {name: cleaned.get(name) for name in (*self.DESCRIPTIVE_FIELDS, "deadline_text")}
        try:
            services.check_new_directive(
                co_agencies=cleaned.get("co_agencies") or (),
                exclude={name for name in fields if name in refused},
                **fields,
            )
        except services.DirectiveError as error:
            for name, messages in error.message_dict.items():
                self.add_error(name if name in self.fields else None, messages)

    DESCRIPTIVE_FIELDS = (
        "reference",
        "title_vi",
        "title_en",
        "meeting",
        "lead_agency",
        "owner",
        "pillar",
        "assigned_on",
        "source_ref",
        "source_url",
        "full_text",
    )

    def descriptive_fields(self) -> dict:
        """The fields update_directive/create_directive take as keywords."""
        names = list(self.DESCRIPTIVE_FIELDS)
        if self.directive is not None:
            names.append("outcome")
        return {name: self.cleaned_data[name] for name in names}

    def save(self, *, by) -> Directive:
        """Create the directive (`services.create_directive`), or save the edit (`services.edit_directive`:
        the stale check, the fields, the deadline move with its reason, in one transaction).

        Raises `services.StaleEdit` or `services.DirectiveError`; nothing is saved then.
        """
        data = self.cleaned_data
        if self.directive is None:
            return services.create_directive(
                by=by, deadline_text=data["deadline_text"], co_agencies=data["co_agencies"], **self.descriptive_fields()
            )
        return services.edit_directive(
            directive=self.directive,
            by=by,
            expected_updated_at=data["updated_at"],
            co_agencies=data["co_agencies"],
            deadline_text=data["deadline_text"],
            deadline_reason=data["deadline_reason"],
            **self.descriptive_fields(),
        )


# --- Workflow actions ----------------------------------------------------------------


class ProgressForm(PortalForm):
    percent = forms.IntegerField(label=gettext_lazy("Tiến độ (%)"), min_value=0, max_value=100)
    note = forms.CharField(
        label=gettext_lazy("Nội dung báo cáo"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    evidence_url = forms.URLField(
        label=gettext_lazy("Đường dẫn minh chứng"), required=False, max_length=500, assume_scheme="https"
    )


class ExtensionRequestForm(PortalForm):
    proposed_due = DayField(label=gettext_lazy("Đề nghị gia hạn đến ngày"))
    reason = forms.CharField(label=gettext_lazy("Lý do"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class ExtensionDecisionForm(PortalForm):
    decision = forms.ChoiceField(choices=[("approve", gettext_lazy("Duyệt")), ("reject", gettext_lazy("Từ chối"))])
    note = forms.CharField(
        label=gettext_lazy("Ý kiến"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )


class SubmitForm(PortalForm):
    note = forms.CharField(
        label=gettext_lazy("Kết quả đã đạt"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )


class CompleteForm(PortalForm):
    completed_on = DayField(label=gettext_lazy("Ngày hoàn thành"))
    outcome = forms.CharField(
        label=gettext_lazy("Kết quả (văn bản, sản phẩm)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReturnForm(PortalForm):
    note = forms.CharField(
        label=gettext_lazy("Lý do trả lại"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )


class CancelForm(PortalForm):
    reason = forms.CharField(label=gettext_lazy("Lý do hủy"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))


class DirectiveChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, directive: Directive) -> str:
        return f"{directive.reference} — {directive.title_vi}"


class TransferForm(PortalForm):
    """Which open directives of a merged agency move to its successor (not always all: MIC → MOST and MCST)."""

    directives = DirectiveChoiceField(
        label=gettext_lazy("Nhiệm vụ chuyển cho cơ quan kế thừa"),
        queryset=Directive.objects.none(),
        to_field_name="public_id",
        widget=forms.CheckboxSelectMultiple,
    )
    reason = forms.CharField(
        label=gettext_lazy("Lý do (bỏ trống: ghi theo quyết định hợp nhất)"), required=False, max_length=2000
    )

    def __init__(self, *args, open_directives=None, **kwargs):
        super().__init__(*args, **kwargs)
        if open_directives is not None:
            self.fields["directives"].queryset = open_directives


NOTICE_FILE_TYPES = ["pdf", "doc", "docx", "odt"]
NOTICE_FILE_MAX_BYTES = 10 * 1024 * 1024


class MeetingForm(PortalForm):
    """A committee meeting; the rules (duplicate session, far-future date) are the service's."""

    committee = forms.ChoiceField(label=gettext_lazy("Ủy ban"))
    session_number = forms.IntegerField(
        label=gettext_lazy("Phiên họp thứ"),
        required=False,
        min_value=1,
        max_value=9999,
        help_text=gettext_lazy("Số thứ tự phiên họp của ủy ban; để trống nếu phiên họp không đánh số."),
    )
    date = DayField(label=gettext_lazy("Ngày họp"))
    title_vi = forms.CharField(
        label=gettext_lazy("Tên phiên họp"),
        max_length=300,
        required=False,
        help_text=gettext_lazy("Để trống: “Phiên họp thứ N của …”."),
    )
    title_en = forms.CharField(label=gettext_lazy("Tên tiếng Anh"), max_length=300, required=False)
    chair = forms.CharField(label=gettext_lazy("Chủ trì"), max_length=200, required=False)
    notice_ref = forms.CharField(
        label=gettext_lazy("Số thông báo kết luận"),
        max_length=100,
        required=False,
        help_text=gettext_lazy("Ví dụ 552/TB-VPCP"),
    )
    notice_date = DayField(label=gettext_lazy("Ngày thông báo"), required=False)
    source_url = forms.URLField(
        label=gettext_lazy("Đường dẫn thông báo"), max_length=500, required=False, assume_scheme="https"
    )
    notice_file = forms.FileField(
        label=gettext_lazy("Tệp thông báo"),
        required=False,
        help_text=gettext_lazy("PDF, DOC, DOCX hoặc ODT, tối đa 10 MB; được lưu cùng phiên họp."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.doc,.docx,.odt"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["committee"].choices = [("", gettext_lazy("— chọn ủy ban —")), *Committee.choices]
        self.fields["committee"].error_messages["required"] = gettext_lazy("Hãy chọn ủy ban của phiên họp.")

    def clean_notice_file(self):
        upload = self.cleaned_data.get("notice_file")
        if not upload or not hasattr(upload, "size"):
            return upload  # unchanged (False when "clear" was ticked)
        extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
        if extension not in NOTICE_FILE_TYPES:
            raise ValidationError(_("Chỉ nhận tệp PDF, DOC, DOCX hoặc ODT."))
        if upload.size > NOTICE_FILE_MAX_BYTES:
            raise ValidationError(_("Tệp lớn hơn 10 MB."))
        return upload

    def meeting_fields(self) -> dict:
        data = dict(self.cleaned_data)
        upload = data.pop("notice_file", None)
        if upload is False:
            data["notice_file"] = ""  # cleared
        elif upload is not None and hasattr(upload, "size"):
            data["notice_file"] = upload
        return data


class ImportForm(PortalForm):
    file = forms.FileField(
        label=gettext_lazy("Tệp CSV hoặc Excel (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
    meeting = MeetingChoiceField(
        label=gettext_lazy("Phiên họp (khi tệp không ghi cột meeting)"),
        queryset=Meeting.objects.all(),
        required=False,
        empty_label=gettext_lazy("— theo cột meeting trong tệp —"),
    )


# --- Sign-in -------------------------------------------------------------------------


class SignInForm(AuthenticationForm):
    """contrib.auth's form; AxesBackend (first in AUTHENTICATION_BACKENDS) refuses locked combinations."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


# --- Conclusion notices --------------------------------------------------------------


class NoticeReadForm(PortalForm):
    """A notice pasted or uploaded; exactly one of the two."""

    text = forms.CharField(
        label=gettext_lazy("Dán nội dung thông báo"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 10, "maxlength": 200_000}),
    )
    file = forms.FileField(
        label=gettext_lazy("hoặc chọn tệp (.txt, .docx, .pdf có chữ; tối đa 5 MB)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".txt,.docx,.pdf"}),
    )
    meeting = MeetingChoiceField(
        label=gettext_lazy("Phiên họp (khi thông báo không ghi rõ)"),
        queryset=Meeting.objects.all(),
        required=False,
        empty_label=gettext_lazy("— theo phiên họp ghi trong thông báo —"),
    )

    def clean(self):
        data = super().clean()
        if not data.get("file") and not (data.get("text") or "").strip():
            raise ValidationError(_("Chưa có nội dung: hãy dán văn bản thông báo hoặc chọn tệp."))
        return data


class NoticeRowForm(PortalForm):
    """One drafted directive as the secretariat corrects it; the import's checks run on save."""

    keep = forms.BooleanField(label=gettext_lazy("Lưu"), required=False, initial=True)
    merge = forms.BooleanField(label=gettext_lazy("Gộp vào dòng trên"), required=False)
    split = forms.BooleanField(label=gettext_lazy("Tách: mỗi dòng của tên là một nhiệm vụ"), required=False)
    title_vi = forms.CharField(
        label=gettext_lazy("Tên nhiệm vụ"), required=False, max_length=300, widget=forms.Textarea(attrs={"rows": 3})
    )
    lead_agency = forms.CharField(label=gettext_lazy("Chủ trì (mã)"), required=False, max_length=32)
    co_agencies = forms.CharField(label=gettext_lazy("Phối hợp (mã; mã)"), required=False, max_length=500)
    deadline = forms.CharField(label=gettext_lazy("Thời hạn"), required=False, max_length=200)


NoticeRowFormSet = forms.formset_factory(NoticeRowForm, extra=0, max_num=500, validate_max=True)


class NoticeMeetingForm(PortalForm):
    meeting = MeetingChoiceField(
        label=gettext_lazy("Phiên họp"), queryset=Meeting.objects.all(), empty_label=gettext_lazy("— chọn phiên họp —")
    )
