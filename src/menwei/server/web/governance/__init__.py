"""Owners' votes, public notices and residents' questions: the office's and the committee's
pages, the residents' own, and what they share."""
