"""`python -m mapleads.web <command>`: Django's manage.py for the service."""

import os
import sys

from django.core.management import execute_from_command_line

from mapleads.web import SETTINGS_MODULE

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
    execute_from_command_line(sys.argv)
