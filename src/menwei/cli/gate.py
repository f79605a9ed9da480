"""``menwei gate``: run the door agent for one door or turnstile."""

from __future__ import annotations

import logging
import uuid
from pathlib import Path
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    @app.command("gate")
    def gate(
        source: Annotated[
            str,
            typer.Option(help="Camera index (0), RTSP/HTTP URL, video file or image folder."),
        ],
        server: Annotated[
            str | None, typer.Option(help="The menwei server, e.g. https://menwei.example.org")
        ] = None,
        token: Annotated[
            str | None,
            typer.Option(envvar="MENWEI_DEVICE_TOKEN", help="This device's token (or env)."),
        ] = None,
        driver: Annotated[
            str, typer.Option(help="Door driver: simulated, http-relay or gpio.")
        ] = "simulated",
        door: Annotated[
            str | None, typer.Option(help="Door id, when the device serves several.")
        ] = None,
        data_dir: Annotated[
            Path | None, typer.Option(help="Local state, outbox and device key (0600) folder.")
        ] = None,
        relay_open_url: Annotated[
            str | None, typer.Option(help="http-relay: URL to unlock ({door}, {pulse_ms}).")
        ] = None,
        relay_close_url: Annotated[
            str | None, typer.Option(help="http-relay: URL to lock.")
        ] = None,
        relay_door: Annotated[str, typer.Option(help="http-relay: the {door} value.")] = "0",
        gpio_chip: Annotated[str, typer.Option(help="gpio: chip device.")] = "/dev/gpiochip0",
        gpio_line: Annotated[int, typer.Option(help="gpio: line offset of the relay.")] = 17,
        pulse: Annotated[float, typer.Option(help="Seconds the lock stays released.")] = 3.0,
        held_open_alarm: Annotated[
            float, typer.Option(help="Seconds open before the held-open alarm.")
        ] = 30.0,
        max_frame_age: Annotated[
            float, typer.Option(help="Drop frames older than this many seconds.")
        ] = 0.5,
        replay: Annotated[
            bool, typer.Option(help="Read a folder or file without dropping frames.")
        ] = False,
        sync_interval: Annotated[float, typer.Option(help="Seconds between syncs.")] = 10.0,
        tailgating_window: Annotated[
            float, typer.Option(help="Seconds after a passage in which crossings are counted.")
        ] = 6.0,
        tailgating_tolerance: Annotated[
            int, typer.Option(help="Extra people allowed per window before an alert.")
        ] = 0,
        kiosk_port: Annotated[
            int | None, typer.Option(help="Serve the gate screen on localhost:PORT.")
        ] = None,
        notice_url: Annotated[
            str | None, typer.Option(help="Public notice page shown as a QR code on the screen.")
        ] = None,
        detect_max_side: Annotated[
            int, typer.Option(help="Detect on frames scaled to this longest side (speed).")
        ] = 640,
        pin_pad: Annotated[
            str | None, typer.Option(help="PIN pad: its Linux input device (event file).")
        ] = None,
        liveness: Annotated[
            str,
            typer.Option(
                help="Presentation-attack checks: passive, passive_temporal, active or off "
                "(every event says which verdict it had)."
            ),
        ] = "passive",
        card_reader: Annotated[
            str | None,
            typer.Option(
                help="Keyboard-wedge card reader: - (standard input) or its event device."
            ),
        ] = None,
    ) -> None:
        """Run the gate agent: frames and cards to door decisions, offline-first."""
        from menwei.gate.agent import GateAgent, GateConfig
        from menwei.gate.doors import RelayConfig
        from menwei.gate.errors import GateError
        from menwei.settings import get_settings
        from menwei.vision.errors import VisionError

        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
        try:
            door_id = uuid.UUID(door) if door else None
        except ValueError:
            typer.echo(f"--door must be a door id (a UUID), not {door!r}.", err=True)
            raise typer.Exit(2) from None
        config = GateConfig(
            data_dir=data_dir or get_settings().data_dir / "gate",
            source=source,
            server=server,
            token=token,
            driver=driver,
            door_id=door_id,
            relay=(
                RelayConfig(open_url=relay_open_url, close_url=relay_close_url, door=relay_door)
                if relay_open_url
                else None
            ),
            gpio_chip=gpio_chip,
            gpio_line=gpio_line,
            pulse_s=pulse,
            held_open_alarm_s=held_open_alarm,
            max_frame_age_s=max_frame_age,
            replay=replay,
            sync_interval_s=sync_interval,
            tailgating_window_s=tailgating_window,
            tailgating_tolerance=tailgating_tolerance,
            kiosk_port=kiosk_port,
            notice_url=notice_url,
            detect_max_side=detect_max_side,
            liveness=liveness,
        )
        agent = None
        try:
            agent = GateAgent(config)
            agent.start()
            if card_reader:
                agent.read_cards(card_reader)
            if pin_pad:
                agent.read_pin_pad(pin_pad)
            frames = agent.run()
            typer.echo(f"Processed {frames} frames; {len(agent.outbox)} events wait for upload.")
        except GateError as error:
            typer.echo(error.message, err=True)
            raise typer.Exit(1) from None
        except VisionError as error:
            typer.echo(error.message, err=True)
            raise typer.Exit(1) from None
        except KeyboardInterrupt:
            typer.echo("Stopped.")
        finally:
            if agent is not None:
                agent.close()
