"""The one refusal a sheet can meet: the whole file is rejected and the reasons are listed."""

from __future__ import annotations

from menwei.core.errors import BilingualError


class ImportRejected(BilingualError):
    """A bulk import file has invalid rows; nothing was imported."""

    code = "import_rejected"
