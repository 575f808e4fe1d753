"""`index update`: rebuild from a newer snapshot and say what changed, lead by lead.

Users re-run campaigns on fresh data; what they want to know is which businesses opened, changed (phone,
website, address...) or closed since the last snapshot. Leads are compared by id on their full record, except
the snapshot date that every lead of a new snapshot carries.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from mapleads.index.build import build_index
from mapleads.index.locate import region_for
from mapleads.index.reader import RegionIndex
from mapleads.index.records import decode_lead
from mapleads.index.store import IndexFormatError
from mapleads.lead import Lead
from mapleads.sources.base import Progress

IGNORED = ("snapshot_date",)


@dataclass(slots=True)
class Changes:
    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    gone: list[str] = field(default_factory=list)


@dataclass(slots=True)
class UpdateReport:
    region: str
    old_snapshot: str | None
    new_snapshot: str | None
    leads: int
    changes: Changes
    downloaded: str = "not checked"
    note: str | None = None
    changes_file: Path | None = None

    def summary(self) -> str:
        c = self.changes
        lines = [
            f"{self.region}: snapshot {self.old_snapshot or '(no previous index)'} -> {self.new_snapshot} "
            f"({self.downloaded}); {self.leads:,} leads",
            f"new: {len(c.new):,}  changed: {len(c.changed):,}  gone: {len(c.gone):,}",
        ]
        if self.note:
            lines.append(self.note)
        if self.changes_file:
            lines.append(f"changes written to {self.changes_file}")
        return "\n".join(lines)


def diff_records(old: dict[str, str], new: dict[str, str]) -> Changes:
    """Lead ids that appeared, changed (ignoring the snapshot date) or disappeared."""
    changes = Changes()
    for lead_id, blob in new.items():
        before = old.get(lead_id)
        if before is None:
            changes.new.append(lead_id)
        elif before != blob and _comparable(before) != _comparable(blob):
            changes.changed.append(lead_id)
    changes.gone = [lead_id for lead_id in old if lead_id not in new]
    return changes


def _comparable(blob: str) -> dict[str, object]:
    record: dict[str, object] = orjson.loads(blob)
    for key in IGNORED:
        record.pop(key, None)
    return record


def update_index(
    target: str | Path,
    *,
    progress: Progress | None = None,
    download: bool = True,
    changes_path: Path | None = None,
) -> UpdateReport:
    if changes_path is not None:  # before the index is replaced: afterwards its changes could not be listed again
        from mapleads.export import check_writable

        check_writable(changes_path)
    region = region_for(target)
    old_records: dict[str, str] = {}
    old_snapshot, note = None, None
    try:
        old_index = RegionIndex(region.index_dir)
        old_records, old_snapshot = old_index.all_ids(), old_index.snapshot_date
    except IndexFormatError as exc:
        note = f"previous index not compared: {exc}"
    downloaded = "local file"
    if download and region.url:
        from mapleads.regions import download_region

        result = download_region(region.path, progress=progress)
        region, downloaded = result.region, result.status
    built = build_index(region, progress)
    new_records = RegionIndex(region.index_dir).all_ids()
    changes = diff_records(old_records, new_records)
    report = UpdateReport(
        region=region.path,
        old_snapshot=old_snapshot,
        new_snapshot=built.manifest.get("snapshot_date"),
        leads=len(new_records),
        changes=changes,
        downloaded=downloaded,
        note=note,
    )
    if changes_path is not None:
        from mapleads.export import write_leads

        write_leads(_changed_leads(changes, old_records, new_records), changes_path)
        report.changes_file = changes_path
    return report


def _changed_leads(changes: Changes, old: dict[str, str], new: dict[str, str]) -> Iterator[Lead]:
    """The changed leads as records with extra["change"] = new | changed | gone (gone ones as last seen)."""
    for kind, ids, records in (
        ("new", changes.new, new),
        ("changed", changes.changed, new),
        ("gone", changes.gone, old),
    ):
        for lead_id in ids:
            lead = decode_lead(records[lead_id])
            lead.extra["change"] = kind
            yield lead
