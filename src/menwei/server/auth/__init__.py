"""Who is asking: passwords, tokens, login throttling, and the roles a caller holds."""
