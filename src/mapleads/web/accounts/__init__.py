"""Accounts: what we hold about a user (profile), consent records, sign-up details."""
