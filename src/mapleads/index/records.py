"""The index's lead records: lossless JSON of `Lead`, decoded straight into dataclasses by msgspec.

A query that answers thousands of leads spends its time here, so records are decoded in one msgspec call
(C code that builds `Lead`, `Address` and `Provenance` objects directly, about 2.5x faster than a JSON parse
followed by Python constructors) with the garbage collector paused.
"""

from __future__ import annotations

import msgspec
import orjson

from mapleads.lead import Lead
from mapleads.memory import paused_gc

_DECODER = msgspec.json.Decoder(list[Lead])


def encode_record(lead: Lead) -> bytes:
    """Lossless JSON of a lead (UTF-8): the same shape as Lead.to_dict(), read back with `decode_lead`."""
    return lead.to_json()


def encode_lead(lead: Lead) -> str:
    return encode_record(lead).decode()


def decode_lead(text: str) -> Lead:
    return decode_leads([text])[0]


def decode_leads(blobs: list[str]) -> list[Lead]:
    """Many records in one parse (a query's answers), in order."""
    if not blobs:
        return []
    payload = "[" + ",".join(blobs) + "]"
    with paused_gc():
        try:
            return _DECODER.decode(payload)
        except msgspec.ValidationError:  # records of another Lead shape (an index from an older build)
            return [Lead.from_dict(record) for record in orjson.loads(payload)]
