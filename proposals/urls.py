from django.urls import path

from . import views

app_name = "proposals"

_base = "consultations/<slug:slug>/<slug:proposal>/"

urlpatterns = [
    path(_base, views.proposal_detail, name="detail"),
    path(_base + "articles/<slug:key>/", views.section_detail, name="section"),
    path(_base + "versions/", views.version_list, name="versions"),
    path(_base + "diff/", views.version_diff_view, name="diff"),
    path(_base + "history/", views.history, name="history"),
    path(_base + "vote/", views.vote, name="vote"),
]
