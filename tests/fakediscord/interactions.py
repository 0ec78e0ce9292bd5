"""What a user does, as Discord's client would send it: slash command options, modal submissions, and
the handle a test holds on one interaction to await the bot's callback, followups and edits."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .models import FakeAttachment, FakeChannel, FakeGuild, FakeRole, FakeUser
from .state import Callback, InteractionRecord, RecordedRequest, StoredMessage

if TYPE_CHECKING:
    from .harness import FakeDiscord

_OPTION_TYPES = {
    "sub_command": 1,
    "sub_command_group": 2,
    "string": 3,
    "integer": 4,
    "boolean": 5,
    "user": 6,
    "channel": 7,
    "role": 8,
    "mentionable": 9,
    "number": 10,
    "attachment": 11,
}


class InteractionHandle:
    """One interaction a test dispatched, and everything the bot did in answer to it."""

    def __init__(self, fake: FakeDiscord, record: InteractionRecord) -> None:
        self._fake = fake
        self.record = record

    @property
    def id(self) -> int:
        return self.record.id

    @property
    def token(self) -> str:
        return self.record.token

    @property
    def payload(self) -> dict[str, Any]:
        """The INTERACTION_CREATE data as dispatched."""
        return self.record.payload

    @property
    def callback(self) -> Callback | None:
        """The first callback the bot sent (accepted or refused), if any yet."""
        return self.record.callbacks[0] if self.record.callbacks else None

    @property
    def response_delay(self) -> float:
        """Seconds from dispatch to the callback's arrival (the 3-second deadline applies to this)."""
        if self.callback is None:
            raise AssertionError(f"interaction {self.id} has no callback yet")
        return self.callback.delay

    def requests(self) -> list[RecordedRequest]:
        """Every request the bot made for this interaction (callback, followups, @original)."""
        return [r for r in self._fake.request_log if f"/{self.token}" in r.path]

    @property
    def messages(self) -> list[StoredMessage]:
        ids = ([self.record.original_id] if self.record.original_id else []) + self.record.followup_ids
        return [self._fake.messages[i] for i in ids]

    async def wait_for_response(self, timeout: float = 5.0) -> Callback:
        """The interaction callback (type 4 message, 5 defer, 6/7 update, 8 autocomplete, 9 modal)."""
        return await self._wait(lambda: self.callback, timeout, "the interaction callback")

    async def followups(self, count: int = 1, timeout: float = 5.0) -> list[StoredMessage]:
        """All followup messages, once there are at least ``count``."""
        await self._wait(lambda: len(self.record.followup_ids) >= count, timeout, f"{count} followup(s)")
        return [self._fake.messages[i] for i in self.record.followup_ids]

    async def original(self, timeout: float = 5.0) -> StoredMessage:
        """@original once it holds an answer: a message response, or a deferred one after its first edit."""
        return await self.wait_for_original(lambda m: not m.loading, timeout, "@original with an answer")

    async def wait_for_original(
        self, predicate: Callable[[StoredMessage], bool], timeout: float = 5.0, what: str = "@original to match"
    ) -> StoredMessage:
        def ready() -> StoredMessage | None:
            if self.record.original_id is None:
                return None
            message = self._fake.messages[self.record.original_id]
            return message if predicate(message) else None

        return await self._wait(ready, timeout, what)

    async def _wait(self, predicate: Callable[[], Any], timeout: float, what: str) -> Any:
        try:
            return await self._fake.changes.wait_for(predicate, timeout, f"{what} of interaction {self.id}")
        except TimeoutError as error:
            raise TimeoutError(f"{error}\n{self._fake.diagnose(self)}") from None


def leaf_schema(schema: list[dict[str, Any]] | None, parts: list[str]) -> list[dict[str, Any]] | None:
    """The options schema of subcommand ``parts`` (e.g. ["group", "sub"]) inside a command's options."""
    for part in parts:
        if schema is None:
            return None
        sub = next((o for o in schema if o["name"] == part and o["type"] in (1, 2)), None)
        if sub is None:
            raise ValueError(f"the synced command has no subcommand {part!r}")
        schema = sub.get("options", [])
    return schema


