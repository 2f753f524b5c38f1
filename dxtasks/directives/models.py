"""The domain: agencies, committee meetings, directives and their history.

Writes go through `services.py`; reads that compute status go through
`selectors.py`. History tables (ProgressUpdate, DeadlineChange, StateChange,
AgencyTransfer, DirectiveChange) are append-only: the services only ever insert into them.
"""

import datetime
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models
from django.db.models.lookups import GreaterThan
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from dxtasks.formats import short_date

from .folding import fold
from .transitions import OPEN_STATES, State, Workflow  # State is defined with the transition table


class AgencyKind(models.TextChoices):
    MINISTRY = "ministry", _("Bộ")
    MINISTERIAL = "ministerial", _("Cơ quan ngang bộ")
    GOVERNMENT = "government", _("Cơ quan thuộc Chính phủ")
    PROVINCE = "province", _("Tỉnh, thành phố")
    OTHER = "other", _("Khác")


class AgencyManager(models.Manager):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class Agency(models.Model):
    """A ministry, agency or province that directives are given to.

    `code` is the stable identifier everywhere (URLs, imports, fixtures):
    ministries by their English initials (MPS, SBV, MIC …), provinces by an
    ASCII slug of their name, with "-2025" for a unit created by the July 2025
    merger (LAO-CAI is the old province, LAO-CAI-2025 the merged one). The
    statistics office's numeric codes are never used: several were reused for
    a different province in 2025.
    """

    code = models.CharField(
        _("mã"),
        max_length=32,
        unique=True,
        validators=[RegexValidator(r"^[A-Z0-9][A-Z0-9-]*$", _("Chỉ chữ in hoa không dấu, số và dấu gạch ngang."))],
    )
    name_vi = models.CharField(_("tên tiếng Việt"), max_length=200)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=200)
    short_name_vi = models.CharField(_("tên viết tắt"), max_length=32, help_text=_("BCA, NHNN …"))
    # The English edition's abbreviation (MPS, SBV, MOST …; provinces by their English name). Reference
    # data in fixtures/ — the one place — loaded by bootstrap and filled into existing rows by migration.
    short_name_en = models.CharField(_("tên viết tắt tiếng Anh"), max_length=32, blank=True, help_text=_("MPS, SBV …"))
    kind = models.CharField(_("loại"), max_length=16, choices=AgencyKind.choices)
    active = models.BooleanField(_("đang hoạt động"), default=True)
    established_on = models.DateField(_("thành lập từ"), null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        verbose_name=_("cơ quan kế thừa"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="predecessors",
    )
    succeeded_on = models.DateField(
        _("ngày hợp nhất"), null=True, blank=True, help_text=_("Ngày cơ quan kế thừa bắt đầu hoạt động.")
    )
    contact_email = models.EmailField(_("email đầu mối"), blank=True)
    leadership_email = models.EmailField(
        _("email lãnh đạo"), blank=True, help_text=_("Nhận email nhắc khi nhiệm vụ quá hạn lâu.")
    )

    objects = AgencyManager()

    class Meta:
        verbose_name = _("cơ quan")
        verbose_name_plural = _("cơ quan")
        ordering = ["kind", "name_vi"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(successor__isnull=True) | models.Q(succeeded_on__isnull=False),
                name="agency_succession_has_date",
                violation_error_message=_("Cần ngày hợp nhất khi có cơ quan kế thừa."),
            ),
            models.CheckConstraint(condition=~models.Q(successor=models.F("pk")), name="agency_not_own_successor"),
        ]

    def __str__(self):
        return f"{self.name_vi} ({self.code})"

    def natural_key(self):
        return (self.code,)

    def name(self, language: str = "vi") -> str:
        return self.name_en if language == "en" else self.name_vi

    def short_name(self, language: str = "vi") -> str:
        return (self.short_name_en or self.code) if language == "en" else self.short_name_vi


class Committee(models.TextChoices):
    EGOV = "egov", _("Ủy ban Quốc gia về Chính phủ điện tử")
    NCDT = "ncdt", _("Ủy ban Quốc gia về chuyển đổi số")
    STEERING = (
        "steering",
        _("Ban Chỉ đạo của Chính phủ về phát triển khoa học, công nghệ, đổi mới sáng tạo, chuyển đổi số và Đề án 06"),
    )


