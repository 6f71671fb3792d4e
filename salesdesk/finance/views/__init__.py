"""The finance pages: invoices (with the helpers the other pages share), payments, receivables and
credit, settings."""
