"""Number formats that differ from Django's for our languages (FORMAT_MODULE_PATH); everything not
set here comes from Django's own locale formats."""
