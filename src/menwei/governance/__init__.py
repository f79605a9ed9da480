"""Owners' votes, public notices with display periods, residents' questions, supervision."""