# How a committee is named in a meeting's label ("Phiên họp thứ 7 UBQG về CĐS").
COMMITTEE_SHORT: dict[str, str | Promise] = {  # keyed by the stored value (Committee is a str)
    Committee.NCDT: _("UBQG về CĐS"),
    Committee.EGOV: _("UBQG về CPĐT"),
    Committee.STEERING: _("BCĐ của Chính phủ"),
}
# Register numbers (URLs, imports) start here per committee: sessions of the three
# committees overlap in their own numbering, the register numbers never do.
REGISTER_BASE: dict[str, int] = {Committee.NCDT: 0, Committee.EGOV: 100, Committee.STEERING: 200}


class MeetingManager(models.Manager):
    def get_by_natural_key(self, number):
        return self.get(number=number)


class Meeting(models.Model):
    """A committee session that gave directives.

    Two numbers: `session_number` is the committee's own count ("phiên họp
    thứ 7"), unique within the committee, empty for a session the committee
    did not number; `number` is the register number, unique across
    committees, used in URLs, imports and references. For the National
    Committee on Digital Transformation both are the same; the E-Government
    committee's sessions are registered from 101 and the 2025 Steering
    Committee's from 201. A register number never changes once given, so
    links keep working when a session number is corrected. People see
    `label` ("Phiên họp thứ 7 UBQG về CĐS, 28/12/2023"), not the register number.
    """

    committee = models.CharField(_("ủy ban"), max_length=16, choices=Committee.choices)
    number = models.PositiveIntegerField(
        _("số đăng ký"), unique=True, help_text=_("Số dùng trong đường dẫn và tệp nhập; không đổi.")
    )
    session_number = models.PositiveIntegerField(
        _("phiên họp thứ"),
        null=True,
        blank=True,
        help_text=_("Số thứ tự phiên họp của ủy ban; để trống nếu phiên họp không đánh số."),
    )
    date = models.DateField(_("ngày họp"))
    title_vi = models.CharField(_("tên phiên họp"), max_length=300)
    title_en = models.CharField(_("tên tiếng Anh"), max_length=300, blank=True)
    chair = models.CharField(_("chủ trì"), max_length=200, blank=True)
    notice_ref = models.CharField(_("thông báo kết luận"), max_length=100, blank=True, help_text=_("Ví dụ 552/TB-VPCP"))
    notice_date = models.DateField(_("ngày thông báo"), null=True, blank=True)
    source_url = models.URLField(_("đường dẫn thông báo"), max_length=500, blank=True)
    notice_file = models.FileField(_("tệp thông báo"), upload_to="meetings/notices/%Y/", max_length=300, blank=True)

    objects = MeetingManager()

    class Meta:
        verbose_name = _("phiên họp")
        verbose_name_plural = _("phiên họp")
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "session_number"],
                name="one_session_number_per_committee",
                violation_error_message=_("Ủy ban này đã có phiên họp mang số này."),
            )
        ]

    def __str__(self):
        return f"{self.title_vi} ({short_date(self.date)})"

    def natural_key(self):
        return (self.number,)

    def title(self, language: str = "vi") -> str:
        return (self.title_en or self.title_vi) if language == "en" else self.title_vi

    @property
    def label(self) -> str:
        """ "Phiên họp thứ 7 UBQG về CĐS, 28/12/2023", in the active language."""
        committee = COMMITTEE_SHORT.get(self.committee, self.committee)
        values = {"n": self.session_number, "committee": committee, "date": short_date(self.date)}
        if self.session_number:
            return gettext("Phiên họp thứ %(n)s %(committee)s, %(date)s") % values
        return gettext("Phiên họp %(committee)s, %(date)s") % values


class MeetingChange(models.Model):
    """What was changed on a meeting, by whom: created, each edit with old and new values."""

    class Action(models.TextChoices):
        CREATED = "created", _("Tạo phiên họp")
        EDITED = "edited", _("Sửa phiên họp")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="changes")
    action = models.CharField(_("thao tác"), max_length=8, choices=Action.choices)
    changes = models.JSONField(_("thay đổi"), default=dict, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người thực hiện"), on_delete=models.PROTECT, null=True, blank=True
    )
    changed_at = models.DateTimeField(_("thời điểm"))

    class Meta:
        verbose_name = _("thay đổi phiên họp")
        verbose_name_plural = _("thay đổi phiên họp")
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} ({self.changed_at:%Y-%m-%d %H:%M})"


