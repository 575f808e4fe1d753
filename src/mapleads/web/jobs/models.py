"""A job and the leads it found. Leads are keyed (job, lead id) so a re-run writes each lead exactly once."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class Job(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    class AreaKind(models.TextChoices):
        PLACE = "place", "Place name"
        BBOX = "bbox", "Bounding box"
        RADIUS = "radius", "Centre and radius"
        POLYGON = "polygon", "Drawn polygon"
        EVERYWHERE = "everywhere", "Everywhere the source covers"

    class Stage(models.TextChoices):
        EXTRACT = "extract", "Extracting leads"
        FINALIZE = "finalize", "Finishing"

    ACTIVE = (State.QUEUED, State.RUNNING)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lead_jobs")
    title = models.CharField(max_length=200, blank=True)
    what = models.CharField(max_length=500, default="all")
    area_kind = models.CharField(max_length=16, choices=AreaKind.choices, default=AreaKind.PLACE)
    place = models.CharField(max_length=200, blank=True)
    bbox = models.CharField(max_length=200, blank=True)
    near = models.CharField(max_length=100, blank=True)
    radius = models.CharField(max_length=32, blank=True)
    polygon = models.JSONField(null=True, blank=True)
    source = models.CharField(max_length=32, default="pbf")
    enrich = models.BooleanField(default=False)
    limit = models.PositiveIntegerField(null=True, blank=True)

    state = models.CharField(max_length=16, choices=State.choices, default=State.QUEUED, db_index=True)
    #: the checkpoint: the stage to resume from
    stage = models.CharField(max_length=16, choices=Stage.choices, default=Stage.EXTRACT)
    #: whoever holds the current lease may write; re-queueing hands out a new one
    lease = models.UUIDField(default=uuid.uuid4)
    attempts = models.PositiveIntegerField(default=0)
    progress_done = models.BigIntegerField(default=0)
    progress_total = models.BigIntegerField(default=0)
    lead_count = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["owner", "-created_at"]),
            models.Index(fields=["state", "heartbeat_at"]),
        ]

    def __str__(self) -> str:
        return self.title or self.describe()

    def describe(self) -> str:
        where = {
            self.AreaKind.PLACE: f"in {self.place}",
            self.AreaKind.BBOX: f"in bbox {self.bbox}",
            self.AreaKind.RADIUS: f"within {self.radius or '500m'} of {self.near}",
            self.AreaKind.POLYGON: "in a drawn area",
            self.AreaKind.EVERYWHERE: "everywhere",
        }[self.AreaKind(self.area_kind)]
        return f"{self.what} {where}"

    @property
    def is_active(self) -> bool:
        return self.state in self.ACTIVE

    @property
    def percent(self) -> int | None:
        if self.state == self.State.DONE:
            return 100
        if self.progress_total > 0:
            return min(99, int(100 * self.progress_done / self.progress_total))
        return None


class StoredLead(models.Model):
    """One lead of one job: the filterable columns plus the full record (`Lead.to_dict()`)."""

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="leads")
    lead_id = models.CharField(max_length=200)
    position = models.PositiveIntegerField()
    name = models.CharField(max_length=500)
    category = models.CharField(max_length=100, blank=True)
    categories = models.CharField(max_length=500, blank=True)
    lat = models.FloatField(null=True)
    lon = models.FloatField(null=True)
    phone = models.CharField(max_length=64, blank=True)
    email = models.CharField(max_length=254, blank=True)
    website = models.CharField(max_length=500, blank=True)
    address = models.CharField(max_length=500, blank=True)
    has_phone = models.BooleanField(default=False)
    has_email = models.BooleanField(default=False)
    score = models.PositiveSmallIntegerField(default=0)
    data = models.JSONField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "lead_id"], name="unique_lead_per_job")]
        indexes = [
            models.Index(fields=["job", "position", "id"]),
            models.Index(fields=["job", "category"]),
        ]
        db_table = "jobs_lead"

    def __str__(self) -> str:
        return self.name
