"""The district supervisors' pages: aggregates of communities, never a person."""
