"""The REST API, mounted at ``/api/v1/`` by ``config.urls``.

Top-level collections use a DRF router; the documents nested in a consultation are routed by hand
(a router would need an extra package for nesting). URLs use slugs, version numbers and section
keys, never database ids.
"""

from __future__ import annotations

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from accounts.api import OrganisationViewSet
from consult.api import ConsultationViewSet
from proposals import api as proposals_api

router = DefaultRouter()
router.register("organisations", OrganisationViewSet, basename="organisation")
router.register("consultations", ConsultationViewSet, basename="consultation")

PROPOSAL = "consultations/<slug:slug>/proposals/<slug:proposal_slug>/"

urlpatterns = [
    path(
        "consultations/<slug:slug>/proposals/",
        proposals_api.ProposalListView.as_view(),
        name="proposal-list",
    ),
    path(PROPOSAL, proposals_api.ProposalDetailView.as_view(), name="proposal-detail"),
    path(PROPOSAL + "versions/", proposals_api.VersionListView.as_view(), name="proposal-versions"),
    path(
        PROPOSAL + "versions/<int:number>/",
        proposals_api.VersionDetailView.as_view(),
        name="proposal-version-detail",
    ),
    path(PROPOSAL + "diff/", proposals_api.DiffView.as_view(), name="proposal-diff"),
    path(
        PROPOSAL + "sections/<slug:key>/",
        proposals_api.SectionDetailView.as_view(),
        name="proposal-section-detail",
    ),
    path(PROPOSAL + "votes/", proposals_api.VoteView.as_view(), name="proposal-votes"),
    path(PROPOSAL + "votes/mine/", proposals_api.MyVotesView.as_view(), name="proposal-my-votes"),
    path("", include(router.urls)),
]

# --- comments, position papers, moderation and responses (comments.api) ----------------------

from comments import api as comments_api  # noqa: E402

COMMENT = "comments/<int:id>/"
PAPER = "position-papers/<str:tracking_number>/"

urlpatterns += [
    path(PROPOSAL + "comments/", comments_api.CommentListView.as_view(), name="comment-list"),
    path(COMMENT, comments_api.CommentDetailView.as_view(), name="comment-detail"),
    path(
        COMMENT + "withdraw/", comments_api.CommentWithdrawView.as_view(), name="comment-withdraw"
    ),
    path(COMMENT + "history/", comments_api.CommentHistoryView.as_view(), name="comment-history"),
    path(COMMENT + "reaction/", comments_api.ReactionView.as_view(), name="comment-reaction"),
    path(COMMENT + "flag/", comments_api.FlagView.as_view(), name="comment-flag"),
    path(COMMENT + "hide/", comments_api.HideView.as_view(), name="comment-hide"),
    path(COMMENT + "restore/", comments_api.RestoreView.as_view(), name="comment-restore"),
    path(
        COMMENT + "response/", comments_api.CommentResponseView.as_view(), name="comment-response"
    ),
    path(
        "consultations/<slug:slug>/position-papers/",
        comments_api.PositionPaperListView.as_view(),
        name="position-paper-list",
    ),
    path(
        PAPER + "attachment/",
        comments_api.PositionPaperAttachmentView.as_view(),
        name="position-paper-attachment",
    ),
    path(
        PAPER + "response/",
        comments_api.PositionPaperResponseView.as_view(),
        name="position-paper-response",
    ),
    path(
        "submissions/<str:tracking_number>/",
        comments_api.SubmissionStatusView.as_view(),
        name="submission-status",
    ),
    path("users/<int:id>/block/", comments_api.BlockView.as_view(), name="user-block"),
]

# --- search (search.api) --------------------------------------------------------------------

from search.api import SearchView  # noqa: E402

urlpatterns += [path("search/", SearchView.as_view(), name="search")]
