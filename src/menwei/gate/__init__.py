"""The gate agent: frames to door decisions, offline, with a durable event outbox."""
