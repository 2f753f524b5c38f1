"""Why a service refused a change: one machine code per rule, carried by every `DirectiveError`.

The message is for the person (translated, naming the field or row); the code
is for the program: tests assert it, the API could answer it, and a caller can
tell a stale edit from a closed directive without reading the text. The labels
say the rule in plain English for the README's table; people never see them.
"""

from django.db import models


class Refusal(models.TextChoices):
    INVALID = "invalid", "a model rule failed (length, URL, choice, constraint, uniqueness): field errors kept"
    DEADLINE_UNREADABLE = "deadline_unreadable", "the deadline as written can't be read"
    MERGED_LEAD = "merged_lead", "a merged (inactive) agency takes no new directive, as lead or addressee"
    MERGED_CO_AGENCY = (
        "merged_co_agency",
        "nor is a merged agency made a co-ordinator (those a directive has stay until transferred)",
    )
    NO_ADDRESSEES = "no_addressees", "a directive for several agencies lists none"
    UNKNOWN_GROUP = "unknown_group", "no such group of agencies"
    GROUP_AGENCY_MISSING = "group_agency_missing", "the group's pseudo-agency is not loaded (run bootstrap)"
    COLLECTIVE_LEAD_FIXED = "collective_lead_fixed", "a directive for several agencies keeps its lead"
    COLLECTIVE_NEEDS_SHARE = (
        "collective_needs_share",
        "a directive for several agencies is acted on one share at a time",
    )
    SHARE_NOT_OF_DIRECTIVE = "share_not_of_directive", "the share belongs to another directive"
    SHARE_OWNER_AGENCY = "share_owner_agency", "a share's focal-point owner must belong to the share's agency"
    STALE_EDIT = "stale_edit", "someone else changed the directive since the form was loaded"
    CLOSED = "closed", "the directive (or share) is completed or cancelled"
    TRANSITION = "transition", "the state can't move that way (e.g. returning what was never submitted)"
    REASON_REQUIRED = "reason_required", "a reason is needed (cancelling, moving a deadline, asking for more time)"
    DEADLINE_UNCHANGED = "deadline_unchanged", "the new deadline is the current one"
    EXTENSION_DATE = "extension_date", "the proposed date is not after today and after the current deadline"
    EXTENSION_PENDING = "extension_pending", "a request for more time is already waiting"
    ALREADY_DECIDED = "already_decided", "the request for more time was already decided or withdrawn"
    COMPLETION_DATE = "completion_date", "the completion day is in the future or before the directive was assigned"
    NO_SUCCESSOR = "no_successor", "the agency has no successor to transfer to"
    NOT_INVOLVED = "not_involved", "the agency neither leads, co-ordinates nor has a share of the directive"
    SUCCESSOR_HAS_SHARE = "successor_has_share", "the successor already has a share of the directive"
    MEETING_INVALID = "meeting_invalid", "a meeting rule failed (committee, date, session number)"
    MEETING_HAS_DIRECTIVES = "meeting_has_directives", "a meeting that gave directives can't be deleted"
