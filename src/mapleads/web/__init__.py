"""The MapLeadExtractor web service: a thin Django shell over `mapleads.extract`.

Apps: accounts (sign-up, consents, profile), jobs (lead jobs run by Huey), api (django-ninja REST API and API
keys), front (pages, templates and static files).
"""

SETTINGS_MODULE = "mapleads.web.settings"
