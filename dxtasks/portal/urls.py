"""The portal's pages; bookmarkable URLs with filters as GET parameters."""

from django.urls import path, re_path

from .views import agencies, directive, imports, inbox, meetings, notices, pages

app_name = "portal"

urlpatterns = [
    path("", pages.dashboard, name="dashboard"),
    path("directives/", pages.register, name="register"),
    re_path(r"^directives/export\.(?P<fmt>csv|xlsx)$", pages.export, name="export"),
    path("directives/new/", directive.create, name="directive_new"),
    path("directives/deadline-preview/", directive.deadline_preview, name="deadline_preview"),
    path("directives/owners/", pages.owners, name="owner_suggestions"),
    path("directives/<uuid:public_id>/", directive.detail, name="directive"),
    path("directives/<uuid:public_id>/edit/", directive.edit, name="directive_edit"),
    path("directives/<uuid:public_id>/progress/", directive.add_progress, name="progress"),
    path("directives/<uuid:public_id>/extension/", directive.request_extension, name="extension"),
    path(
        "directives/<uuid:public_id>/extension/<int:request_id>/decide/",
        directive.decide_extension,
        name="extension_decide",
    ),
    path(
        "directives/<uuid:public_id>/extension/<int:request_id>/withdraw/",
        directive.withdraw_extension,
        name="extension_withdraw",
    ),
    path("directives/<uuid:public_id>/submit/", directive.submit, name="submit"),
    path("directives/<uuid:public_id>/complete/", directive.complete, name="complete"),
    path("directives/<uuid:public_id>/return/", directive.return_for_rework, name="return"),
    path("directives/<uuid:public_id>/cancel/", directive.cancel, name="cancel"),
    path("inbox/", inbox.inbox, name="inbox"),
    path("inbox/read/", inbox.mark_read, name="inbox_read"),
    path("meetings/", pages.meetings, name="meetings"),
    path("meetings/new/", meetings.create, name="meeting_new"),
    path("meetings/<int:number>/", pages.meeting_detail, name="meeting"),
    path("meetings/<int:number>/edit/", meetings.edit, name="meeting_edit"),
    path("meetings/<int:number>/delete/", meetings.delete, name="meeting_delete"),
    path("meetings/<int:number>/notice/", meetings.notice_file, name="meeting_notice"),
    path("agencies/", agencies.agency_list, name="agencies"),
    path("agencies/<str:code>/", agencies.agency_detail, name="agency"),
    path("agencies/<str:code>/transfer/", agencies.transfer, name="agency_transfer"),
    path("import/", imports.upload, name="import"),
    path("import/commit/", imports.commit, name="import_commit"),
    path("import/notice/", notices.read, name="import_notice"),
    path("import/notice/review/", notices.review, name="import_notice_review"),
    re_path(r"^import/template\.(?P<fmt>csv|xlsx)$", imports.template_file, name="import_template"),
]
