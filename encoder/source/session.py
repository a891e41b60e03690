"""Session settings a dump changes with ``SET`` statements, as the rows that follow see them.

Only what affects how values must be interpreted is tracked: the client character set
(``SET NAMES x``, ``SET CHARACTER SET x``, ``SET character_set_client = x``) and the time zone
(``SET TIME_ZONE = '+00:00'``, ``SET @@session.time_zone = ...``). User variables assigned from
session variables are remembered so mysqldump's save/restore idiom
(``SET @OLD_TIME_ZONE=@@TIME_ZONE`` ... ``SET TIME_ZONE=@OLD_TIME_ZONE``) works.

Public API: ``Session``, ``SessionTracker``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

# System variables whose value is tracked, by lower-case name -> Session field.
_TRACKED = {
    "names": "charset",
    "character_set_client": "charset",
    "time_zone": "time_zone",
}


@dataclass(frozen=True)
class Session:
    """The settings in effect for a batch of rows; ``None`` means the server default."""

    charset: str | None = None
    time_zone: str | None = None

    def to_json(self) -> dict[str, str | None]:
        return {"charset": self.charset, "time_zone": self.time_zone}

    @classmethod
    def from_json(cls, d: dict[str, str | None]) -> Session:
        return cls(charset=d.get("charset"), time_zone=d.get("time_zone"))


class SessionTracker:
    """Applies parsed ``SET`` assignments to a ``Session``."""

    def __init__(self, session: Session | None = None) -> None:
        self.session = session or Session()
        self.user_vars: dict[str, str | None] = {}

    def system_value(self, name: str) -> str | None:
        field = _TRACKED.get(name.lower())
        return None if field is None else getattr(self.session, field)

    def assign_system(self, name: str, value: str | None) -> None:
        field = _TRACKED.get(name.lower())
        if field is not None:
            self.session = replace(self.session, **{field: value})

    def assign_user(self, name: str, value: str | None) -> None:
        self.user_vars[name.lower()] = value

    def user_value(self, name: str) -> str | None:
        return self.user_vars.get(name.lower())
