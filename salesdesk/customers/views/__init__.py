"""The customer pages: the customer list and file (customers.py, with the helpers the others share),
leads, imports, visit plans, visitors, settings."""
