"""The sales pages: products and prices, quotations, contracts, orders, shipping, the import of past
orders and the numbering settings, one module each."""