class Pillar(models.TextChoices):
    DIGITAL_GOVERNMENT = "government", _("Chính phủ số")
    DIGITAL_ECONOMY = "economy", _("Kinh tế số")
    DIGITAL_SOCIETY = "society", _("Xã hội số")
    CROSS_CUTTING = "cross", _("Nền tảng chung")


class Precision(models.TextChoices):
    DAY = "day", _("ngày")
    MONTH = "month", _("tháng")
    QUARTER = "quarter", _("quý")
    HALF = "half", _("nửa năm")
    YEAR = "year", _("năm")
    ONGOING = "ongoing", _("thường xuyên")
    ASAP = "asap", _("sớm")


def open_q(prefix: str = "") -> models.Q:
    """Still followed (open or submitted, `transitions.OPEN_STATES`); `prefix` reaches through a relation ("directive__")."""
    return models.Q(**{f"{prefix}state__in": OPEN_STATES})


def overdue_q(today: datetime.date, prefix: str = "") -> models.Q:
    """A single-lead directive or a share whose computed status on `today` is overdue (status.py), without computing it.

    Still followed and due before `today`: today's status reads the stored dates, and a
    completion or cancellation is stored with its state. Reads the (state, due_date) index.
    A past day's status replays the deadline history: use `status.annotate_status` for it.
    """
    return open_q(prefix) & models.Q(**{f"{prefix}due_date__lt": today})


class FollowedQuerySet(models.QuerySet):
    """Directives or shares, by their state in the transition table."""

    def open(self):
        """Still followed: open or submitted for review."""
        return self.filter(open_q())

    def closed(self):
        """Completed or cancelled."""
        return self.exclude(open_q())


class DirectiveQuerySet(FollowedQuerySet):
    def overdue(self, today: datetime.date | None = None):
        """The directives `status.annotate_status` calls overdue today, found through indexes.

        A single-lead directive by `overdue_q`; a collective one, not cancelled, when one of
        its shares is overdue (the roll-up's first category), or by its own dates while it
        has no share.
        """
        today = today or timezone.localdate()
        shares = Share.objects.filter(directive=models.OuterRef("pk"))
        single = models.Q(addressees="") & overdue_q(today)
        collective = (
            ~models.Q(addressees="")
            & ~models.Q(state=State.CANCELLED)
            & (models.Exists(shares.filter(overdue_q(today))) | (overdue_q(today) & ~models.Exists(shares)))
        )
        return self.filter(single | collective)


class DirectiveManager(models.Manager.from_queryset(DirectiveQuerySet)):  # type: ignore[misc]
    def get_by_natural_key(self, reference):
        return self.get(reference=reference)


class ShareQuerySet(FollowedQuerySet):
    def overdue(self, today: datetime.date | None = None):
        """The shares whose status is overdue today (`status.annotate_share_status`)."""
        return self.filter(overdue_q(today or timezone.localdate()))


