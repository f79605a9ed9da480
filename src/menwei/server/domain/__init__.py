"""What the services speak in: the caller and the errors, with nothing of HTTP.

The services below the routers and pages import only this room (and the store, core, privacy and
governance); ``server.deps`` builds a ``Caller`` from a request and ``server.errors`` answers each
error with the status its class is given there.
"""
