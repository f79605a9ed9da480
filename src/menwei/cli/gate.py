"""``menwei gate``: run the door agent for one door or turnstile; ``menwei gate refused``
lists the events the server refused, kept aside in the outbox."""

from __future__ import annotations

import json
import logging
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from menwei.core.passage import PASSAGE_FIELDS

if TYPE_CHECKING:
    from menwei.gate.outbox import RefusedEvent

# The event fields shown to the installer: a passage event's own (its time is shown apart),
# nothing else an event might ever carry by mistake (events hold no templates, images or
# scores by construction).
SHOWN_FIELDS = tuple(name for name in PASSAGE_FIELDS if name != "occurred_at")


def register(app: typer.Typer) -> None:
    gate_app = typer.Typer(
        help="Run the door agent (门禁终端) with --source …; `menwei gate refused` lists the "
        "events the server refused."
    )
    app.add_typer(gate_app, name="gate")

    @gate_app.callback(invoke_without_command=True)
    def gate(
        ctx: typer.Context,
        source: Annotated[
            str | None,
            typer.Option(help="Camera index (0), RTSP/HTTP URL, video file or image folder."),
        ] = None,
        server: Annotated[
            str | None, typer.Option(help="The menwei server, e.g. https://menwei.example.org")
        ] = None,
        token: Annotated[
            str | None,
            typer.Option(envvar="MENWEI_DEVICE_TOKEN", help="This device's token (or env)."),
        ] = None,
        driver: Annotated[
            str | None,
            typer.Option(
                help="Door driver: simulated, http-relay, gpio or uhppote (an access "
                "controller that also decides cards on its own). Default: the settings file's, "
                "else simulated."
            ),
        ] = None,
        settings: Annotated[
            Path | None,
            typer.Option(
                help="Gate settings file (TOML): driver, uhppote controller, osdp readers."
            ),
        ] = None,
        controller_serial: Annotated[
            int | None, typer.Option(help="uhppote: the controller's serial number.")
        ] = None,
        controller_address: Annotated[
            str | None, typer.Option(help="uhppote: the controller's IP[:port] (port 60000).")
        ] = None,
        controller_door: Annotated[
            int | None, typer.Option(help="uhppote: the controller's door number (1-4).")
        ] = None,
        controller_listen: Annotated[
            str | None,
            typer.Option(help="uhppote: IP:port this gate receives events on (0.0.0.0:60001)."),
        ] = None,
        osdp_port: Annotated[
            str | None,
            typer.Option(
                help="OSDP card readers: the RS-485 port (e.g. /dev/ttyUSB0); reader addresses "
                "and keys come from the osdp section of --settings."
            ),
        ] = None,
        controller_listener_address: Annotated[
            str | None,
            typer.Option(help="uhppote: IP:port of this gate as the controller reaches it."),
        ] = None,
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
        refine_under_eye: Annotated[
            float | None,
            typer.Option(
                help="Keep the first pass's landmarks for faces with at least this many pixels "
                "between the eyes (faster; off by default, see BENCHMARKS.md)."
            ),
        ] = None,
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
        if ctx.invoked_subcommand is not None:
            return
        if source is None:
            typer.echo("Missing option '--source': a camera, URL, video file or folder.", err=True)
            raise typer.Exit(2)
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
        from menwei.gate import settings_file

        file_settings: dict[str, Any] = {}
        try:
            if settings is not None:
                file_settings = settings_file.load(settings)
            chosen_driver = driver or str(file_settings.get("driver", "simulated"))
            uhppote = None
            if chosen_driver == "uhppote":
                uhppote = settings_file.uhppote_settings(
                    dict(file_settings.get("uhppote", {})),
                    {
                        "serial": controller_serial,
                        "address": controller_address,
                        "door": controller_door,
                        "listen": controller_listen,
                        "listener_address": controller_listener_address,
                    },
                )
            osdp = None
            if "osdp" in file_settings or osdp_port:
                osdp = settings_file.osdp_settings(
                    {**file_settings.get("osdp", {}), **({"port": osdp_port} if osdp_port else {})}
                )
        except GateError as error:
            typer.echo(error.message, err=True)
            raise typer.Exit(2) from None
        config = GateConfig(
            data_dir=data_dir or get_settings().data_dir / "gate",
            source=source,
            server=server,
            token=token,
            driver=chosen_driver,
            door_id=door_id,
            uhppote=uhppote,
            osdp=osdp is not None,
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
            refine_under_eye=refine_under_eye,
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
            if osdp is not None:
                agent.read_osdp(*osdp)
            frames = agent.run()
            typer.echo(f"Processed {frames} frames; {len(agent.outbox)} events wait for upload.")
            notice = agent.outbox.refused_tally().notice()
            if notice:
                typer.echo(notice)
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

    @gate_app.command("refused")
    def refused(
        data_dir: Annotated[
            Path | None, typer.Option(help="The gate's folder (as given to menwei gate).")
        ] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
        limit: Annotated[int, typer.Option(min=1, help="Show at most this many.")] = 100,
    ) -> None:
        """List the events the server refused for good (newest first); they are never re-sent."""
        from menwei.gate.errors import GateError
        from menwei.gate.outbox import Outbox
        from menwei.settings import get_settings

        path = (data_dir or get_settings().data_dir / "gate") / "outbox.db"
        if not path.is_file():
            typer.echo(f"No outbox at {path}. Check --data-dir.", err=True)
            raise typer.Exit(1)
        try:
            outbox = Outbox(path)
        except GateError as error:
            typer.echo(error.message, err=True)
            raise typer.Exit(1) from None
        try:
            tally = outbox.refused_tally()
            events = outbox.refused(limit)
        finally:
            outbox.close()
        if as_json:
            shown = [_refused_json(e) for e in events]
            document = {"kept": tally.kept, "dropped": tally.dropped, "events": shown}
            typer.echo(json.dumps(document, ensure_ascii=False, indent=2))
            return
        if not tally.total:
            typer.echo("The server has refused no events from this gate.")
            return
        typer.echo(tally.notice())
        for event in events:
            typer.echo(
                f"{_iso(event.occurred_at)}  {event.kind}  {event.body.get('reason_code', '-')}"
                f"  refused: {event.reason_code}  door {event.body.get('door_id', '-')}"
                f"  person {event.body.get('person_id') or '-'}"
            )
        if len(events) < tally.kept:
            typer.echo(f"… {tally.kept - len(events)} older ones; use --limit to see more.")
        typer.echo(
            "These events are never sent again. Each names a person who is not of this gate's "
            "community: check that the gate is registered to the right community."
        )


def _iso(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).isoformat(timespec="seconds")


def _refused_json(event: RefusedEvent) -> dict[str, Any]:
    return {
        "idempotency_key": event.idempotency_key,
        "kind": event.kind,
        "occurred_at": _iso(event.occurred_at),
        "refused_at": _iso(event.refused_at),
        "refusal_code": event.reason_code,
        "event": {name: event.body[name] for name in SHOWN_FIELDS if name in event.body},
    }
