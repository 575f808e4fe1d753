"""The new-job form: collects a JobSpec and reports the engine's validation messages on the form."""

from __future__ import annotations

from typing import Any

import orjson
from django import forms

from mapleads.errors import MapleadsError
from mapleads.web.jobs.models import Job
from mapleads.web.jobs.spec import JobSpec, available_sources


class JobForm(forms.Form):
    title = forms.CharField(max_length=200, required=False, label="Title (optional)")
    what = forms.CharField(
        max_length=500,
        initial="all",
        label="What",
        help_text='Categories or words, e.g. "dentist, hairdresser".',
    )
    area_kind = forms.ChoiceField(
        choices=Job.AreaKind.choices, initial=Job.AreaKind.PLACE, widget=forms.RadioSelect, label="Where"
    )
    place = forms.CharField(max_length=200, required=False, label="Place name", help_text="e.g. Kamppi")
    bbox = forms.CharField(max_length=200, required=False, label="Bounding box", help_text="W,S,E,N")
    near = forms.CharField(max_length=100, required=False, label="Centre", help_text="LAT,LON")
    radius = forms.CharField(max_length=32, required=False, label="Radius", help_text="e.g. 500m or 2km")
    polygon = forms.CharField(required=False, widget=forms.HiddenInput)
    source = forms.ChoiceField(choices=(), initial="pbf", required=False)
    enrich = forms.BooleanField(required=False, label="Enrich from the businesses' websites")
    limit = forms.IntegerField(required=False, min_value=1, max_value=1_000_000, label="At most (optional)")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = [(s, s) for s in available_sources()]
        self.spec: JobSpec | None = None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        polygon = None
        if data.get("area_kind") == Job.AreaKind.POLYGON:
            try:
                polygon = orjson.loads(data.get("polygon") or "null")
            except orjson.JSONDecodeError:
                raise forms.ValidationError("The drawn area could not be read; draw it again.") from None
        spec = JobSpec(
            what=data.get("what", "all"),
            area_kind=data.get("area_kind", "place"),
            place=data.get("place", ""),
            bbox=data.get("bbox", ""),
            near=data.get("near", ""),
            radius=data.get("radius", ""),
            polygon=polygon,
            source=data.get("source") or "pbf",
            enrich=bool(data.get("enrich")),
            limit=data.get("limit"),
            title=data.get("title", ""),
        )
        try:
            self.spec = spec.validate()
        except MapleadsError as exc:
            raise forms.ValidationError(str(exc)) from None
        return data


class LeadFilterForm(forms.Form):
    """The results table's filters and sort; also read by the map so both show the same leads."""

    q = forms.CharField(required=False, label="Search")
    category = forms.ChoiceField(required=False, choices=())
    has_email = forms.NullBooleanField(
        required=False,
        label="Has email",
        widget=forms.Select(choices=[("", "any"), ("true", "yes"), ("false", "no")]),
    )
    has_phone = forms.NullBooleanField(
        required=False,
        label="Has phone",
        widget=forms.Select(choices=[("", "any"), ("true", "yes"), ("false", "no")]),
    )
    min_score = forms.IntegerField(required=False, min_value=0, max_value=100, label="Score ≥")
    sort = forms.ChoiceField(
        required=False,
        choices=[
            ("position", "found order"),
            ("name", "name A→Z"),
            ("-name", "name Z→A"),
            ("category", "category"),
            ("-score", "score high→low"),
            ("score", "score low→high"),
        ],
    )
    page = forms.IntegerField(required=False, min_value=1)

    def __init__(self, *args: Any, categories: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "all categories")] + [(c, c) for c in categories or []]
