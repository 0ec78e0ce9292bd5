"""The fake gateway: Discord's websocket protocol (JSON encoding, optional zlib-stream) on one aiohttp route.

discord.py asks for ``compress=zlib-stream`` in the URL (``zstd-stream`` when a zstd module is
installed); we honour zlib-stream with one shared compressor per connection and a Z_SYNC_FLUSH
after each message, exactly as Discord does. For any other value we send text frames, which
discord.py reads uncompressed. Sessions outlive connections so RESUME replays what was missed.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import time
import zlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

if TYPE_CHECKING:
    from .harness import FakeDiscord

DISPATCH, HEARTBEAT, IDENTIFY, PRESENCE, RESUME, RECONNECT = 0, 1, 2, 3, 6, 7
REQUEST_MEMBERS, INVALID_SESSION, HELLO, HEARTBEAT_ACK = 8, 9, 10, 11

INTENT_GUILDS = 1 << 0
INTENT_GUILD_MEMBERS = 1 << 1
INTENT_GUILD_MESSAGES = 1 << 9
INTENT_MESSAGE_CONTENT = 1 << 15

# Closing with these ends the session (no RESUME); others (discord.py uses 4000 to reconnect) keep it.
_FINAL_CLOSE_CODES = (1000, 1001)


@dataclass(frozen=True)
class GatewayFrame:
    """One gateway message, as sent ("send": fake -> bot) or received ("recv": bot -> fake)."""

    direction: str
    op: int
    t: str | None
    d: Any
    at: float
    session_id: str | None


class Connection:
    """One websocket; a writer task sends queued frames in order (compression state depends on order)."""

    def __init__(self, ws: web.WebSocketResponse, compress: bool) -> None:
        self.ws = ws
        self._compressor = zlib.compressobj() if compress else None
        self._outbox: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue()
        self.session: Session | None = None
        self.writer = asyncio.create_task(self._write(), name="fakediscord-gateway-writer")

    def send(self, payload: dict[str, Any]) -> None:
        self._outbox.put_nowait(payload)

    async def _write(self) -> None:
        while (payload := await self._outbox.get()) is not None:
            text = json.dumps(payload, separators=(",", ":"))
            try:
                if self._compressor is not None:
                    data = self._compressor.compress(text.encode()) + self._compressor.flush(zlib.Z_SYNC_FLUSH)
                    await self.ws.send_bytes(data)
                else:
                    await self.ws.send_str(text)
            except (ConnectionError, RuntimeError):
                return  # the bot went away; its session keeps the events for RESUME

    async def finish(self) -> None:
        self._outbox.put_nowait(None)
        try:
            await asyncio.wait_for(self.writer, 1.0)
        except (TimeoutError, asyncio.CancelledError):
            self.writer.cancel()


@dataclass(eq=False)
class Session:
    id: str
    intents: int
    shard: list[int] | None
    seq: int = 0
    alive: bool = True
    connection: Connection | None = None
    events: list[dict[str, Any]] = field(default_factory=list)
    guilds_sent: bool = False


class Gateway:
    def __init__(self, owner: FakeDiscord, heartbeat_interval_ms: int) -> None:
        self.owner = owner
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.sessions: dict[str, Session] = {}
        self.connections: set[Connection] = set()
        self.log: list[GatewayFrame] = []
        self.connect_queries: list[dict[str, str]] = []  # each websocket's URL query (v, encoding, compress)
        self.close_codes: list[int | None] = []  # the code each closed websocket's client sent (None: dropped)

    # -- the websocket route -------------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        self.connect_queries.append(dict(request.query))
        conn = Connection(ws, compress=request.query.get("compress") == "zlib-stream")
        self.connections.add(conn)
        self._send(conn, {"op": HELLO, "d": {"heartbeat_interval": self.heartbeat_interval_ms}})
        client_close_code: int | None = None
        try:
            while True:
                msg = await ws.receive()
                if msg.type is WSMsgType.CLOSE:
                    client_close_code = msg.data  # ws.close_code would report our own answering close
                if msg.type is not WSMsgType.TEXT:
                    break
                payload = json.loads(msg.data)
                self.log.append(
                    GatewayFrame(
                        "recv",
                        payload.get("op"),
                        None,
                        payload.get("d"),
                        time.monotonic(),
                        conn.session.id if conn.session else None,
                    )
                )
                await self._on_frame(conn, payload)
        finally:
            self.connections.discard(conn)
            self.close_codes.append(client_close_code)
            session = conn.session
            if session is not None and session.connection is conn:
                session.connection = None
                if client_close_code in _FINAL_CLOSE_CODES:
                    session.alive = False
            await conn.finish()
            self.owner.changes.notify()
        return ws

    async def _on_frame(self, conn: Connection, payload: dict[str, Any]) -> None:
        op, data = payload.get("op"), payload.get("d")
        if op == HEARTBEAT:
            self._send(conn, {"op": HEARTBEAT_ACK})
        elif op == IDENTIFY:
            await self._identify(conn, data)
        elif op == RESUME:
            await self._resume(conn, data)
        elif op == REQUEST_MEMBERS:
            self._send_member_chunk(conn, data)
        elif op == PRESENCE:
            pass  # recorded in the log; nothing else to do
        else:
            await conn.ws.close(code=4001, message=b"Unknown opcode")

    async def _identify(self, conn: Connection, data: dict[str, Any]) -> None:
        if data.get("token") != self.owner.token:
            await conn.ws.close(code=4004, message=b"Authentication failed")
            return
        if "intents" not in data:
            await conn.ws.close(code=4013, message=b"Invalid intent(s)")
            return
        session = Session(id=secrets.token_hex(16), intents=int(data["intents"]), shard=data.get("shard"))
        self.sessions[session.id] = session
        session.connection = conn
        conn.session = session
        ready = {
            "v": 10,
            "user": self.owner.bot_user.payload(),
            "guilds": [{"id": str(self.owner.guild.id), "unavailable": True}],
            "session_id": session.id,
            "session_type": "normal",
            "resume_gateway_url": self.owner.ws_url,
            "application": {"id": str(self.owner.application_id), "flags": self.owner.application_flags},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "geo_ordered_rtc_regions": ["us-east"],
            "guild_join_requests": [],
            "user_settings": {},
            "auth": {},
        }
        if session.shard is not None:
            ready["shard"] = session.shard
        self._dispatch_to(session, "READY", ready)
        guild = self.owner.guild.payload(include_members=bool(session.intents & INTENT_GUILD_MEMBERS))
        self._dispatch_to(session, "GUILD_CREATE", guild)
        session.guilds_sent = True
        self.owner.changes.notify()

    async def _resume(self, conn: Connection, data: dict[str, Any]) -> None:
        session = self.sessions.get(data.get("session_id", ""))
        if session is None or not session.alive or data.get("token") != self.owner.token:
            self._send(conn, {"op": INVALID_SESSION, "d": False})
            return
        if session.connection is not None and session.connection is not conn:
            await session.connection.ws.close(code=4000, message=b"Session resumed elsewhere")
        session.connection = conn
        conn.session = session
        last_seen = int(data.get("seq") or 0)
        for event in session.events:
            if event["s"] > last_seen:
                self._send(conn, event)
        self._dispatch_to(session, "RESUMED", {})
        self.owner.changes.notify()

    def _send_member_chunk(self, conn: Connection, data: dict[str, Any]) -> None:
        if conn.session is None:
            return
        guild = self.owner.guild
        wanted = {int(u) for u in data.get("user_ids") or []}
        members = [m for m in guild.members.values() if not wanted or m.id in wanted]
        self._dispatch_to(
            conn.session,
            "GUILD_MEMBERS_CHUNK",
            {
                "guild_id": str(guild.id),
                "members": [guild.member_payload(m) for m in members],
                "chunk_index": 0,
                "chunk_count": 1,
                "not_found": [],
                "nonce": data.get("nonce"),
            },
        )

    # -- sending -------------------------------------------------------------------------------

    def _send(self, conn: Connection, payload: dict[str, Any]) -> None:
        self.log.append(
            GatewayFrame(
                "send",
                payload["op"],
                payload.get("t"),
                payload.get("d"),
                time.monotonic(),
                conn.session.id if conn.session else None,
            )
        )
        conn.send(payload)

    def _dispatch_to(self, session: Session, event: str, data: Any) -> None:
        session.seq += 1
        payload = {"op": DISPATCH, "t": event, "s": session.seq, "d": data}
        session.events.append(payload)
        if session.connection is not None:
            self._send(session.connection, payload)

    def live_sessions(self, intent: int = 0) -> list[Session]:
        return [s for s in self.sessions.values() if s.alive and s.guilds_sent and (s.intents & intent) == intent]

    def dispatch(self, event: str, data: Any, *, intent: int = 0) -> int:
        """Send an event to every live session that subscribed to ``intent``; a session that is between
        connections gets it on RESUME, like Discord. Returns how many sessions it went to."""
        sessions = self.live_sessions(intent)
        for session in sessions:
            self._dispatch_to(session, event, data)
        return len(sessions)

    def request_reconnect(self) -> int:
        """Send op 7 RECONNECT on every connection; discord.py closes with 4000 and RESUMEs."""
        count = 0
        for conn in list(self.connections):
            if conn.session is not None:
                self._send(conn, {"op": RECONNECT, "d": None})
                count += 1
        return count

    async def close_all(self) -> None:
        for conn in list(self.connections):
            await conn.ws.close(code=1001, message=b"Fake Discord shutting down")