class Directive(Workflow, models.Model):
    """One task given to a lead agency, followed to its deadline.

    `version` counts the changes a subscribed calendar would show (due date,
    title, state, lead agency); it is the iCalendar SEQUENCE. `updated_at`
    guards against stale edits in the portal.
    """

    public_id = models.UUIDField(_("mã công khai"), default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(_("số hiệu"), max_length=32, unique=True, help_text=_("Ví dụ UBQG-7/03"))
    title_vi = models.CharField(_("tên nhiệm vụ"), max_length=300)
    title_en = models.CharField(_("tên tiếng Anh"), max_length=300, blank=True)
    full_text = models.TextField(_("nội dung"), blank=True)
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("phiên họp"), on_delete=models.PROTECT, null=True, blank=True, related_name="directives"
    )
    source_ref = models.CharField(
        _("văn bản giao"), max_length=300, blank=True, help_text=_("Thông báo, công văn hoặc bài viết ghi nhiệm vụ.")
    )
    source_url = models.URLField(_("nguồn"), max_length=500, blank=True)
    pillar = models.CharField(_("trụ cột"), max_length=16, choices=Pillar.choices, default=Pillar.CROSS_CUTTING)
    lead_agency = models.ForeignKey(
        Agency, verbose_name=_("đơn vị chủ trì"), on_delete=models.PROTECT, related_name="led_directives"
    )
    co_agencies = models.ManyToManyField(
        Agency, verbose_name=_("đơn vị phối hợp"), blank=True, related_name="co_directives"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người phụ trách"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_directives",
    )
    assigned_on = models.DateField(_("ngày giao"), help_text=_("Thường là ngày họp."))
    deadline_text = models.CharField(_("thời hạn (nguyên văn)"), max_length=200)
    due_date = models.DateField(_("hạn"), null=True, blank=True, db_index=True)
    deadline_precision = models.CharField(_("độ chính xác của hạn"), max_length=16, choices=Precision.choices)
    state = models.CharField(_("trạng thái"), max_length=16, choices=State.choices, default=State.OPEN, db_index=True)
    completed_on = models.DateField(_("ngày hoàn thành"), null=True, blank=True)
    cancelled_on = models.DateField(_("ngày hủy"), null=True, blank=True)
    # Kept by the database: completed after the deadline in force (status.py's rule for "completed
    # late" as of today). The dashboard counts on-time and late completions from an index of it,
    # without reading two dates of every completed row (tallies.py).
    completed_late = models.GeneratedField(
        expression=GreaterThan(models.F("completed_on"), models.F("due_date")),
        output_field=models.BooleanField(null=True),
        db_persist=True,
    )
    outcome = models.TextField(_("kết quả"), blank=True, help_text=_("Văn bản hoặc sản phẩm hoàn thành nhiệm vụ."))
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True, db_index=True)
    version = models.PositiveIntegerField(_("phiên bản"), default=1)
    # The addressee group of a collective directive ("" for one lead agency): ALL, ALL-MINISTRIES,
    # ALL-PROVINCES or EACH (an explicit list). A collective directive has one Share per addressed
    # agency; its status is the roll-up of theirs (see status.py).
    addressees = models.CharField(_("nhóm cơ quan được giao"), max_length=16, blank=True, default="")
    # Reference and titles folded (no diacritics, lower case) for accent-free search;
    # kept current by a pre_save handler, raw fixture loads included.
    search_text = models.TextField(editable=False, blank=True, default="")

    objects = DirectiveManager()

    class Meta:
        verbose_name = _("nhiệm vụ")
        verbose_name_plural = _("nhiệm vụ")
        ordering = ["due_date", "reference"]
        indexes = [
            models.Index(fields=["state", "due_date"], name="directive_state_due"),
            # The dashboard's counts read these two indexes only (tallies.py): by kind (collective or
            # not), lead agency and outcome, and by kind and state, the open ones by due date.
            models.Index(
                fields=["addressees", "lead_agency", "state", "completed_late", "due_date"],
                name="directive_kind_outcome",
            ),
            models.Index(fields=["addressees", "state", "due_date", "lead_agency"], name="directive_kind_state_due"),
            # A completion or cancellation dated after today (an edit in the admin, a clock put back)
            # sends the dashboard to the general path: these find one without a scan.
            models.Index(fields=["completed_on"], name="directive_completed_on"),
            models.Index(fields=["cancelled_on"], name="directive_cancelled_on"),
            # Every scope filters on assigned_on: counts read this index only (PostgreSQL: index-only scan).
            models.Index(fields=["assigned_on"], name="directive_assigned"),
            # The register's default order (due date, then reference): its pages read the index in order.
            models.Index(fields=["due_date", "reference"], name="directive_due_reference"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state="completed", completed_on__isnull=False)
                | (~models.Q(state="completed") & models.Q(completed_on__isnull=True)),
                name="directive_completed_has_date",
                violation_error_message=_("Nhiệm vụ đã hoàn thành phải có ngày hoàn thành, và ngược lại."),
            ),
            models.CheckConstraint(
                condition=models.Q(state="cancelled", cancelled_on__isnull=False)
                | (~models.Q(state="cancelled") & models.Q(cancelled_on__isnull=True)),
                name="directive_cancelled_has_date",
                violation_error_message=_("Nhiệm vụ đã hủy phải có ngày hủy, và ngược lại."),
            ),
            models.CheckConstraint(
                condition=models.Q(deadline_precision__in=["ongoing", "asap"], due_date__isnull=True)
                | (~models.Q(deadline_precision__in=["ongoing", "asap"]) & models.Q(due_date__isnull=False)),
                name="directive_due_matches_precision",
                violation_error_message=_("Chỉ nhiệm vụ thường xuyên hoặc cần làm sớm mới không có hạn."),
            ),
        ]

    def __str__(self):
        return f"{self.reference} {self.title_vi}"

    def get_absolute_url(self):
        return self.path_for(self.public_id)

    def natural_key(self):
        return (self.reference,)

    def title(self, language: str = "vi") -> str:
        return (self.title_en or self.title_vi) if language == "en" else self.title_vi

    @staticmethod
    def path_for(public_id) -> str:
        """The directive page's path, without building an instance (feeds need it per event)."""
        return f"/directives/{public_id}/"

    def folded_search_text(self) -> str:
        return fold(" ".join(filter(None, [self.reference, self.title_vi, self.title_en])))

    @property
    def is_collective(self) -> bool:
        return bool(self.addressees)


