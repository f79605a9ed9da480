"""Service functions: each owns its transaction (``with uow: …; uow.commit()``).

Routes call these with plain values and the caller (``server.domain.caller.Caller``); these call
the store's repositories with the caller's community scope, so a row outside it is never even
loaded. A service knows nothing of HTTP: no request, no upload object, no status code. It raises
the refusals of ``server.domain.errors`` and the HTTP layer answers them
(``tests/test_layering.py`` holds it to that).
"""
