"""Put what a website yielded into its `Lead`, with the page and rule of every value as provenance.

Values the lead already had come first and are never removed; found values are appended. Provenance is kept
per field ("emails") for the first found value and per value ("emails:info@firma.fi") for all of them.
"""

from __future__ import annotations

from typing import Any

from mapleads.enrich import emails as email_rules
from mapleads.enrich.result import OK, SiteResult
from mapleads.lead import Lead

SOURCE = "website"


def apply(lead: Lead, result: SiteResult, keep_personal: bool) -> Lead:
    for found in result.emails:
        cls = email_rules.EmailClass(found.role, found.own_domain, found.free_mail)
        if not email_rules.keep(cls, keep_personal) or found.mx is False or found.email in lead.emails:
            continue
        _note(lead, "emails", found.email, found.page, found.rule)
        lead.emails.append(found.email)
    unconfirmed: list[str] = []
    for phone in result.phones:
        if phone.e164 in lead.phones:
            continue
        if phone.confirmed:
            _note(lead, "phones", phone.e164, phone.page, phone.rule)
            lead.phones.append(phone.e164)
        else:
            _note(lead, "phones_unconfirmed", phone.e164, phone.page, phone.rule)
            unconfirmed.append(phone.e164)
    for social in result.socials:
        if social.network not in lead.socials:
            _note(lead, social.network, social.url, social.page, social.rule)
            lead.socials[social.network] = social.url
    enrich: dict[str, Any] = {"status": result.status}
    if result.detail:
        enrich["detail"] = result.detail
    if result.redirected_to:
        enrich["redirected_to"] = result.redirected_to
    if result.final_url and result.final_url != result.website:
        enrich["final_url"] = result.final_url
    enrich["pages"] = [p.url for p in result.pages if p.status is not None and p.status < 400]
    notes = {p.url: p.note for p in result.pages if p.note}
    if notes:
        enrich["page_notes"] = notes
    if result.rendered:
        enrich["rendered"] = True
    lead.extra["enrich"] = enrich
    if unconfirmed:
        lead.extra["phones_unconfirmed"] = unconfirmed
    if result.tech:
        lead.extra["tech"] = result.tech
        lead.note("tech", SOURCE, result.final_url or result.website, "tech-hints")
    if result.structured:
        lead.extra["schema_org"] = result.structured
        lead.note("schema_org", SOURCE, result.structured_page or "", result.structured.get("source", "jsonld"))
        _fill_from_structured(lead, result)
    if result.status == OK and lead.emails:
        lead.extra["email_kinds"] = {
            f.email: _kind(f.role, f.own_domain, f.free_mail) for f in result.emails if f.email in lead.emails
        }
    return lead


def _fill_from_structured(lead: Lead, result: SiteResult) -> None:
    record = result.structured or {}
    page, rule = result.structured_page or "", record.get("source", "jsonld")
    hours = record.get("openingHours")
    if hours and not lead.opening_hours:
        lead.opening_hours = "; ".join(hours)
        lead.note("opening_hours", SOURCE, page, rule)


def _note(lead: Lead, field_name: str, value: str, page: str, rule: str) -> None:
    if field_name not in lead.provenance:
        lead.note(field_name, SOURCE, page, rule)
    lead.note(f"{field_name}:{value}", SOURCE, page, rule)


def _kind(role: bool, own: bool, free: bool) -> str:
    who = "role" if role else "personal"
    where = "own-domain" if own else ("free-mail" if free else "other-domain")
    return f"{who},{where}"
