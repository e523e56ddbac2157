"""Accounts, authentication, sessions and roles; the admin's actions."""
