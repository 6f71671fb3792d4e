from django.urls import path

from . import views

app_name = "approvals"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/decide/", views.decide, name="decide"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/resume/", views.resume, name="resume"),
    path("chains/", views.chains, name="chains"),
    path("chains/new/", views.chain_edit, name="chain_new"),
    path("chains/<int:pk>/", views.chain_edit, name="chain_edit"),
]
