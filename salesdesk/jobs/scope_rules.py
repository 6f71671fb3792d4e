"""A job is its starter's: he sees it (its progress, its result, its download). Administrators see
every job of their company on the jobs page: system administrators through the scope (they see
all), organisation administrators through `selectors.jobs_for`, which adds the company's jobs and
the daily work to what the scope gives them."""

from salesdesk.core import scope

from .models import Job

scope.register(Job, scope.ScopeRule(owner="started_by", personal=True, company="company"))
