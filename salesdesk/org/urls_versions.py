"""Org versions and change sets (编制 / 批准 / 生效日期). Included under /org/versions/."""

urlpatterns = []
