"""WSGI entry point (`granian --interface wsgi mapleads.web.wsgi:application`, as `mapleads serve` runs it)."""

import os

from django.core.wsgi import get_wsgi_application

from mapleads.web import SETTINGS_MODULE

os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
application = get_wsgi_application()
