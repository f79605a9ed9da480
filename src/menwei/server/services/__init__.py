"""Service functions: each owns its transaction (``with uow: …; uow.commit()``).

Routes call these with plain values and the caller's ``Principal``; these call the store's
repositories with the caller's community scope, so a row outside it is never even loaded.
"""
