from django.urls import path

from .views import customers as views
from .views import imports as views_imports
from .views import invoicing as views_invoicing
from .views import leads as views_leads
from .views import plans as views_plans
from .views import settings as views_settings
from .views import visitors as views_visitors

app_name = "customers"

urlpatterns = [
    path("", views.customer_list, name="list"),
    path("batch/", views.customer_batch, name="batch"),
    path("export/", views.customer_export, name="export"),
    path("pick/", views_plans.customer_pick, name="pick"),
    path("contacts/options/", views_plans.contact_options, name="contact_options"),
    path("settings/", views_settings.settings_page, name="settings"),
    path("settings/pools/new/", views_settings.pool_edit, name="pool_new"),
    path("settings/pools/<int:pk>/", views_settings.pool_edit, name="pool_edit"),
    path("visit-plans/", views_plans.week, name="visit_plans"),
    path("visit-plans/add/", views_plans.plan_add, name="plan_add"),
    path("visit-plans/<int:pk>/cancel/", views_plans.plan_cancel, name="plan_cancel"),
    path("new/", views.customer_create, name="create"),
    path("duplicates/", views.duplicate_check, name="duplicates"),
    path("pool/", views.pool, name="pool"),
    path("analytics/", views.analytics, name="analytics"),
    path("<int:pk>/", views.customer_detail, name="detail"),
    path("<int:pk>/timeline/", views.customer_timeline, name="timeline"),
    path("scenes/", views.scene_save, name="scene_save"),
    path("scenes/<slug:scene_id>/delete/", views.scene_delete, name="scene_delete"),
    path("<int:pk>/edit/", views.customer_edit, name="edit"),
    path("<int:pk>/follow-ups/", views.followup_add, name="followup_add"),
    path("<int:pk>/contacts/", views.contact_add, name="contact_add"),
    path("<int:pk>/invoicing/", views_invoicing.invoicing_profile, name="invoicing_profile"),
    path("<int:pk>/invoicing/verify/", views_invoicing.invoicing_verify, name="invoicing_verify"),
    path("<int:pk>/claim/", views.customer_claim, name="claim"),
    path("pool/claim/", views.pool_claim, name="pool_claim"),
    path("<int:pk>/release/", views.customer_release, name="release"),
    path("<int:pk>/transfer/", views.customer_transfer, name="transfer"),
    path("<int:pk>/merge/", views.customer_merge, name="merge"),
    path("handover/<int:employee_pk>/", views.handover, name="handover"),
    path("imports/", views_imports.import_new, name="import_new"),
    path("imports/template/", views_imports.import_template, name="import_template"),
    path("imports/<int:pk>/", views_imports.import_job, name="import_job"),
    path("imports/<int:pk>/commit/", views_imports.import_commit, name="import_commit"),
    path("imports/<int:pk>/check/", views_imports.import_check, name="import_check"),
    path("imports/<int:pk>/progress/", views_imports.import_progress, name="import_progress"),
    path("imports/<int:pk>/rejected/", views_imports.import_rejected, name="import_rejected"),
    path("visitors/", views_visitors.visitor_register, name="visitors"),
    path("visitors/new/", views_visitors.visitor_add, name="visitor_add"),
    path("visitors/report/", views_visitors.visitor_report, name="visitor_report"),
    path("visitors/rotation/<int:site_pk>/", views_visitors.rotation_edit, name="rotation"),
    path("visitors/<int:pk>/convert/", views_visitors.visitor_convert, name="visitor_convert"),
    path("visitors/days/<int:pk>/hand-up/", views_visitors.visitor_hand_up, name="visitor_hand_up"),
    path("leads/", views_leads.lead_list, name="leads"),
    path("leads/new/", views_leads.lead_create, name="lead_create"),
    path("leads/<int:pk>/", views_leads.lead_detail, name="lead"),
    path("leads/<int:pk>/follow-ups/", views_leads.lead_followup, name="lead_followup"),
    path("leads/<int:pk>/assign/", views_leads.lead_assign, name="lead_assign"),
    path("leads/<int:pk>/close/", views_leads.lead_close, name="lead_close"),
    path("leads/<int:pk>/convert/", views_leads.lead_convert, name="lead_convert"),
]