class Share(Workflow, models.Model):
    """One addressed agency's part of a collective directive, followed like a directive of its own.

    It carries the follow-up fields a single-lead directive carries (owner, deadline, state,
    completion, version) and the history rows point at it through their `share` field. The
    deadline starts as the directive's; an approved extension moves this share only. `version`
    is the SEQUENCE of the share's calendar event. Written by `services`, never directly.
    """

    directive = models.ForeignKey(
        Directive, verbose_name=_("nhiệm vụ"), on_delete=models.CASCADE, related_name="shares"
    )
    agency = models.ForeignKey(Agency, verbose_name=_("cơ quan"), on_delete=models.PROTECT, related_name="shares")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người phụ trách"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_shares",
        db_index=False,  # share_owner below: the owned ones only
    )
    deadline_text = models.CharField(_("thời hạn (nguyên văn)"), max_length=200)
    due_date = models.DateField(_("hạn"), null=True, blank=True)
    deadline_precision = models.CharField(_("độ chính xác của hạn"), max_length=16, choices=Precision.choices)
    state = models.CharField(_("trạng thái"), max_length=16, choices=State.choices, default=State.OPEN)
    completed_on = models.DateField(_("ngày hoàn thành"), null=True, blank=True)
    cancelled_on = models.DateField(_("ngày hủy"), null=True, blank=True)
    completed_late = models.GeneratedField(  # as the directive's (tallies.py)
        expression=GreaterThan(models.F("completed_on"), models.F("due_date")),
        output_field=models.BooleanField(null=True),
        db_persist=True,
    )
    outcome = models.TextField(_("kết quả"), blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)
    version = models.PositiveIntegerField(_("phiên bản"), default=1)

    objects = ShareQuerySet.as_manager()

    class Meta:
        verbose_name = _("phần việc của cơ quan")
        verbose_name_plural = _("phần việc của các cơ quan")
        ordering = ["directive", "agency__kind", "agency__name_vi"]
        indexes = [
            # By agency and outcome, and by directive and outcome: the dashboard's counts (tallies.py).
            models.Index(fields=["agency", "state", "completed_late", "due_date"], name="share_agency_outcome"),
            models.Index(fields=["directive", "state", "completed_late", "due_date"], name="share_directive_outcome"),
            # The sweep's read of open shares due by its horizon: without it SQLite walks every open
            # directive and looks for its shares (278 ms at 100,000; 33 ms with it). The agency and
            # the directive make it cover the dashboard's overdue and undated shares too.
            models.Index(fields=["state", "due_date", "agency", "directive"], name="share_state_due_agency"),
            models.Index(fields=["completed_on"], name="share_completed_on"),
            models.Index(fields=["cancelled_on"], name="share_cancelled_on"),
            # The owned shares only. Most shares have no owner (their agency's focal points follow them), and
            # SQLite's statistics count the NULLs as one value: with a full index it expected "owner = me" to
            # match every share and scanned the table in each "my rows" query (15.5 → 9.2 ms for "my
            # directives" at 48,500 shares). "owner = x" implies "not null", so both databases use this one.
            models.Index(fields=["owner"], condition=models.Q(owner__isnull=False), name="share_owner"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["directive", "agency"], name="one_share_per_agency"),
            models.CheckConstraint(
                condition=models.Q(state="completed", completed_on__isnull=False)
                | (~models.Q(state="completed") & models.Q(completed_on__isnull=True)),
                name="share_completed_has_date",
                violation_error_message=_("Phần việc đã hoàn thành phải có ngày hoàn thành, và ngược lại."),
            ),
            models.CheckConstraint(
                condition=models.Q(state="cancelled", cancelled_on__isnull=False)
                | (~models.Q(state="cancelled") & models.Q(cancelled_on__isnull=True)),
                name="share_cancelled_has_date",
                violation_error_message=_("Phần việc đã hủy phải có ngày hủy, và ngược lại."),
            ),
            models.CheckConstraint(
                condition=models.Q(deadline_precision__in=["ongoing", "asap"], due_date__isnull=True)
                | (~models.Q(deadline_precision__in=["ongoing", "asap"]) & models.Q(due_date__isnull=False)),
                name="share_due_matches_precision",
                violation_error_message=_("Chỉ nhiệm vụ thường xuyên hoặc cần làm sớm mới không có hạn."),
            ),
        ]

    def __str__(self):
        return f"{self.directive.reference} · {self.agency.code}"

    @property
    def reference(self) -> str:
        return f"{self.directive.reference} · {self.agency.short_name_vi}"


