"""The residents' portal: signing in, the notice and consent, and their own data."""
