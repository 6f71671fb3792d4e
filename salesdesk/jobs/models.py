"""Background jobs as the users see them: what runs, for whom, how far it has got, and its outcome.

A Job is the record; the django-tasks task (`tasks.run_job`) is only the vehicle that carries the
job's id to a worker. Messages are kept as an English msgid with its parameters and translated
when shown, so each reader sees them in their own language (like notifications)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from salesdesk.core.scope import ScopedManager


class DailyRun(models.Model):
    """One day's daily work: at most one per day, whoever starts it (cron's `run_daily` or the worker)."""

    day = models.DateField(_("day"), unique=True)
    trigger = models.CharField(_("started by"), max_length=16)  # "command" or "worker"
    created_at = models.DateTimeField(_("started"), auto_now_add=True)

    class Meta:
        verbose_name = _("daily run")
        verbose_name_plural = _("daily runs")
        ordering = ["-day"]

    def __str__(self):
        return self.day.isoformat()


class Job(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("waiting")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    kind = models.CharField(_("kind"), max_length=64)
    company = models.ForeignKey("org.Company", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    started_by = models.ForeignKey("org.Employee", null=True, blank=True, on_delete=models.CASCADE, related_name="+",
                                   verbose_name=_("started by"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.QUEUED)
    # Starting a job whose key an active job already has returns that job (double click, two tabs).
    dedupe_key = models.CharField(max_length=200, blank=True)
    params = models.JSONField(default=dict, blank=True)
    language = models.CharField(max_length=12, blank=True)  # the starter's, for texts made while running
    url = models.CharField(max_length=300, blank=True)  # the page the job belongs to
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    message = models.TextField(_("message"), blank=True)  # an English msgid, or text in `language`
    message_params = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)  # the technical detail of an unexpected failure (administrators)
    result = models.JSONField(null=True, blank=True)  # a cached result (report figures)
    result_file = models.BinaryField(null=True, editable=False)
    result_name = models.CharField(max_length=200, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    worker = models.CharField(max_length=200, blank=True)  # host:pid of the worker running it
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    daily_run = models.ForeignKey(DailyRun, null=True, blank=True, on_delete=models.CASCADE, related_name="jobs")
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["dedupe_key"], name="job_one_active_per_key",
                                    condition=Q(status__in=["queued", "running"]) & ~Q(dedupe_key="")),
        ]
        indexes = [models.Index(fields=["company", "-created_at"], name="job_company_recent")]

    def __str__(self):
        return f"{self.kind} #{self.pk}"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def label(self):
        from .registry import kind_label

        return kind_label(self.kind)

    @property
    def percent(self) -> int:
        if not self.total:
            return 0
        return min(100, int(self.done * 100 / self.total))

    def text(self) -> str:
        """The message in the reader's language."""
        if not self.message:
            return ""
        text = gettext(self.message)
        if self.message_params:
            try:
                return text % self.message_params
            except (KeyError, TypeError, ValueError):
                return text
        return text
