"""The browser kiosk's frames: a camera frame in, what the gate screen shows out.

Device-scoped like the sync API (the kiosk signs in with its device token); the frame is
decided by the device's gate agent on this server (``services.kiosk``) and never stored.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from starlette.concurrency import run_in_threadpool

from menwei.server.deps import Caller, Permit
from menwei.server.routers import API_PREFIX
from menwei.server.services import kiosk

router = APIRouter(prefix=API_PREFIX + "/device", tags=["devices"])

DeviceSync = Annotated[Caller, Depends(Permit("device:sync"))]


@router.post(
    "/kiosk/frames",
    summary="Decide one camera frame of a browser kiosk",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"image/jpeg": {"schema": {"type": "string", "format": "binary"}}},
        }
    },
)
async def kiosk_frame(request: Request, caller: DeviceSync) -> Any:
    """Run the frame through the door's pipeline; answer the decision, hint or prompt shown.

    The answer has the masked name, 「请通行」/「请刷卡或输入密码」/「未能识别」 and a plain
    message in Chinese and English; never a score, never an image.
    """
    data = await request.body()
    image = kiosk.decode_frame(data)
    token = request.headers.get("authorization", "").partition(" ")[2].strip()
    gate = await run_in_threadpool(kiosk.gate_for, request.app.state, caller.principal.id, token)
    return await run_in_threadpool(gate.answer, image)
