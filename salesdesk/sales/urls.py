from django.urls import path

from .views import contracts as views_contracts
from .views import imports as views_imports
from .views import orders as views_orders
from .views import products as views_products
from .views import quotations as views_quotations
from .views import settings as views_settings
from .views import shipping as views_shipping

app_name = "sales"

urlpatterns = [
    path("products/", views_products.product_list, name="products"),
    path("products/new/", views_products.product_edit, name="product_new"),
    path("products/<int:pk>/", views_products.product_detail, name="product"),
    path("products/<int:pk>/edit/", views_products.product_edit, name="product_edit"),
    path("products/<int:pk>/price-change/", views_products.price_change_propose, name="price_change_propose"),
    path("price-changes/", views_products.price_changes, name="price_changes"),
    path("price-changes/<int:pk>/<str:action>/", views_products.price_change_decide, name="price_change_decide"),
    path("price-lists/", views_products.price_lists, name="price_lists"),
    path("price-lists/new/", views_products.price_list_edit, name="price_list_new"),
    path("price-lists/<int:pk>/", views_products.price_list_detail, name="price_list"),
    path("price-lists/<int:pk>/edit/", views_products.price_list_edit, name="price_list_edit"),
    path("prices/", views_products.price_lookup, name="price_lookup"),
    path("settings/numbering/", views_settings.numbering, name="numbering"),
    path("products/pick/", views_quotations.product_pick, name="product_pick"),
    path("quotations/", views_quotations.quotation_list, name="quotations"),
    path("quotations/new/", views_quotations.quotation_edit, name="quotation_new"),
    path("quotations/<int:pk>/", views_quotations.quotation_detail, name="quotation"),
    path("quotations/<int:pk>/edit/", views_quotations.quotation_edit, name="quotation_edit"),
    path("quotations/<int:pk>/print/", views_quotations.quotation_print, name="quotation_print"),
    path("quotations/<int:pk>/pdf/", views_quotations.quotation_pdf, name="quotation_pdf"),
    path("quotations/<int:pk>/contract/", views_contracts.contract_from_quotation, name="quotation_contract"),
    path("quotations/<int:pk>/<str:action>/", views_quotations.quotation_action, name="quotation_action"),
    path("contracts/", views_contracts.contract_list, name="contracts"),
    path("contracts/new/", views_contracts.contract_edit, name="contract_new"),
    path("contracts/<int:pk>/", views_contracts.contract_detail, name="contract"),
    path("contracts/<int:pk>/edit/", views_contracts.contract_edit, name="contract_edit"),
    path("contracts/<int:pk>/attachments/", views_contracts.attachment_add, name="contract_attach"),
    path("contracts/<int:pk>/attachments/<int:attachment>/", views_contracts.attachment_download,
         name="contract_attachment"),
    path("contracts/<int:pk>/order/", views_orders.order_from_contract, name="contract_order"),
    path("contracts/<int:pk>/<str:action>/", views_contracts.contract_action, name="contract_action"),
    path("orders/", views_orders.order_list, name="orders"),
    path("orders/new/", views_orders.order_edit, name="order_new"),
    path("orders/import/", views_imports.order_import, name="order_import"),
    path("orders/import/template/", views_imports.order_import_template, name="order_import_template"),
    path("orders/import/<int:pk>/", views_imports.order_import_job, name="order_import_job"),
    path("orders/import/<int:pk>/commit/", views_imports.order_import_commit, name="order_import_commit"),
    path("orders/import/<int:pk>/check/", views_imports.order_import_check, name="order_import_check"),
    path("orders/<int:pk>/", views_orders.order_detail, name="order"),
    path("orders/<int:pk>/edit/", views_orders.order_edit, name="order_edit"),
    path("orders/<int:order>/ship/", views_shipping.shipment_new, name="shipment_new"),
    path("orders/<int:pk>/<str:action>/", views_orders.order_action, name="order_action"),
    path("shipments/", views_shipping.shipment_list, name="shipments"),
    path("shipments/<int:pk>/", views_shipping.shipment_detail, name="shipment"),
    path("shipments/<int:pk>/note/", views_shipping.delivery_note, name="delivery_note"),
    path("shipments/<int:pk>/<str:action>/", views_shipping.shipment_action, name="shipment_action"),
    path("warehouses/", views_shipping.warehouses, name="warehouses"),
    path("warehouses/new/", views_shipping.warehouse_edit, name="warehouse_new"),
    path("warehouses/<int:pk>/edit/", views_shipping.warehouse_edit, name="warehouse_edit"),
    path("warehouses/<int:pk>/receive/", views_shipping.stock_receive, name="stock_receive"),
]
