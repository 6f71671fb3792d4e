from django.urls import path

from . import views

app_name = "approvals"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/decide/", views.decide, name="decide"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/resume/", views.resume, name="resume"),
    path("<int:pk>/reviewers/", views.add_reviewer, name="add_reviewer"),
    path("<int:pk>/records/", views.record_review, name="record_review"),
    path("chains/", views.chains, name="chains"),
    path("chains/new/", views.chain_edit, name="chain_new"),
    path("chains/<int:pk>/", views.chain_edit, name="chain_edit"),
]
