"""A gate process for the crash tests: fills an outbox and uploads it, until it is killed.

Usage: python outbox_child.py DB URL COUNT MODE, where MODE is ``fill`` (add COUNT events one
by one, printing each number once it is durable, then upload) or ``upload`` (upload only).
"""

from __future__ import annotations

import sys
from pathlib import Path

import httpx

from menwei.gate.outbox import Outbox, UploadReceipt


def main() -> None:
    db, url, count, mode = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    outbox = Outbox(Path(db))
    if mode == "fill":
        for n in range(count):
            outbox.add("passage", {"n": n, "door": "east"})
            print(n, flush=True)
    with httpx.Client(timeout=30) as client:

        def send(batch):
            response = client.post(url, json=[e.to_wire() for e in batch])
            response.raise_for_status()
            return UploadReceipt(response.json()["acknowledged"])

        outbox.upload(send, batch_size=25)
    print("done", flush=True)


if __name__ == "__main__":
    main()