def build_options(
    guild: FakeGuild,
    invoker: FakeUser,
    schema: list[dict[str, Any]] | None,
    values: dict[str, Any],
    resolved: dict[str, dict[str, Any]],
    focused: str | None,
) -> list[dict[str, Any]]:
    """The ``options`` of a slash command interaction, typed from the synced ``schema`` when there is
    one (else from the Python values), filling ``resolved`` for users, roles, channels and attachments.
    Like Discord's client, refuses missing required options and strings outside min/max_length."""
    options = []
    if schema is not None:
        known = {o["name"]: o for o in schema}
        missing = [o["name"] for o in schema if o.get("required") and o["name"] not in values]
        if missing and focused is None:
            raise ValueError(f"Discord's client requires option(s) {missing}")
        unknown = set(values) - set(known)
        if unknown:
            raise ValueError(f"the synced command has no option(s) {sorted(unknown)}; it has {sorted(known)}")
    for option_name, value in values.items():
        spec = (schema and next((o for o in schema if o["name"] == option_name), None)) or {}
        kind = int(spec.get("type") or _infer_type(value))
        if kind == 3 and focused != option_name:
            if spec.get("min_length") is not None and len(value) < spec["min_length"]:
                raise ValueError(f"Discord's client refuses {option_name!r} shorter than {spec['min_length']}")
            if spec.get("max_length") is not None and len(value) > spec["max_length"]:
                raise ValueError(f"Discord's client refuses {option_name!r} longer than {spec['max_length']}")
        option = {"name": option_name, "type": kind, "value": _option_value(guild, invoker, kind, value, resolved)}
        if focused == option_name:
            option["focused"] = True
        options.append(option)
    return options


# bool before int: True is an int too.
_PYTHON_OPTION_TYPES = (
    (bool, "boolean"),
    (int, "integer"),
    (float, "number"),
    (FakeUser, "user"),
    (FakeRole, "role"),
    (FakeChannel, "channel"),
    (FakeAttachment, "attachment"),
)


def _infer_type(value: Any) -> int:
    name = next((name for kind, name in _PYTHON_OPTION_TYPES if isinstance(value, kind)), "string")
    return _OPTION_TYPES[name]


def _option_value(
    guild: FakeGuild, invoker: FakeUser, kind: int, value: Any, resolved: dict[str, dict[str, Any]]
) -> Any:
    if isinstance(value, FakeUser):
        resolved.setdefault("users", {})[str(value.id)] = value.payload()
        if value.id in guild.members:
            resolved.setdefault("members", {})[str(value.id)] = guild.member_payload(
                value, permissions=guild.permissions_of(value), with_user=False
            )
        return str(value.id)
    if isinstance(value, FakeRole):
        resolved.setdefault("roles", {})[str(value.id)] = value.payload()
        return str(value.id)
    if isinstance(value, FakeChannel):
        resolved.setdefault("channels", {})[str(value.id)] = {
            **value.payload(),
            "permissions": str(guild.permissions_of(invoker)),
        }
        return str(value.id)
    if isinstance(value, FakeAttachment):
        resolved.setdefault("attachments", {})[str(value.id)] = value.payload()
        return str(value.id)
    if kind == 4:
        return int(value)
    if kind == 10:
        return float(value)
    return value


def submitted_components(components: list[dict[str, Any]], values: dict[str, Any]) -> list[dict[str, Any]]:
    """The ``components`` of a modal submit for the modal ``components`` the bot sent, filled from
    ``values`` (custom_id -> text, or list for selects). Refuses what Discord's client would."""
    unknown = set(values) - {c.get("custom_id") for c in _modal_inputs(components)}
    if unknown:
        raise ValueError(f"the modal has no input(s) {sorted(unknown)}")
    rows = [_submitted_component(c, values) for c in components]
    return [r for r in rows if r is not None]


def _submitted_component(component: dict[str, Any], values: dict[str, Any]) -> dict[str, Any] | None:
    kind = component.get("type")
    if kind == 1:
        children = [_submitted_component(c, values) for c in component.get("components", [])]
        return {"type": 1, "components": [c for c in children if c is not None]}
    if kind == 18:
        inner = _submitted_component(component["component"], values)
        return {"type": 18, "id": component.get("id", 0), "component": inner}
    if kind == 4:
        custom_id = component["custom_id"]
        value = values.get(custom_id, component.get("value") or "")
        if component.get("required", True) and not value:
            raise ValueError(f"Discord's client requires modal input {custom_id!r}")
        if value and len(value) < int(component.get("min_length") or 0):
            raise ValueError(f"Discord's client refuses {custom_id!r} shorter than {component['min_length']}")
        if len(value) > int(component.get("max_length") or 4000):
            raise ValueError(f"Discord's client refuses {custom_id!r} longer than {component['max_length']}")
        return {"type": 4, "id": component.get("id", 0), "custom_id": custom_id, "value": value}
    if kind in (3, 5, 6, 7, 8):
        chosen = values.get(component["custom_id"], [])
        return {
            "type": kind,
            "custom_id": component["custom_id"],
            "values": list(chosen) if not isinstance(chosen, str) else [chosen],
        }
    return None


def _modal_inputs(components: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found = []
    for component in components:
        if component.get("type") == 1:
            found += _modal_inputs(component.get("components", []))
        elif component.get("type") == 18:
            found += _modal_inputs([component["component"]])
        elif "custom_id" in component:
            found.append(component)
    return found
