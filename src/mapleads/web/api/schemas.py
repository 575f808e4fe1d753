"""Request and response shapes of the REST API."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from ninja import Field, Schema
from pydantic import model_validator


class JobIn(Schema):
    what: str | list[str] = Field("all", description='Categories or free words, e.g. "dentist, hairdresser".')
    place: str | None = Field(None, description="A place name the source knows, e.g. Kamppi.")
    bbox: str | None = Field(None, description="W,S,E,N in degrees.")
    near: str | None = Field(None, description="LAT,LON centre; with radius.")
    radius: str | None = Field(None, description="e.g. 500m or 2km (default 500m).")
    polygon: dict[str, Any] | None = Field(None, description="A GeoJSON Polygon or MultiPolygon.")
    source: str = "pbf"
    enrich: bool = False
    limit: int | None = Field(None, ge=1, le=1_000_000)
    title: str = Field("", max_length=200)

    @model_validator(mode="before")
    @classmethod
    def _an_object(cls, data: Any) -> Any:
        """All fields have defaults: anything but a JSON object would pass as "all, everywhere"."""
        if not isinstance(getattr(data, "_obj", data), dict):  # ninja wraps the parsed body in a DjangoGetter
            raise ValueError("the request body must be a JSON object")
        return data


class JobOut(Schema):
    id: UUID
    title: str
    what: str
    area_kind: str
    place: str
    bbox: str
    near: str
    radius: str
    polygon: dict[str, Any] | None
    source: str
    enrich: bool
    limit: int | None
    state: str
    stage: str
    percent: int | None
    progress_done: int
    progress_total: int
    lead_count: int
    attempts: int
    error: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class JobList(Schema):
    items: list[JobOut]
    next_cursor: str | None


class LeadOut(Schema):
    id: str
    name: str
    category: str | None
    categories: list[str]
    lat: float | None
    lon: float | None
    phone: str | None
    email: str | None
    website: str | None
    address: str
    score: int
    record: dict[str, Any] = Field(description="The full lead record (mapleads.Lead.to_dict()).")


class LeadPage(Schema):
    items: list[LeadOut]
    next_cursor: str | None


class Error(Schema):
    detail: str
