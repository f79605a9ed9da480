"""Pages anyone may open without signing in: a community's page, posters, the kiosk."""
