"""Owners' votes, public notices with display periods, residents' questions, supervisor aggregates."""
