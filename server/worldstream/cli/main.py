"""`worldstream`: serve, create, worlds, delete, export, walk, demo, token, verify."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from pathlib import Path

from rich.markup import escape

from worldstream.cli import commands as cmd
from worldstream.cli import realtime as rt
from worldstream.cli.connect import (
    MODEL_DOCS,
    SECURITY_DOCS,
    add_depth_options,
    add_target_options,
    connect,
    depth_settings,
)
from worldstream.cli.progress import console
from worldstream.client import ClientError
from worldstream.errors import WorldStreamError

AUTH_CHOICES = {"auto": None, "on": True, "off": False}


def _serve(args: argparse.Namespace) -> int:
    from worldstream.api.config import ServerConfig
    from worldstream.api.server import serve
    from worldstream.api.tokens import TOKENS_ENV, load_tokens
    from worldstream.store.store import default_data_dir

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    config = ServerConfig(
        host=args.host,
        port=args.port,
        data_dir=args.data_dir or default_data_dir(),
        auth=AUTH_CHOICES[args.auth],
        tokens=load_tokens(args.tokens, os.environ.get(TOKENS_ENV)),
        tls_cert=args.tls_cert,
        tls_key=args.tls_key,
        max_sessions_per_tenant=args.max_sessions_per_tenant,
        **depth_settings(args),
    )
    asyncio.run(
        serve(config, on_ready=lambda port: console.print(f"serving on {args.host}:{port}"))
    )
    return 0


def _token(args: argparse.Namespace) -> int:
    from worldstream.api.tokens import new_token, parse_entry
    from worldstream.errors import InvalidArgument
    from worldstream.store.tenants import TENANT_NAME

    # Checked here too, to name the tenant as given (repr shows a stray newline or space); the
    # entry check below names no part of an entry, which may hold a token.
    if not TENANT_NAME.fullmatch(args.tenant):
        raise ValueError(
            f"tenant {args.tenant!r} must be [a-z][a-z0-9-]{{0,62}}: lower-case letters, digits "
            "and '-', starting with a letter"
        )
    token = new_token()
    try:
        parse_entry(f"{args.tenant}:{token}", "tenant", "")
    except InvalidArgument as exc:
        raise ValueError(exc.message) from None
    print(f"{args.tenant}:{token}")
    return 0


def _verify(args: argparse.Namespace) -> int:
    from worldstream.store.store import default_data_dir
    from worldstream.store.verify import verify_data_dir

    # Reads only (the catalog read-only): safe beside a running server, and it changes nothing.
    checked = verify_data_dir(args.data_dir or default_data_dir())
    broken = 0
    for world in checked:
        broken += bool(world.problems)
        verdict = "; ".join(world.problems) if world.problems else "ok"
        if world.state not in ("ready", "orphan"):
            verdict = f"{verdict} ({world.state})"
        print(f"{world.name}\t{verdict}")
    console.print(f"{len(checked)} worlds checked, {broken} with problems")
    return 1 if broken else 0


def _create(args: argparse.Namespace) -> int:
    photo = cmd.read_photo(args.image)
    with connect(args) as client:
        world = cmd.create_world(
            client,
            photo,
            f"creating from {args.image.name}",
            world_id=args.id or "",
            display_name=args.name or args.image.stem,
            generator=args.generator or "",
            horizontal_fov_degrees=args.fov or 0.0,
        )
    console.print(
        f"{world.splat_count:,} splats, {world.generator} generator, "
        f"depth from {world.scale.depth_source}",
        soft_wrap=True,
    )
    print(world.name)
    return 0


def _worlds(args: argparse.Namespace) -> int:
    with connect(args) as client:
        return cmd.print_worlds(client)


def _delete(args: argparse.Namespace) -> int:
    with connect(args) as client:
        client.delete_world(args.world)
    print(f"deleted {args.world}")
    return 0


def _export(args: argparse.Namespace) -> int:
    with connect(args) as client:
        header = cmd.export_world(client, args.world, args.output, args.format, args.frame)
    console.print(f"{header.total_bytes:,} bytes")
    print(args.output)
    return 0


def _walk(args: argparse.Namespace) -> int:
    if args.realtime:
        return _walk_realtime(args)
    with connect(args) as client:
        report = cmd.walk_world(
            client,
            args.world,
            args.path,
            args.out,
            args.width,
            args.height,
            args.timeout,
            fidelity=args.fidelity,
        )
    cmd.summarise_walk(report)
    print(args.out / "report.json")
    return 0 if all(p.complete for p in report.poses) else 3


def _walk_realtime(args: argparse.Namespace) -> int:
    with connect(args) as client:
        report = rt.walk_world_realtime(
            client,
            args.world,
            args.path,
            args.out,
            args.width,
            args.height,
            hz=args.hz,
            speed=args.speed,
            turn_rate=args.turn_rate,
            settle=args.settle,
            fidelity=args.fidelity,
            video=not args.no_video,
        )
    rt.summarise_realtime(report)
    if report.video:
        console.print(f"video    {args.out / report.video}")
    print(args.out / "report.json")
    return 0


def _demo(args: argparse.Namespace) -> int:
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    args.server = None
    args.data_dir = args.data_dir or out / "data"
    with connect(args) as client:
        world = cmd.create_world(
            client,
            cmd.demo_photo(),
            "creating a world from skimage's coffee photo",
            display_name="coffee",
        )
        report = cmd.walk_world(
            client, world.name, args.path, out / "walk", args.width, args.height, args.timeout
        )
        # The same path as a player would walk it, from nothing held: the video shows what
        # streams in, frame by frame.
        realtime = rt.walk_world_realtime(
            client,
            world.name,
            args.path,
            out / "realtime",
            args.width,
            args.height,
            hz=args.hz,
            speed=args.speed,
            turn_rate=args.turn_rate,
            settle=args.settle,
        )
        ply = out / "world.ply"
        cmd.export_world(client, world.name, ply, "ply", None)
    cmd.summarise_walk(report)
    rt.summarise_realtime(realtime)
    preview = cmd.preview_strip(out / "walk", report)
    console.print(f"world    {world.name} ({world.splat_count:,} splats, data in {args.data_dir})")
    console.print(f"preview  {preview}")
    console.print(f"frames   {out / 'walk'}")
    console.print(f"video    {out / 'realtime' / str(realtime.video)} (a real-time walk)")
    console.print(f"report   {out / 'walk' / 'report.json'}")
    console.print(f"ply      {ply}")
    print(preview)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="worldstream", description="One photo in; a walkable Gaussian-splat world out."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("serve", help="run the gRPC server until SIGINT/SIGTERM")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=50051)
    p.add_argument("--data-dir", type=Path)
    add_depth_options(p)
    g = p.add_argument_group("security", f"see {SECURITY_DOCS}")
    g.add_argument(
        "--auth",
        choices=list(AUTH_CHOICES),
        default="auto",
        help="require bearer tokens; auto (the default): on unless --host is a loopback address",
    )
    g.add_argument(
        "--tokens",
        type=Path,
        metavar="FILE",
        help="TENANT:TOKEN per line (make one with `worldstream token TENANT`); also read "
        "from $WORLDSTREAM_TOKENS (entries separated by commas)",
    )
    g.add_argument("--tls-cert", type=Path, metavar="FILE", help="PEM certificate chain")
    g.add_argument("--tls-key", type=Path, metavar="FILE", help="PEM private key")
    g.add_argument(
        "--max-sessions-per-tenant",
        type=int,
        default=64,
        metavar="N",
        help="Explore streams a tenant may have open at once (default 64)",
    )
    p.set_defaults(run=_serve)

    p = sub.add_parser("token", help="print a new TENANT:TOKEN line for a tokens file")
    p.add_argument("tenant", help="tenant name ([a-z][a-z0-9-]{0,62})")
    p.set_defaults(run=_token)

    p = sub.add_parser(
        "verify", help="check every world's files against the checksums in its manifest"
    )
    p.add_argument("--data-dir", type=Path)
    p.set_defaults(run=_verify)

    p = sub.add_parser("create", help="create a world from a photo; prints worlds/<id> last")
    p.add_argument("image", type=Path)
    p.add_argument("--id", help="world id ([a-z][a-z0-9-]{2,62}); the server picks one if absent")
    p.add_argument("--name", help="display name (default: the file's stem)")
    p.add_argument("--fov", type=float, help="horizontal field of view of the photo, degrees")
    p.add_argument(
        "--generator",
        metavar="NAME",
        help="generation backend: classic (the default; depth from --depth-model or the layout "
        "prior) or prior (a floor-and-backdrop depth prior)",
    )
    add_target_options(p)
    p.set_defaults(run=_create)

    p = sub.add_parser("worlds", help="list worlds")
    add_target_options(p)
    p.set_defaults(run=_worlds)

    p = sub.add_parser("delete", help="delete a world")
    p.add_argument("world")
    add_target_options(p)
    p.set_defaults(run=_delete)

    p = sub.add_parser("export", help="export a world as a file")
    p.add_argument("world")
    p.add_argument("--format", default="ply", choices=["ply", "spz", "gltf", "mesh", "collider"])
    p.add_argument(
        "--frame",
        choices=["gltf", "unity", "unreal"],
        help="PLY only: write this frame's axes and units instead of the default RDF, the frame "
        "SuperSplat and splat-transform read PLY in (docs/export-frames.md)",
    )
    p.add_argument("-o", "--output", type=Path, required=True)
    add_target_options(p)
    p.set_defaults(run=_export)

    p = sub.add_parser("walk", help="walk a camera path through Explore and render what arrives")
    p.add_argument("world")
    p.add_argument(
        "--path",
        required=True,
        help="forward:3, orbit:90, outback:3, presets joined by '+' (forward:1+orbit:45), or a "
        ".json file",
    )
    p.add_argument("--out", type=Path, required=True)
    cmd.add_walk_options(p)
    p.add_argument(
        "--fidelity",
        action="store_true",
        help="also render the whole world at full detail at each pose (ref_XXX.png) and report "
        "the PSNR of what the client holds against it",
    )
    rt.add_realtime_options(p)
    add_target_options(p)
    p.set_defaults(run=_walk)

    p = sub.add_parser("demo", help="the whole pipeline on a sample photo, in-process")
    p.add_argument("--out", type=Path, default=Path("worldstream-demo"))
    p.add_argument("--data-dir", type=Path, help="store (default: OUT/data)")
    # Walk in, then turn left: the spawn view, coming closer, and what lies beside it.
    p.add_argument("--path", default="forward:1:0.5+orbit:45:15")
    cmd.add_walk_options(p)
    rt.add_speed_options(p)
    add_depth_options(p)
    p.set_defaults(run=_demo)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    # Messages are escaped: they quote shapes and paths, and "[batch, 3]" reads as rich markup.
    try:
        return args.run(args)
    except ClientError as exc:
        console.print(
            f"[red]error[/] {exc.code.name} {exc.reason}: {escape(exc.message)}", soft_wrap=True
        )
        _hint(exc.reason)
        return 2
    except WorldStreamError as exc:  # raised before any call: e.g. the server would not start
        console.print(f"[red]error[/] {exc.reason}: {escape(exc.message)}", soft_wrap=True)
        _hint(exc.reason)
        return 2
    except ValueError as exc:
        console.print(f"[red]error[/] {escape(str(exc))}", soft_wrap=True)
        return 2


def _hint(reason: str) -> None:
    if reason.startswith("DEPTH_"):
        console.print(
            f"depth models: where to get one, what it must look like: {MODEL_DOCS}", soft_wrap=True
        )
    if reason.startswith(("TOKEN", "AUTH_", "TLS_")):
        console.print(f"tokens, tenants and TLS: {SECURITY_DOCS}", soft_wrap=True)


if __name__ == "__main__":
    sys.exit(main())
