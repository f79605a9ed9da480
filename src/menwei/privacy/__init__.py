"""Notices, consent, the template vault, the audit chain, rights requests, retention, compliance."""
