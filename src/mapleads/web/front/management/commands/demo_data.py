"""`python -m mapleads.web demo_data`: a verified demo account and a finished demo job (for `make demo`)."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser

from mapleads.web.accounts.consents import record_choices
from mapleads.web.accounts.models import Profile
from mapleads.web.jobs import runner, services
from mapleads.web.jobs.models import Job
from mapleads.web.jobs.spec import JobSpec


class Command(BaseCommand):
    help = "Create (or reset) the demo account and run one demo job to completion."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", default="demo@mapleads.example")
        parser.add_argument("--password", default="demo-leads-2025")
        parser.add_argument("--what", default="dentist, hairdresser, restaurant, cafe")
        parser.add_argument("--place", default="Kamppi")

    def handle(self, *args: Any, **opts: Any) -> None:
        email = opts["email"]
        user, _ = get_user_model().objects.get_or_create(username=email, defaults={"email": email})
        user.email = email
        user.set_password(opts["password"])
        user.save()
        EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
        Profile.objects.get_or_create(user=user, defaults={"name": "Demo User", "age_confirmed": 13})
        record_choices(user, {"marketing_email": False, "sms": False, "push": False}, via="demo")
        job = Job.objects.filter(owner=user, state=Job.State.DONE, what=opts["what"], place=opts["place"]).first()
        if job is None:
            spec = JobSpec(what=opts["what"], area_kind="place", place=opts["place"], title="Demo: Kamppi")
            job = services.create_job(user, spec)
            state = runner.run_job(str(job.pk), str(job.lease))
            job.refresh_from_db()
            if state != Job.State.DONE:
                raise SystemExit(f"the demo job ended {state}: {job.error}")
        self.stdout.write(f"demo job: {job} — {job.lead_count} leads (/jobs/{job.pk}/)")