def _share_field(related_name: str):
    return models.ForeignKey(
        Share,
        verbose_name=_("phần việc"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name=related_name,
    )


class Tally(models.Model):
    """How many single-lead directives (by lead agency) and shares (by agency, and by directive) are in each
    (state, completed late): the dashboard's counts (tallies.py), kept by the database itself.

    Triggers on the directive and share tables (migration 0014) add one on every insert, and move one on every
    delete or change of kind, key, state or lateness, however the row is written (services, the admin, bulk
    loads, raw SQL): reading these few thousand rows replaces grouping 150,000 index entries per dashboard.
    A row at zero stays. Counts are taken back by UPDATE only, never inserted below zero: a flush that empties
    this table before the directives (SQLite deletes table by table) leaves it empty, not negative.
    """

    kind = models.CharField(max_length=9)  # "lead", "agency" (shares by agency), "directive" (shares by directive)
    key = models.BigIntegerField()  # the agency's or the directive's id
    state = models.CharField(max_length=16)
    late = models.BooleanField()  # completed_late, false when NULL
    n = models.IntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "key", "state", "late"], name="tally_key")]

    def __str__(self) -> str:
        return f"{self.kind} {self.key} {self.state}{' late' if self.late else ''}: {self.n}"


class ProgressUpdate(models.Model):
    directive = models.ForeignKey(Directive, on_delete=models.CASCADE, related_name="progress_updates")
    # Set when the report is about one agency's share of a collective directive.
    share = _share_field("progress_updates")
    reported_at = models.DateTimeField(_("thời điểm"), db_index=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người báo cáo"), on_delete=models.PROTECT, null=True, blank=True
    )
    percent = models.PositiveSmallIntegerField(_("tiến độ (%)"), validators=[MaxValueValidator(100)])
    note = models.TextField(_("ghi chú"))
    evidence_url = models.URLField(_("minh chứng"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("báo cáo tiến độ")
        verbose_name_plural = _("báo cáo tiến độ")
        ordering = ["-reported_at", "-pk"]
        constraints = [models.CheckConstraint(condition=models.Q(percent__lte=100), name="progress_percent_max_100")]

    def __str__(self):
        return f"{self.directive.reference} {self.percent}%"


class DeadlineChange(models.Model):
    directive = models.ForeignKey(Directive, on_delete=models.CASCADE, related_name="deadline_changes")
    share = _share_field("deadline_changes")
    old_due = models.DateField(_("hạn cũ"), null=True, blank=True)
    new_due = models.DateField(_("hạn mới"), null=True, blank=True)
    old_deadline_text = models.CharField(_("thời hạn cũ"), max_length=200, blank=True)
    new_deadline_text = models.CharField(_("thời hạn mới"), max_length=200, blank=True)
    reason = models.TextField(_("lý do"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người duyệt"), on_delete=models.PROTECT, null=True, blank=True
    )
    approved_at = models.DateTimeField(_("thời điểm duyệt"), db_index=True)

    class Meta:
        verbose_name = _("điều chỉnh thời hạn")
        verbose_name_plural = _("điều chỉnh thời hạn")
        ordering = ["-approved_at", "-pk"]

    def __str__(self):
        return f"{self.directive.reference}: {self.old_due} → {self.new_due}"


class StateChange(models.Model):
    directive = models.ForeignKey(Directive, on_delete=models.CASCADE, related_name="state_changes")
    share = _share_field("state_changes")
    old_state = models.CharField(_("trạng thái cũ"), max_length=16, choices=State.choices)
    new_state = models.CharField(_("trạng thái mới"), max_length=16, choices=State.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người thực hiện"), on_delete=models.PROTECT, null=True, blank=True
    )
    changed_at = models.DateTimeField(_("thời điểm"), db_index=True)
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("thay đổi trạng thái")
        verbose_name_plural = _("thay đổi trạng thái")
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_old_state_display()} → {self.get_new_state_display()} ({self.changed_at:%Y-%m-%d %H:%M})"


class AgencyTransfer(models.Model):
    """A directive's lead or co-ordinating agency replaced, usually by a merger's successor."""

    class Part(models.TextChoices):
        """The part the replaced agency had in the directive (not a user's role: that is accounts.Role)."""

        LEAD = "lead", _("chủ trì")
        CO = "co", _("phối hợp")
        SHARE = "share", _("phần việc")

    directive = models.ForeignKey(Directive, on_delete=models.CASCADE, related_name="agency_transfers")
    # Named `role` in the database and the API ("role": "lead"); its values are the Part it had.
    role = models.CharField(_("vai trò"), max_length=8, choices=Part.choices, default=Part.LEAD)
    from_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("từ"))
    to_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("sang"))
    reason = models.TextField(_("lý do"))
    transferred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người thực hiện"), on_delete=models.PROTECT, null=True, blank=True
    )
    transferred_at = models.DateTimeField(_("thời điểm"))

    class Meta:
        verbose_name = _("chuyển cơ quan")
        verbose_name_plural = _("chuyển cơ quan")
        ordering = ["-transferred_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.from_agency_id} → {self.to_agency_id}"


class DirectiveChange(models.Model):
    """The audit trail: what a write through the services changed on a directive (or one share), by whom.

    Append-only, one row per write that changed something: "created" with the
    first values, "edited" with each changed field as [old, new]. Deadline and
    state moves keep their own tables (DeadlineChange, StateChange). Values are
    stable identifiers, not row ids: agency codes, usernames, the meeting's
    register number, the pillar's code, ISO dates; the page names them in the
    reader's language.
    """

    class Action(models.TextChoices):
        CREATED = "created", pgettext_lazy("audit", "Tạo nhiệm vụ")
        EDITED = "edited", pgettext_lazy("audit", "Sửa nhiệm vụ")

    directive = models.ForeignKey(Directive, on_delete=models.CASCADE, related_name="changes")
    share = _share_field("changes")
    action = models.CharField(_("thao tác"), max_length=8, choices=Action.choices)
    changes = models.JSONField(_("thay đổi"), default=dict, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người thực hiện"), on_delete=models.PROTECT, null=True, blank=True
    )
    changed_at = models.DateTimeField(_("thời điểm"), db_index=True)

    class Meta:
        verbose_name = _("thay đổi nhiệm vụ")
        verbose_name_plural = _("thay đổi nhiệm vụ")
        ordering = ["-changed_at", "-pk"]

    def __str__(self):
        return f"{self.directive_id} {self.action} {sorted(self.changes)}"


class ExtensionRequest(models.Model):
    """A focal point's request for more time, decided by the secretariat."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("Chờ duyệt")
        APPROVED = "approved", _("Đã duyệt")
        REJECTED = "rejected", _("Từ chối")
        WITHDRAWN = "withdrawn", _("Đã rút lại")

    directive = models.ForeignKey(Directive, on_delete=models.CASCADE, related_name="extension_requests")
    share = _share_field("extension_requests")
    proposed_due = models.DateField(_("hạn đề nghị"))
    reason = models.TextField(_("lý do"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("người đề nghị")
    )
    requested_at = models.DateTimeField(_("thời điểm đề nghị"))
    decision = models.CharField(_("kết quả"), max_length=16, choices=Decision.choices, default=Decision.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người duyệt"),
    )
    decided_at = models.DateTimeField(_("thời điểm duyệt"), null=True, blank=True)
    decision_note = models.TextField(_("ý kiến"), blank=True)

    class Meta:
        verbose_name = _("đề nghị gia hạn")
        verbose_name_plural = _("đề nghị gia hạn")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            # One open request at a time: a second one would race the first's decision.
            models.UniqueConstraint(
                fields=["directive"],
                condition=models.Q(decision="pending", share__isnull=True),
                name="one_pending_extension",
            ),
            models.UniqueConstraint(
                fields=["share"],
                condition=models.Q(decision="pending", share__isnull=False),
                name="one_pending_extension_per_share",
            ),
        ]

    def __str__(self) -> str:
        return f"{short_date(self.proposed_due)} ({self.get_decision_display()})"


class EventKind(models.TextChoices):
    ASSIGNED = "assigned", pgettext_lazy("event", "Được giao nhiệm vụ")
    EXTENSION_REQUESTED = "extension_requested", pgettext_lazy("event", "Đề nghị gia hạn")
    EXTENSION_APPROVED = "extension_approved", pgettext_lazy("event", "Đề nghị gia hạn được duyệt")
    EXTENSION_REJECTED = "extension_rejected", pgettext_lazy("event", "Đề nghị gia hạn bị từ chối")
    SUBMITTED = "submitted", pgettext_lazy("event", "Gửi xác nhận hoàn thành")
    COMPLETED = "completed", pgettext_lazy("event", "Xác nhận hoàn thành")
    RETURNED = "returned", pgettext_lazy("event", "Trả lại để hoàn thiện")
    DEADLINE_CHANGED = "deadline_changed", pgettext_lazy("event", "Điều chỉnh thời hạn")


class Event(models.Model):
    """The outbox: one row per workflow change, written in the change's own transaction.

    Its recipients (`Notification`) are written with it, so nothing that
    committed can be lost; delivery (email, the inbox) happens afterwards.
    """

    kind = models.CharField(_("loại"), max_length=24, choices=EventKind.choices)
    directive = models.ForeignKey(
        Directive, verbose_name=_("nhiệm vụ"), on_delete=models.CASCADE, related_name="events"
    )
    extension_request = models.ForeignKey(
        ExtensionRequest, on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )
    # The agency's share the change is about, for a collective directive (empty otherwise): its
    # owner or agency is told, not the directive's lead.
    share = models.ForeignKey(
        Share, verbose_name=_("phần việc"), on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.TextField(_("ghi chú"), blank=True)
    # Facts of the change as they were (old/new due date …), for the message.
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("thời điểm"), db_index=True)

    class Meta:
        verbose_name = _("sự kiện")
        verbose_name_plural = _("sự kiện")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.directive_id}"


class Notification(models.Model):
    """One recipient of one event: a user (inbox and email) or an address (an agency contact, email only)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="notifications")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nhận"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notifications",
    )
    # A user recipient whose account was deleted keeps user_id NULL and `to_user` True: skipped, recorded.
    to_user = models.BooleanField(default=True)
    address = models.EmailField(_("địa chỉ"), blank=True, help_text=_("Chỉ khi người nhận không có tài khoản."))
    read_at = models.DateTimeField(_("đã đọc lúc"), null=True, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), db_index=True)

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "user"], name="one_notification_per_event_user"),
            models.UniqueConstraint(
                fields=["event", "address"],
                condition=models.Q(to_user=False),
                name="one_notification_per_event_address",
            ),
        ]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_inbox")]

    def __str__(self):
        return f"{self.event} → {self.user_id or self.address}"
