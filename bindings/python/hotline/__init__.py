"""libhotline: complaint-hotline cases, their deadlines and penalties.

    with hotline.open("sqlite:hotline.db") as db:
        db.register("C1", at=datetime(..., tzinfo=...), actor="zhang", property="P1", ...)
        print(db.case("C1").state, db.assess(datetime(...)).penalties)

Instants are timezone-aware datetimes; errors are subclasses of hotline.Error.
See help(hotline.Database).
"""
from __future__ import annotations

import dataclasses
import datetime as _dt
import enum
import json
import os
import sys
import time as _time
from typing import (Any, Callable, Dict, FrozenSet, Generic, Iterator, List, Optional, Sequence, Tuple, TypeVar,
                    Union)

from . import lowlevel as _ll
# The exception classes are made by the C module from the library's error list.
from .lowlevel import (Conflict, Corrupt, Duplicate, Error, FileError, Forbidden, Invalid, InvalidTransition,
                       NoMemory, NotFound, OutOfRange, PolicyError, StorageError, WrongKey, Busy)

__all__ = [
    "Database", "Applied", "Due", "FeedEvent", "Notification", "Case", "Event", "State", "Approval",
    "Assessment", "Explanation", "Directory", "Person", "Property", "Bonus", "Penalty", "Deadline", "Rate", "PropertyRates", "PersonTotal", "Evidence",
    "Statement", "StatementLine",
    "Checkpoint", "VerifyReport", "Finding", "Difference", "CheckpointCheck",
    "replay", "replay_json", "lifecycle", "expect", "checkpoint_public_key", "read_key_file",
    "Error", "InvalidTransition", "Forbidden", "Invalid", "NotFound", "Conflict", "Duplicate",
    "StorageError", "NoMemory", "Corrupt", "OutOfRange", "FileError", "PolicyError", "WrongKey",
    "Busy",
]

__version__ = _ll.version()

_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)
_SECOND = _dt.timedelta(seconds=1)
_NONE = _ll.TIME_NONE


# ---------------------------------------------------------------- values

class State(str, enum.Enum):
    """Case states (DESIGN §2)."""
    RECEIVED = "received"
    DISPATCHED = "dispatched"
    HANDLED = "handled"
    REVISITED = "revisited"
    VERIFIED = "verified"
    CLOSED = "closed"
    ESCALATED = "escalated"
    STAGE_CLOSED = "stage_closed"
    MALICIOUS_EXEMPT = "malicious_exempt"


class Approval(str, enum.Enum):
    """Approval status of an escalation, stage closure or malicious-complaint request."""
    NONE = "none"
    PENDING = "pending"
    APPROVED = "approved"


def _text(name: str, value: Any, optional: bool = False) -> Optional[str]:
    if value is None:
        if optional:
            return None
        raise TypeError("%s must be a str, not None" % name)
    if not isinstance(value, str):
        raise TypeError("%s must be a str, not %s" % (name, type(value).__name__))
    if "\0" in value:
        raise ValueError("%s must not contain NUL characters" % name)
    return value


def _key(key: Any) -> Optional[str]:
    if key is None:
        return None
    if not isinstance(key, (bytes, bytearray)) or len(key) != 32:
        raise Invalid("key must be 32 bytes")
    return bytes(key).hex()


def _aware(name: str, value: Any, cmd: Optional[str] = None) -> _dt.datetime:
    # a command's message starts with the command's name, as the library's own refusals do
    where = "%s: " % cmd if cmd else ""
    if not isinstance(value, _dt.datetime):
        raise TypeError("%s%s must be a datetime, not %s" % (where, name, type(value).__name__))
    if value.tzinfo is None or value.utcoffset() is None:
        raise Invalid("%s%s must be timezone-aware (a naive datetime is ambiguous)" % (where, name))
    return value


def _iso(name: str, value: Any, cmd: Optional[str] = None) -> str:
    # every command has an instant: a plain datetime in a fixed offset (the usual one) skips the checks it passes
    if type(value) is _DATETIME and type(value.tzinfo) is _TIMEZONE:
        return (value.replace(microsecond=0) if value.microsecond else value).isoformat()
    return _aware(name, value, cmd).replace(microsecond=0).isoformat()


_DATETIME = _dt.datetime
_TIMEZONE = _dt.timezone
# Commands are JSON text for the library: strings through json's C escaper, anything else through one
# encoder made once (json.dumps with options makes a new encoder every call); the text is what
# json.dumps(..., ensure_ascii=False) writes.
_json_str = json.encoder.encode_basestring
_json_value = json.JSONEncoder(ensure_ascii=False).encode


def _json_field(value: Any) -> str:
    return _json_str(value) if type(value) is str else _json_value(value)


def _seconds(name: str, value: Any) -> int:
    """An aware datetime as the library's instant (seconds since the epoch, fractions dropped)."""
    return (_aware(name, value).replace(microsecond=0) - _EPOCH) // _SECOND


def _count(name: str, value: Any) -> Optional[int]:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError("%s must be an int or None" % name)
    if value < 0:
        raise ValueError("%s must not be negative" % name)
    return value


def _instant(seconds: int, zone: _dt.tzinfo) -> Optional[_dt.datetime]:
    return None if seconds == _NONE else _EPOCH.astimezone(zone) + _dt.timedelta(seconds=seconds)


def _from_iso(value: Optional[str]) -> Optional[_dt.datetime]:
    return None if value is None else _dt.datetime.fromisoformat(value)


_LEDGER = ("room", "owner", "phone", "matter", "call_taker", "order_taker", "kind", "severity")


@dataclasses.dataclass(frozen=True)
class Case:
    """A case's snapshot: state, approval, exemption, version and ledger (Art. 12)."""
    id: str
    property: str
    state: State
    approval: Approval
    exempt: bool
    version: int
    registered_at: _dt.datetime
    last_at: _dt.datetime
    next_due: Optional[_dt.datetime]
    room: Optional[str] = None
    owner: Optional[str] = None
    phone: Optional[str] = None
    matter: Optional[str] = None
    call_taker: Optional[str] = None
    order_taker: Optional[str] = None
    kind: Optional[str] = None
    severity: Optional[str] = None
    #: True when ``next_due`` counted a day of a year the database has no holiday data for.
    provisional: bool = False

    @classmethod
    def _from(cls, raw: Any, zone: _dt.tzinfo) -> "Case":
        return cls(id=raw.id(), property=raw.property_id(), state=State(raw.state()),
                   approval=Approval(raw.approval()), exempt=raw.exempt(), version=raw.version(),
                   registered_at=_instant(raw.registered_at(), zone), last_at=_instant(raw.last_at(), zone),
                   next_due=_instant(raw.next_due(), zone), **{k: raw.field(k) for k in _LEDGER},
                   provisional="\"provisional\"" in raw.json())


@dataclasses.dataclass(frozen=True)
class Event:
    """One immutable, hash-chained event of the log."""
    seq: int
    case: Optional[str]
    version: int
    command: str
    actor: Optional[str]
    at: Optional[_dt.datetime]
    fields: Dict[str, Any]
    prev_hash: str
    hash: str
    #: the command's ``command_id``, or the UUID the library gave it; None for events logged before ids existed
    id: Optional[str] = None

    @classmethod
    def _from(cls, raw: Any, zone: _dt.tzinfo) -> "Event":
        body = json.loads(raw.json())
        fields = {k: v for k, v in body.items() if k not in ("cmd", "case", "actor", "at", "command_id")}
        return cls(seq=raw.seq(), case=raw.case_id() or None, version=raw.version(),
                   command=raw.command() or body.get("cmd"), actor=raw.actor() or None,
                   at=_instant(raw.at(), zone), fields=fields, prev_hash=raw.prev_hash(), hash=raw.hash(),
                   id=raw.id())


# ---------------------------------------------------------------- assessments

@dataclasses.dataclass(frozen=True)
class Penalty:
    """A penalty: the total of one rule's increments for a case and a person."""
    rule: str
    article: int
    case: Optional[str]
    person: Optional[str]
    amount_fen: int
    incurred_at: _dt.datetime
    #: In explanations only: the property, and each increment as (instant, amount_fen).
    property: Optional[str] = None
    increments: Tuple[Tuple[_dt.datetime, int], ...] = ()
    evidence: Tuple[int, ...] = ()
    #: True when it counted a day of a year the database has no holiday data for (Monday-Friday were taken).
    provisional: bool = False

    @classmethod
    def _from(cls, d: Dict[str, Any]) -> "Penalty":
        return cls(rule=d["rule"], article=d["article"], case=d.get("case"), person=d.get("person"),
                   amount_fen=d["amount_fen"], incurred_at=_from_iso(d["incurred_at"]), property=d.get("property"),
                   increments=tuple((_from_iso(i["at"]), i["amount_fen"]) for i in d.get("increments", ())),
                   evidence=tuple(d.get("evidence", ())), provisional=bool(d.get("provisional")))


@dataclasses.dataclass(frozen=True)
class Deadline:
    """A deadline of a rule: when its clock started, when it was due, how late it is."""
    rule: str
    article: int
    case: Optional[str]
    state: str
    started_at: Optional[_dt.datetime]
    due: Optional[_dt.datetime]
    late: _dt.timedelta
    met_at: Optional[_dt.datetime] = None
    stopped_at: Optional[_dt.datetime] = None
    #: Open deadlines of an assessment: whether the due instant is past.
    overdue: Optional[bool] = None
    #: Explanations only: the rule's title (``{"zh":…, "en":…}``) and its clock.
    title: Optional[Dict[str, str]] = dataclasses.field(default=None, compare=False)
    clock: Optional[str] = None
    #: True when its due (or lateness) counted a day of a year the database has no holiday data for.
    provisional: bool = False

    @classmethod
    def _from(cls, d: Dict[str, Any], case: Optional[str] = None) -> "Deadline":
        return cls(rule=d["rule"], article=d["article"], case=d.get("case", case), state=d["state"],
                   started_at=_from_iso(d.get("started_at")), due=_from_iso(d.get("due")),
                   late=_dt.timedelta(seconds=d.get("late_seconds") or 0), met_at=_from_iso(d.get("met_at")),
                   stopped_at=_from_iso(d.get("stopped_at")), overdue=d.get("overdue"), title=d.get("title"),
                   clock=d.get("clock"), provisional=bool(d.get("provisional")))


@dataclasses.dataclass(frozen=True)
class Rate:
    """A ratio such as a closure rate: ``num`` cases out of ``den``."""
    num: int
    den: int

    @property
    def value(self) -> Optional[float]:
        """num / den, or None when nothing was counted."""
        return self.num / self.den if self.den else None


@dataclasses.dataclass(frozen=True)
class PropertyRates:
    """A property's closure and satisfaction rates over the period (Art. 20-21)."""
    id: str
    closure: Rate
    satisfaction: Rate


@dataclasses.dataclass(frozen=True)
class PersonTotal:
    """A person's penalties in the period: raw, capped by the bonus, and the bonus."""
    person: str
    raw_fen: int
    capped_fen: int
    bonus_fen: int


@dataclasses.dataclass(frozen=True)
class Evidence:
    """The events (sequence numbers) a penalty of a person rests on."""
    rule: str
    case: Optional[str]
    person: Optional[str]
    events: Tuple[int, ...]


@dataclasses.dataclass(frozen=True, repr=False)
class Assessment:
    """The monthly assessment at ``as_of``; ``raw`` is the library's document, ``json`` its text."""
    policy: str
    month: str
    as_of: _dt.datetime
    period_from: _dt.datetime
    period_to: _dt.datetime
    penalties: List[Penalty]
    breaches: List[Deadline]
    open_deadlines: List[Deadline]
    properties: List[PropertyRates]
    people: List[PersonTotal]
    evidence: List[Evidence]
    raw: Dict[str, Any] = dataclasses.field(repr=False, compare=False)
    json: str = dataclasses.field(repr=False, compare=False)

    @classmethod
    def _from(cls, text: str) -> "Assessment":
        raw = json.loads(text)
        a = raw["assessment"]
        return cls(policy=a.get("policy"), month=a["month"], as_of=_from_iso(a["as_of"]),
                   period_from=_from_iso(a["period"]["from"]), period_to=_from_iso(a["period"]["to"]),
                   penalties=[Penalty._from(p) for p in raw["penalties"]],
                   breaches=[Deadline._from(d) for d in a.get("breaches", ())],
                   open_deadlines=[Deadline._from(d) for d in a.get("open_deadlines", ())],
                   properties=[PropertyRates(p["id"], Rate(**p["closure"]), Rate(**p["satisfaction"]))
                               for p in a.get("properties", ())],
                   people=[PersonTotal(p["person"], p["raw_fen"], p["capped_fen"], p["bonus_fen"])
                           for p in a.get("people", ())],
                   evidence=[Evidence(e["rule"], e.get("case"), e.get("person"), tuple(e["events"]))
                             for e in a.get("evidence", ())],
                   raw=raw, json=text)

    def __repr__(self) -> str:
        return "<hotline.Assessment %s as of %s: %d penalties, %d breaches, %d open deadlines>" % (
            self.month, self.as_of.isoformat(), len(self.penalties), len(self.breaches), len(self.open_deadlines))


@dataclasses.dataclass(frozen=True)
class StatementLine:
    """A penalty of a person's month: the rule, its article and title, the case (None: the
    organisation), the amount incurred in the month's period and in how many increments."""
    rule: str
    article: int
    title: Dict[str, str]
    case: Optional[str]
    amount_fen: int
    increments: int
    incurred_at: Optional[_dt.datetime]


@dataclasses.dataclass(frozen=True, repr=False)
class Statement:
    """A person's statement of a month (工资条): the lines, the raw total, the month's bonus
    (None: no cap), the capped total and the cap applied (Art. 22)."""
    person: str
    name: Optional[str]
    month: str
    policy: str
    as_of: _dt.datetime
    period_from: _dt.datetime
    period_to: _dt.datetime
    lines: List[StatementLine]
    raw_fen: int
    bonus_fen: Optional[int]
    capped_fen: int
    cap_applied_fen: int
    raw: Dict[str, Any] = dataclasses.field(repr=False, compare=False)
    json: str = dataclasses.field(repr=False, compare=False)

    @classmethod
    def _from(cls, text: str) -> "Statement":
        raw = json.loads(text)
        return cls(person=raw["person"], name=raw.get("name"), month=raw["month"], policy=raw["policy"],
                   as_of=_from_iso(raw["as_of"]), period_from=_from_iso(raw["period"]["from"]),
                   period_to=_from_iso(raw["period"]["to"]),
                   lines=[StatementLine(x["rule"], x["article"], dict(x["title"]), x.get("case"), x["amount_fen"],
                                        x["increments"], _from_iso(x.get("incurred_at"))) for x in raw["lines"]],
                   raw_fen=raw["raw_fen"], bonus_fen=raw.get("bonus_fen"), capped_fen=raw["capped_fen"],
                   cap_applied_fen=raw["cap_applied_fen"], raw=raw, json=text)

    def __repr__(self) -> str:
        return "<hotline.Statement %s %s: %d lines, %d fen deducted>" % (
            self.person, self.month, len(self.lines), self.capped_fen)


@dataclasses.dataclass(frozen=True, repr=False)
class Explanation:
    """Each deadline and penalty of a case with its rule; ``raw`` is the library's document, ``json`` its text."""
    case: str
    policy: str
    as_of: Optional[_dt.datetime]
    exempt: bool
    exempt_from: Optional[_dt.datetime]
    next_due: Optional[_dt.datetime]
    total_fen: int
    deadlines: List[Deadline]
    penalties: List[Penalty]
    raw: Dict[str, Any] = dataclasses.field(repr=False, compare=False)
    json: str = dataclasses.field(repr=False, compare=False)

    @classmethod
    def _from(cls, text: str) -> "Explanation":
        raw = json.loads(text)
        return cls(case=raw["case"], policy=raw.get("policy"), as_of=_from_iso(raw.get("as_of")),
                   exempt=bool(raw.get("exempt")), exempt_from=_from_iso(raw.get("exempt_from")),
                   next_due=_from_iso(raw.get("next_due")), total_fen=raw.get("total_fen", 0),
                   deadlines=[Deadline._from(d, raw["case"]) for d in raw.get("deadlines", ())],
                   penalties=[Penalty._from(dict(p, case=p.get("case", raw["case"])))
                              for p in raw.get("penalties", ())],
                   raw=raw, json=text)

    def __repr__(self) -> str:
        return "<hotline.Explanation of %s as of %s: %d deadlines, %d penalties, %d fen>" % (
            self.case, self.as_of.isoformat() if self.as_of else None, len(self.deadlines), len(self.penalties),
            self.total_fen)


# ---------------------------------------------------------------- the directory

def _since(value: Optional[str], zone: _dt.tzinfo) -> Optional[_dt.datetime]:
    return None if value is None else _dt.datetime.fromisoformat(value).astimezone(zone)


@dataclasses.dataclass(frozen=True)
class Person:
    """A person of the directory as one definition gives it.

    ``since`` is the instant the definition holds from (None: from the
    beginning, a line without ``at``); ``history`` every definition of the
    person, oldest first (empty in the entries of a history). A retired
    person has no roles.
    """
    id: str
    name: str
    roles: FrozenSet[str]
    since: Optional[_dt.datetime]
    history: Tuple["Person", ...] = dataclasses.field(default=(), repr=False)

    @property
    def retired(self) -> bool:
        """True when the definition holds no role (``"roles": []``)."""
        return not self.roles

    @classmethod
    def _from(cls, d: Dict[str, Any], zone: _dt.tzinfo) -> "Person":
        return cls(id=d["id"], name=d["name"], roles=frozenset(d["roles"]), since=_since(d.get("from"), zone),
                   history=tuple(cls._from(h, zone) for h in d.get("history", ())))


@dataclasses.dataclass(frozen=True)
class Property:
    """A property of the directory as one definition gives it: its manager, department heads, quality supervisor.

    ``since`` and ``history`` as for :class:`Person`.
    """
    id: str
    name: str
    manager: str
    department_heads: Tuple[str, ...]
    quality_supervisor: Optional[str]
    since: Optional[_dt.datetime]
    history: Tuple["Property", ...] = dataclasses.field(default=(), repr=False)

    @classmethod
    def _from(cls, d: Dict[str, Any], zone: _dt.tzinfo) -> "Property":
        return cls(id=d["id"], name=d["name"], manager=d["manager"], department_heads=tuple(d["department_heads"]),
                   quality_supervisor=d.get("quality_supervisor"), since=_since(d.get("from"), zone),
                   history=tuple(cls._from(h, zone) for h in d.get("history", ())))


@dataclasses.dataclass(frozen=True)
class Bonus:
    """A person's bonus for a month ("2026-11"), which caps their penalties (Art. 22).

    ``since`` and ``history`` as for :class:`Person`.
    """
    person: str
    month: str
    amount_fen: int
    since: Optional[_dt.datetime]
    history: Tuple["Bonus", ...] = dataclasses.field(default=(), repr=False)

    @classmethod
    def _from(cls, d: Dict[str, Any], zone: _dt.tzinfo) -> "Bonus":
        return cls(person=d["person"], month=d["month"], amount_fen=d["amount_fen"],
                   since=_since(d.get("from"), zone), history=tuple(cls._from(h, zone) for h in d.get("history", ())))


@dataclasses.dataclass(frozen=True, repr=False)
class Directory:
    """The directory as of ``as_of`` (None: every definition so far): the records in force then.

    Records not yet defined at ``as_of`` are left out; a retired person is
    listed with no roles. ``raw`` is the library's document, ``json`` its text.
    """
    as_of: Optional[_dt.datetime]
    persons: Tuple[Person, ...]
    properties: Tuple[Property, ...]
    bonuses: Tuple[Bonus, ...]
    raw: Dict[str, Any] = dataclasses.field(repr=False, compare=False)
    json: str = dataclasses.field(repr=False, compare=False)

    @classmethod
    def _from(cls, text: str, zone: _dt.tzinfo) -> "Directory":
        raw = json.loads(text)
        return cls(as_of=_since(raw.get("as_of"), zone),
                   persons=tuple(Person._from(p, zone) for p in raw["persons"]),
                   properties=tuple(Property._from(p, zone) for p in raw["properties"]),
                   bonuses=tuple(Bonus._from(b, zone) for b in raw["bonuses"]), raw=raw, json=text)

    def person(self, id: str) -> Optional[Person]:
        """The person ``id``, or None when the directory has none."""
        return next((p for p in self.persons if p.id == id), None)

    def bonus(self, person: str, month: str) -> Optional[Bonus]:
        """The bonus of ``person`` for ``month`` ("2026-11"), or None."""
        return next((b for b in self.bonuses if b.person == person and b.month == month), None)

    def __repr__(self) -> str:
        return "<hotline.Directory as of %s: %d persons, %d properties, %d bonuses>" % (
            self.as_of.isoformat() if self.as_of else "all definitions", len(self.persons), len(self.properties),
            len(self.bonuses))

    # Last in the class body: the name hides the builtin `property` below it.
    def property(self, id: str) -> Optional[Property]:
        """The property ``id``, or None when the directory has none."""
        return next((p for p in self.properties if p.id == id), None)


# ---------------------------------------------------------------- integrity (integrity.md)

@dataclasses.dataclass(frozen=True)
class Checkpoint:
    """A checkpoint of the log: ``hlc1:<seq>:<count>:<digest>[:<signature>]``.

    It commits to every event up to ``seq`` (``count`` of them) and to the
    directory records they wrote; keep ``text`` (also ``str(checkpoint)``)
    away from the database and verify against it later.
    """
    text: str
    seq: int
    count: int
    digest: str
    signature: Optional[str] = None

    @property
    def signed(self) -> bool:
        """True when the checkpoint carries an Ed25519 signature."""
        return self.signature is not None

    def __str__(self) -> str:
        return self.text

    @classmethod
    def parse(cls, text: str) -> "Checkpoint":
        """Read a checkpoint's text; :class:`Invalid` when it does not have a checkpoint's shape."""
        parts = _text("checkpoint", text).strip().split(":")
        if (len(parts) not in (4, 5) or parts[0] != "hlc1" or not parts[1].isdigit() or not parts[2].isdigit()
                or not all(parts[3:])):
            raise Invalid("not a checkpoint (hlc1:<seq>:<count>:<digest>[:<signature>])")
        return cls(text=text.strip(), seq=int(parts[1]), count=int(parts[2]), digest=parts[3],
                   signature=parts[4] if len(parts) == 5 else None)


@dataclasses.dataclass(frozen=True)
class Difference:
    """A field of a stored snapshot or directory record that differs from the one rebuilt from the events."""
    field: str
    stored: Any
    rebuilt: Any


@dataclasses.dataclass(frozen=True)
class Finding:
    """One problem a verification found; ``code`` is one of the finding codes of integrity.md."""
    code: str
    message: str
    case: Optional[str] = None
    organisation: bool = False
    #: a directory record's (kind, key)
    directory: Optional[Tuple[str, str]] = None
    seq: Optional[int] = None
    version: Optional[int] = None
    differences: Tuple[Difference, ...] = ()

    @classmethod
    def _from(cls, d: Dict[str, Any]) -> "Finding":
        dr = d.get("directory")
        return cls(code=d["code"], message=d["message"], case=d.get("case"), organisation=bool(d.get("organisation")),
                   directory=(dr["kind"], dr["key"]) if dr else None, seq=d.get("seq"), version=d.get("version"),
                   differences=tuple(Difference(x["field"], x.get("stored"), x.get("rebuilt"))
                                     for x in d.get("differences", ())))


@dataclasses.dataclass(frozen=True)
class CheckpointCheck:
    """What a verification found of the checkpoint it was given."""
    seq: int
    count: int
    signed: bool
    signature: str        #: "valid" or "not_checked" (no public key given)
    ok: bool


@dataclasses.dataclass(frozen=True, repr=False)
class VerifyReport:
    """Everything :meth:`Database.verify_log` checks, with every problem found (not only the first).

    ``ok`` is false when anything was found; ``findings`` lists at most
    ``max_findings`` of the ``findings_total``. ``raw`` is the library's
    document (verify-report.schema.json), ``json`` its text.
    """
    ok: bool
    scope: str                    #: "log" or "case"
    case: Optional[str]
    events: int
    streams: int
    cases: int
    directory_records: int
    protection: str               #: "checked", "not_available" or "not_checked"
    checkpoint: Optional[CheckpointCheck]
    findings: Tuple[Finding, ...]
    findings_total: int
    truncated: bool
    raw: Dict[str, Any] = dataclasses.field(repr=False, compare=False)
    json: str = dataclasses.field(repr=False, compare=False)

    @classmethod
    def _from(cls, text: str) -> "VerifyReport":
        raw = json.loads(text)
        cp = raw.get("checkpoint")
        return cls(ok=raw["ok"], scope=raw["scope"], case=raw.get("case"), events=raw["events"],
                   streams=raw["streams"], cases=raw["cases"], directory_records=raw["directory_records"],
                   protection=raw["protection"],
                   checkpoint=CheckpointCheck(cp["seq"], cp["count"], cp["signed"], cp["signature"], cp["ok"])
                   if cp else None,
                   findings=tuple(Finding._from(f) for f in raw["findings"]), findings_total=raw["findings_total"],
                   truncated=raw["truncated"], raw=raw, json=text)

    def __repr__(self) -> str:
        return "<hotline.VerifyReport %s of the %s: %d events, %d findings%s>" % (
            "ok" if self.ok else "NOT ok", self.scope, self.events, self.findings_total,
            ", checkpoint %s" % ("ok" if self.checkpoint.ok else "NOT ok") if self.checkpoint else "")


def _signing_key(name: str, key: Any) -> Optional[str]:
    if key is None:
        return None
    if not isinstance(key, (bytes, bytearray)) or len(key) not in (32, 64):
        raise Invalid("%s must be a 32-byte seed or a 64-byte secret key" % name)
    return bytes(key).hex()


def _public_key(key: Any) -> Optional[str]:
    if key is None:
        return None
    if not isinstance(key, (bytes, bytearray)) or len(key) != 32:
        raise Invalid("public_key must be 32 bytes")
    return bytes(key).hex()


def _checkpoint_text(checkpoint: Any) -> Optional[str]:
    if isinstance(checkpoint, Checkpoint):
        return checkpoint.text
    return _text("checkpoint", checkpoint, optional=True)


def checkpoint_public_key(secret_key: bytes) -> bytes:
    """The Ed25519 public key (32 bytes) of a signing key (a 32-byte seed or a 64-byte secret key):
    what the host hands to whoever verifies its checkpoints."""
    hexkey = _signing_key("secret_key", secret_key)
    if hexkey is None:
        raise TypeError("secret_key must be bytes, not None")
    return _ll.checkpoint_public_key(hexkey)


def read_key_file(path: Union[str, os.PathLike]) -> Tuple[bytes, str]:
    """Read a key file (64 hex digits, optionally after ``ID:``): returns (key, key_id) for :func:`open`."""
    hexkey, key_id = _ll.key_file_read(_text("path", os.fspath(path)))
    return bytes.fromhex(hexkey), key_id


def _json_text(name: str, value: Any) -> str:
    if isinstance(value, str):
        return _text(name, value)
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    raise TypeError("%s must be JSON text, a dict or a list, not %s" % (name, type(value).__name__))


def expect(document: Union[str, Dict[str, Any], List[Any]], expected: Union[str, Dict[str, Any], List[Any]]) -> List[str]:
    """Compare a document (a replay's, say) with expectations that hold only what a test cares about.

    An expected object's keys must be there and match (others are ignored);
    each element of an expected array must match a different element of the
    actual one, in any order. Returns the differences, one string each
    starting with its JSON path (``penalties[rule=R14b].amount_fen: differs``);
    an empty list when everything matches. :class:`Invalid` when either is not JSON.
    """
    report = _ll.expect(_json_text("document", document), _json_text("expected", expected))
    out: List[str] = []
    for line in (report or "").splitlines():
        if line.startswith((" ", "\t")) and out:
            out[-1] += "\n" + line
        elif line:
            out.append(line)
    return out


# ---------------------------------------------------------------- iteration

_T = TypeVar("_T")
_FIRST_PAGE, _LAST_PAGE = 64, 1024


class _Pages(Generic[_T]):
    """Items read from the library one page at a time, on demand.

    ``fetch(after, n)`` returns a page of at most n raw items after the key
    ``after`` (None: from the first); ``key`` gives an item's key. Pages grow
    from 64 to 1024 items, so memory stays at one page however many there are.
    """

    def __init__(self, fetch: Callable[[Any, int], Any], key: Callable[[Any], Any],
                 convert: Callable[[Any], _T], limit: Optional[int]):
        self._fetch, self._key, self._convert = fetch, key, convert
        self._left = limit
        self._after: Any = None
        self._page: Any = None
        self._i = 0
        self._size = _FIRST_PAGE
        self._last = False

    def __iter__(self) -> "_Pages[_T]":
        return self

    def __next__(self) -> _T:
        if self._page is None or self._i == len(self._page):
            self._page = None
            if self._last or self._left == 0:
                raise StopIteration
            n = self._size if self._left is None else min(self._size, self._left)
            page = self._fetch(self._after, n)
            self._size = min(2 * self._size, _LAST_PAGE)
            self._last = len(page) < n
            if len(page) == 0:
                raise StopIteration
            self._after = self._key(page.get(len(page) - 1))
            self._page, self._i = page, 0
        raw = self._page.get(self._i)
        self._i += 1
        if self._left is not None:
            self._left -= 1
        return self._convert(raw)


# ---------------------------------------------------------------- the feed and notifications

@dataclasses.dataclass(frozen=True)
class FeedEvent:
    """An event of the feed (DESIGN §6.8), with the cursor that comes after it."""
    seq: int
    stream: str                   #: the case id; "" for the organisation stream
    stream_seq: int               #: its position in the stream (a case's version)
    cmd: str
    actor: str
    at: Optional[_dt.datetime]    #: None for a directory line
    id: Optional[str]
    hash: str
    body: Dict[str, Any]          #: the command as stored (personal fields clear, masked or "[erased]")
    cursor: str                   #: store it once the event is handled

    @classmethod
    def _from(cls, row: Dict[str, Any], zone: _dt.tzinfo) -> "FeedEvent":
        at = row["at"]
        return cls(seq=row["seq"], stream=row["stream"], stream_seq=row["stream_seq"], cmd=row["cmd"],
                   actor=row["actor"], at=None if at is None else _dt.datetime.fromisoformat(at).astimezone(zone),
                   id=row["id"], hash=row["hash"], body=row["body"], cursor="f1.%d" % row["seq"])


@dataclasses.dataclass(frozen=True)
class Notification:
    """A reminder, breach or penalty to tell people about, with its stable id and the cursor after it."""
    id: str                       #: case, rule, kind and instant (UTC) joined by '/'
    kind: str                     #: "reminder", "breach" or "penalty"
    instant: _dt.datetime
    case: Optional[str]           #: None: an organisation-level obligation
    property: Optional[str]
    rule: str
    article: int
    title: str
    title_zh: str
    liable: Tuple[Optional[str], ...]   #: who is (or would be) charged as of the instant
    due: Optional[_dt.datetime]         #: reminders and breaches: the deadline's due instant
    amount_fen: Optional[int]           #: penalties: the increment
    cursor: str
    raw: Dict[str, Any] = dataclasses.field(repr=False, compare=False, default_factory=dict)

    @classmethod
    def _from(cls, row: Dict[str, Any], zone: _dt.tzinfo) -> "Notification":
        def when(s):
            return None if s is None else _dt.datetime.fromisoformat(s).astimezone(zone)
        instant = when(row["instant"])
        t = (instant - _EPOCH) // _SECOND
        return cls(id=row["id"], kind=row["kind"], instant=instant, case=row["case"], property=row["property"],
                   rule=row["rule"], article=row["article"], title=row["title"]["en"], title_zh=row["title"]["zh"],
                   liable=tuple(row["liable"]), due=when(row.get("due")), amount_fen=row.get("amount_fen"),
                   cursor="n1.%d.%s" % (t, row["id"].encode("utf-8").hex()), raw=row)


class _NotificationPages:
    """Notifications read a page at a time; ``last_cursor`` is the latest page's cursor."""

    def __init__(self, db: "Database", cursor: Optional[str], until: int, limit: int):
        self._db, self._until, self._limit = db, until, limit
        self.last_cursor = cursor
        self._page: List[Dict[str, Any]] = []
        self._more = True

    def __iter__(self) -> "_NotificationPages":
        return self

    def __next__(self) -> "Notification":
        while not self._page:
            if not self._more:
                raise StopIteration
            doc = json.loads(self._db._h.notifications(self.last_cursor, self._until, self._limit))
            self._page = doc["notifications"]
            self._more = doc["more"]
            self.last_cursor = doc["cursor"]
        return Notification._from(self._page.pop(0), self._db.zone)


# ---------------------------------------------------------------- database

_TIME_FIELDS = {"agreed_followup_at", "agreed_repair_at", "expected_completion_at", "promised_at"}


@dataclasses.dataclass(frozen=True)
class Due:
    """An open deadline someone must act on (DESIGN §6.6)."""
    case: Optional[str]           #: None: an organisation-level obligation
    property: Optional[str]
    rule: str
    article: int
    title: str                    #: the rule's English title (``title_zh`` the Chinese one)
    title_zh: str
    started_at: Optional[_dt.datetime]
    due: _dt.datetime
    overdue: bool
    liable: Tuple[Optional[str], ...]   #: who would be charged if it were missed; None: a role nobody holds
    remind_at: Optional[_dt.datetime] = None

    @classmethod
    def _from(cls, row: Dict[str, Any], zone: _dt.tzinfo) -> "Due":
        def when(s):
            return None if s is None else _dt.datetime.fromisoformat(s).astimezone(zone)
        return cls(case=row["case"], property=row["property"], rule=row["rule"], article=row["article"],
                   title=row["title"]["en"], title_zh=row["title"]["zh"], started_at=when(row["started_at"]),
                   due=when(row["due"]), overdue=row["overdue"], liable=tuple(row["liable"]),
                   remind_at=when(row.get("remind_at")))


class Applied(int):
    """The sequence number of an accepted command's event (an int).

    ``repeated`` is true when the command carried a ``command_id`` that was
    already accepted with the same content: nothing was applied again, and
    the number is the original event's (a retry after a timeout is safe).
    """

    #: an instance's own value when true; commands that were applied read this one
    repeated: bool = False

    def __new__(cls, seq: int, repeated: bool = False) -> "Applied":
        obj = super().__new__(cls, seq)
        obj.repeated = bool(repeated)
        return obj

    def __repr__(self) -> str:
        return "Applied(%d%s)" % (int(self), ", repeated=True" if self.repeated else "")


# hotline_open_mode and the SQLite synchronous setting by name (0: the library's default).
_exec_json = _ll._lowlevel.Handle_exec_json
_case_command = _ll._lowlevel.Handle_case_command
_new_int = int.__new__

_MODES = {None: 0, "read_only": 1, "read_write": 2, "create": 3}
_SYNCHRONOUS = {None: 0, "normal": 1, "full": 2}


def _lease(value: Any) -> int:
    if isinstance(value, _dt.timedelta):
        seconds = value.total_seconds()
        if seconds != int(seconds):
            raise Invalid("lease must be whole seconds")
        value = int(seconds)
    elif not isinstance(value, int) or isinstance(value, bool):
        raise TypeError("lease must be a timedelta or a number of seconds")
    if abs(value) > 2 ** 31 - 1:            # for C's int; the library's own check says what is allowed
        raise Invalid("lease must be from 1 second to 1 day, not %d seconds" % value)
    return value


def _at_most(n: Optional[int]) -> int:
    """A count for C's size_t: None is 0 (no limit); beyond what memory can hold is the same."""
    return 0 if n is None else min(n, sys.maxsize)


class Database:
    """An open libhotline database. Use as a context manager; closing twice is harmless.

    Instants come back in the zone of the database's policy (:attr:`zone`).
    """

    def __init__(self, uri: str, policy: Optional[str] = None, key: Optional[bytes] = None,
                 key_id: Optional[str] = None, unencrypted: bool = False, *, mode: Optional[str] = None,
                 read_uri: Optional[str] = None, busy_timeout_ms: Optional[int] = None,
                 synchronous: Optional[str] = None):
        """Open ``uri`` ("memory:", "sqlite:PATH", a path or "postgres:CONNINFO") with ``policy``.

        ``key``: the 32-byte key-encryption key of owners' personal data, ``key_id`` its id
        (privacy.md); ``unencrypted=True`` creates a database that keeps them in clear on purpose.
        ``mode``: "read_only" (never writes, every command refused), "read_write" (an existing
        database only) or "create"; None creates a missing database. ``read_uri``: a second storage
        (a replica, say) for the calls that scan many cases: :meth:`cases`, :meth:`sweep`, the
        assessments. ``busy_timeout_ms`` and ``synchronous`` ("normal" or "full") tune SQLite: a
        write that waits for another writer longer than the timeout raises :class:`Busy`.
        """
        if mode not in _MODES:
            raise Invalid("mode must be one of %s, or None" % ", ".join(repr(m) for m in _MODES if m))
        if synchronous not in _SYNCHRONOUS:
            raise Invalid("synchronous must be 'normal', 'full' or None")
        timeout = _count("busy_timeout_ms", busy_timeout_ms) or 0
        if timeout > 2 ** 31 - 1:
            raise Invalid("busy_timeout_ms is too large")
        self._h = _ll.Handle(_text("uri", uri), _text("policy", policy, optional=True), _key(key),
                             _text("key_id", key_id, optional=True), bool(unencrypted), _MODES[mode],
                             _text("read_uri", read_uri, optional=True), timeout, _SYNCHRONOUS[synchronous])
        self._this = self._h.this
        self.uri = uri
        #: The name of the database's policy ("gm-hotline"...).
        self.policy: str = self._h.policy()
        #: The policy's zone: instants are returned in it.
        self.zone = _dt.timezone(_dt.timedelta(minutes=self._h.zone_offset()))

    # -- life cycle
    def close(self) -> None:
        """Close the database; further use raises :class:`Invalid`."""
        self._h.close()

    def __enter__(self) -> "Database":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return "<hotline.Database %r policy=%r%s>" % (self.uri, self.policy, " closed" if self.closed else "")

    @property
    def closed(self) -> bool:
        """True once :meth:`close` was called."""
        return self._h.closed()

    # -- commands
    def execute(self, command: Dict[str, Any]) -> "Applied":
        """Apply one command given as a dict in the scenario format; returns the event's sequence number.

        A command with a ``command_id`` already accepted with the same content is not applied
        again: the original sequence number comes back, with ``.repeated`` true."""
        if not isinstance(command, dict):
            raise TypeError("command must be a dict")
        return self._run(_json_value(command))

    def execute_json(self, text: str) -> "Applied":
        """Apply one command given as JSON text; see :meth:`execute`."""
        return self._run(_text("text", text))

    def _run(self, text: str) -> "Applied":
        # straight to the C function with the handle's SWIG object: no proxy method in between
        seq, repeated = _exec_json(self._this, text)
        return Applied(seq, True) if repeated else _new_int(Applied, seq)

    def _case_cmd(self, name: str, case: str, at: _dt.datetime, actor: str, expect_version: Optional[int],
                  command_id: Optional[str], fields: Dict[str, Any]) -> "Applied":
        # the common case: the text written in C from the arguments, the GIL released around the library
        done = _case_command(self._this, name, case, at, actor, command_id, expect_version, fields)
        if done is not None:
            return Applied(done[0], True) if done[1] else _new_int(Applied, done[0])
        # the command's JSON text written here, in the order and with the checks of its dict
        text = '{"cmd":"%s","case":%s,"at":"%s","actor":%s' % (
            name, _json_str(_text("case", case)), _iso("at", at, name), _json_str(_text("actor", actor)))
        if command_id is not None:
            text += ',"command_id":' + _json_str(_text("command_id", command_id))
        if expect_version is not None:
            if not isinstance(expect_version, int) or isinstance(expect_version, bool):
                raise TypeError("expect_version must be an int")
            text += ',"expect_version":' + _json_value(expect_version)
        for k, v in fields.items():
            if v is None:
                continue
            text += ',"%s":%s' % (k, '"%s"' % _iso(k, v, name) if k in _TIME_FIELDS else _json_field(v))
        return self._run(text + "}")

    def register(self, case: str, *, at, actor, property, room, owner, phone, matter, call_taker, order_taker,
                 kind=None, severity=None, expect_version=None, command_id=None) -> "Applied":
        """Register a call in the ledger (Art. 12)."""
        return self._case_cmd("register", case, at, actor, expect_version, command_id, dict(
            property=property, room=room, owner=owner, phone=phone, matter=matter, call_taker=call_taker,
            order_taker=order_taker, kind=kind, severity=severity))

    def correct_record(self, case, *, at, actor, fields: Sequence[str], values: Optional[Dict[str, str]] = None,
                       expect_version=None, command_id=None) -> "Applied":
        """Correct ledger fields of a case (``values``: the corrected values)."""
        return self._case_cmd("correct_record", case, at, actor, expect_version, command_id,
                              dict(fields=list(fields), values=values))

    def dispatch(self, case, *, at, actor, expect_version=None, command_id=None) -> "Applied":
        """Send the dossier to the property's manager (Art. 13)."""
        return self._case_cmd("dispatch", case, at, actor, expect_version, command_id, {})

    def decide_measures(self, case, *, at, actor, measures, department_head=None, expect_version=None, command_id=None) -> "Applied":
        """The property manager decides the measures (Art. 14)."""
        return self._case_cmd("decide_measures", case, at, actor, expect_version, command_id,
                              dict(measures=measures, department_head=department_head))

    def onsite_visit(self, case, *, at, actor, expect_version=None, command_id=None) -> "Applied":
        """The department head is on site in person (Art. 14)."""
        return self._case_cmd("onsite_visit", case, at, actor, expect_version, command_id, {})

    def submit_visit_form(self, case, *, at, actor, expect_version=None, command_id=None) -> "Applied":
        """The visit form reaches the quality office (Art. 14)."""
        return self._case_cmd("submit_visit_form", case, at, actor, expect_version, command_id, {})

    def report_progress(self, case, *, at, actor, text=None, expect_version=None, command_id=None) -> "Applied":
        """A progress report on a case that takes more than three days (Art. 16)."""
        return self._case_cmd("report_progress", case, at, actor, expect_version, command_id, dict(text=text))

    def complete(self, case, *, at, actor, agreed_followup_at=None, expect_version=None, command_id=None) -> "Applied":
        """The property reports the work done."""
        return self._case_cmd("complete", case, at, actor, expect_version, command_id,
                              dict(agreed_followup_at=agreed_followup_at))

    def followup(self, case, *, at, actor, satisfied: bool, expect_version=None, command_id=None) -> "Applied":
        """The property manager calls the owner back; ``satisfied`` is the owner's answer."""
        if not isinstance(satisfied, bool):
            raise TypeError("satisfied must be a bool")
        return self._case_cmd("followup", case, at, actor, expect_version, command_id, dict(satisfied=satisfied))

    def supervisor_check(self, case, *, at, actor, expect_version=None, command_id=None) -> "Applied":
        """The quality supervisor checks the work (Art. 15)."""
        return self._case_cmd("supervisor_check", case, at, actor, expect_version, command_id, {})

    def verify(self, case, *, at, actor, outcome: str, expect_version=None, command_id=None) -> "Applied":
        """The hotline specialist verifies with the owner (Art. 15)."""
        return self._case_cmd("verify", case, at, actor, expect_version, command_id, dict(outcome=_text("outcome", outcome)))

    def close_case(self, case, *, at, actor, expect_version=None, command_id=None) -> "Applied":
        """The group head closes a verified case (the `close` command)."""
        return self._case_cmd("close", case, at, actor, expect_version, command_id, {})

    def request_escalation(self, case, *, at, actor, report, expect_version=None, command_id=None) -> "Applied":
        """Report a case to the group head as not solvable (Art. 17)."""
        return self._case_cmd("request_escalation", case, at, actor, expect_version, command_id, dict(report=report))

    def request_stage_close(self, case, *, at, actor, measures, agreed_repair_at, expected_completion_at,
                            expect_version=None, command_id=None) -> "Applied":
        """Ask to close a long repair in stages, with its plan and dates (Art. 18)."""
        return self._case_cmd("request_stage_close", case, at, actor, expect_version, command_id, dict(
            measures=measures, agreed_repair_at=agreed_repair_at, expected_completion_at=expected_completion_at))

    def report_malicious(self, case, *, at, actor, explanation, expect_version=None, command_id=None) -> "Applied":
        """Report a complaint as malicious, with a written explanation (Art. 19)."""
        return self._case_cmd("report_malicious", case, at, actor, expect_version, command_id, dict(explanation=explanation))

    def approve(self, case, *, at, actor, note=None, expect_version=None, command_id=None) -> "Applied":
        """The group head approves the pending request (the case becomes exempt)."""
        return self._case_cmd("approve", case, at, actor, expect_version, command_id, dict(note=note))

    def reject(self, case, *, at, actor, note=None, expect_version=None, command_id=None) -> "Applied":
        """The group head rejects the pending request (the case resumes)."""
        return self._case_cmd("reject", case, at, actor, expect_version, command_id, dict(note=note))

    def repeat_complaint(self, case, *, at, actor, matter=None, expect_version=None, command_id=None) -> "Applied":
        """The owner calls again about the same matter."""
        return self._case_cmd("repeat_complaint", case, at, actor, expect_version, command_id, dict(matter=matter))

    def reply(self, case, *, at, actor, text, promised_at=None, expect_version=None, command_id=None) -> "Applied":
        """A reply to the owner, possibly with a promised instant."""
        return self._case_cmd("reply", case, at, actor, expect_version, command_id, dict(text=text, promised_at=promised_at))

    def record_finding(self, case: Optional[str] = None, *, at, actor, kind, person=None, note=None,
                       command_id=None) -> "Applied":
        """A finding on a case, or organisation-level when ``case`` is None; ``note``: a remark."""
        cmd: Dict[str, Any] = {"cmd": "record_finding", "at": _iso("at", at, "record_finding"),
                               "actor": _text("actor", actor), "kind": _text("kind", kind)}
        if note is not None:
            cmd["note"] = _text("note", note)
        if command_id is not None:
            cmd["command_id"] = _text("command_id", command_id)
        if case is not None:
            cmd["case"] = _text("case", case)
        if person is not None:
            cmd["person"] = _text("person", person)
        return self.execute(cmd)

    def _org(self, name: str, at, actor, optional_actor: bool = False, command_id=None, **fields) -> "Applied":
        cmd = {"cmd": name, "at": _iso("at", at, name)}
        if command_id is not None:
            cmd["command_id"] = _text("command_id", command_id)
        if _text("actor", actor, optional=optional_actor) is not None:
            cmd["actor"] = actor
        cmd.update({k: v for k, v in fields.items() if v is not None})
        return self.execute(cmd)

    def call(self, *, at, agent, rings: int, answered: bool, connected: bool = True,
             actor: Optional[str] = None, command_id=None) -> "Applied":
        """A call on the hotline taken by ``agent`` (Art. 8); any role may record it, ``actor`` is optional."""
        return self._org("call", at, actor, optional_actor=True, command_id=command_id, agent=_text("agent", agent),
                         rings=rings, answered=answered, connected=connected)

    def monthly_summary(self, *, at, actor, command_id=None) -> "Applied":
        """The monthly summary was handed in."""
        return self._org("monthly_summary", at, actor, command_id=command_id)

    def quarterly_meeting(self, *, at, actor, absent: Sequence[str] = (), command_id=None) -> "Applied":
        """The quarterly meeting took place; ``absent`` lists who missed it."""
        return self._org("quarterly_meeting", at, actor, command_id=command_id, absent=list(absent))

    def quarterly_report(self, *, at, actor, command_id=None) -> "Applied":
        """The quarterly report was handed in."""
        return self._org("quarterly_report", at, actor, command_id=command_id)

    # -- directory
    def _directory_cmd(self, cmd: Dict[str, Any], at: Optional[_dt.datetime], actor: Optional[str],
                       command_id: Optional[str] = None) -> "Applied":
        if command_id is not None:
            cmd["command_id"] = _text("command_id", command_id)
        if at is not None:
            cmd["at"] = _iso("at", at, cmd.get("cmd"))
        if _text("actor", actor, optional=True) is not None:
            cmd["actor"] = actor
        return self.execute(cmd)

    def add_person(self, id: str, name: str, roles: Sequence[str], *, at: Optional[_dt.datetime] = None,
                   actor: Optional[str] = None, command_id: Optional[str] = None) -> "Applied":
        """Define a person and their roles.

        Without ``at`` the definition holds from the beginning; defining an
        existing person again with ``at`` updates them from then on (no roles:
        they retire). Once someone holds ``administrator``, ``actor`` must be
        an administrator as of ``at`` and in the latest definitions.
        """
        if isinstance(roles, str):
            raise TypeError("roles must be a list of role names")
        return self._directory_cmd({"cmd": "person", "id": _text("id", id), "name": _text("name", name),
                                    "roles": list(roles)}, at, actor, command_id)

    def add_property(self, id: str, name: str, manager: str, department_heads: Sequence[str] = (),
                     quality_supervisor: Optional[str] = None, *, at: Optional[_dt.datetime] = None,
                     actor: Optional[str] = None, command_id: Optional[str] = None) -> "Applied":
        """Define a property with its manager, department heads and quality supervisor.

        ``at`` and ``actor`` as for :meth:`add_person`: with ``at``, an
        existing property's whole record is replaced from then on.
        """
        if isinstance(department_heads, str):
            raise TypeError("department_heads must be a list of person ids")
        cmd = {"cmd": "property", "id": _text("id", id), "name": _text("name", name),
               "manager": _text("manager", manager), "department_heads": list(department_heads)}
        if quality_supervisor is not None:
            cmd["quality_supervisor"] = _text("quality_supervisor", quality_supervisor)
        return self._directory_cmd(cmd, at, actor, command_id)

    def add_bonus(self, person: str, month: str, amount_fen: int, *, at: Optional[_dt.datetime] = None,
                  actor: Optional[str] = None, command_id: Optional[str] = None) -> "Applied":
        """A person's bonus for a month ("2026-11"), which caps their penalties.

        With ``at``, corrects an existing bonus from then on; the month is
        capped by its latest bonus at or before the assessment instant.
        """
        return self._directory_cmd({"cmd": "bonus", "person": _text("person", person),
                                    "month": _text("month", month), "amount_fen": amount_fen}, at, actor, command_id)

    def directory(self, as_of: Optional[_dt.datetime] = None) -> Directory:
        """The directory as of ``as_of`` (None: every definition so far), typed, in :attr:`zone`.

        ``directory().person("li")`` is the person in force, with their
        earlier and later definitions in ``history``; :class:`Invalid` for a
        naive datetime.
        """
        t = _NONE if as_of is None else _seconds("as_of", as_of)
        return Directory._from(self._h.directory(t), self.zone)

    def deadlines(self, start: _dt.datetime, end: _dt.datetime, *, person: Optional[str] = None,
                  property: Optional[str] = None, as_of: Optional[_dt.datetime] = None) -> Iterator["Due"]:
        """Every open deadline due in [start, end), earliest first, with who would be charged if it
        were missed (the directory as of the due instant); filter by ``person`` or ``property``.
        :attr:`Due.overdue` is true when the due instant is before ``as_of`` (None: now, the clock)."""
        return self._due(start, end, person, property, False, as_of)

    def reminders(self, start: _dt.datetime, end: _dt.datetime, *, person: Optional[str] = None,
                  property: Optional[str] = None, as_of: Optional[_dt.datetime] = None) -> Iterator["Due"]:
        """The reminders due in [start, end) (the policy's ``remind`` leads, moved into duty hours):
        :class:`Due` rows with ``remind_at`` set, earliest first; ``as_of`` as for :meth:`deadlines`."""
        return self._due(start, end, person, property, True, as_of)

    def _due(self, start, end, person, property, reminders, as_of) -> Iterator["Due"]:
        text = self._h.deadlines(_seconds("start", start), _seconds("end", end),
                                 _text("person", person, optional=True), _text("property", property, optional=True),
                                 reminders, int(_time.time()) if as_of is None else _seconds("as_of", as_of))
        doc = json.loads(text)
        return iter([Due._from(r, self.zone) for r in doc["reminders" if reminders else "deadlines"]])

    # -- the feed and notifications (share/doc/hotline/guide-feed.md)
    def follow(self, cursor: Optional[str] = None, *, limit: int = 100, wait: bool = True,
               poll: float = 1.0) -> Iterator["FeedEvent"]:
        """The events committed after ``cursor`` (None: from the first), every stream in seq order,
        read a page of ``limit`` at a time: ``for ev in db.follow(cursor)``. Each event carries
        ``cursor``, the cursor after it: store it once the event is handled, and a restart goes on
        from there without skipping one. With ``wait`` (the default) the iterator keeps waiting for
        the next commit, like ``tail -f`` (PostgreSQL: LISTEN/NOTIFY; SQLite: polling), looking up
        at least every ``poll`` seconds; without it, it stops once it has caught up."""
        if not isinstance(limit, int) or isinstance(limit, bool) or limit < 1:
            raise ValueError("limit must be a positive int")
        return self._follow(_text("cursor", cursor, optional=True), limit, wait, max(1, int(poll * 1000)))

    def _follow(self, cursor, limit, wait, poll_ms) -> Iterator["FeedEvent"]:
        while True:
            doc = json.loads(self._h.feed(cursor, limit))
            for row in doc["events"]:
                yield FeedEvent._from(row, self.zone)
            cursor = doc["cursor"]
            if doc["more"]:
                continue
            if not wait:
                return
            self._h.feed_wait(cursor, poll_ms)

    def notifications(self, cursor: Optional[str] = None, until: Optional[_dt.datetime] = None, *,
                      limit: int = 100) -> Iterator["Notification"]:
        """What people must be told (``reminder``, ``breach``, ``penalty``), derived from the rules,
        with an instant after ``cursor`` and up to ``until`` (None: now), in instant order, read a
        page at a time. Each carries a stable ``id`` and ``cursor``, the cursor after it; the same
        log gives the same notifications. ``last_cursor`` of the iterator, once it is exhausted,
        says that everything up to ``until`` was handed out."""
        if not isinstance(limit, int) or isinstance(limit, bool) or limit < 1:
            raise ValueError("limit must be a positive int")
        t = _seconds("until", until if until is not None else _dt.datetime.now(_dt.timezone.utc))
        return _NotificationPages(self, _text("cursor", cursor, optional=True), t, limit)

    # -- batches
    def batch(self) -> "_Batch":
        """``with db.batch(): ...`` applies the commands inside as one transaction."""
        return _Batch(self)

    # -- reading
    def case(self, case_id: str) -> Case:
        """The snapshot of a case; :class:`NotFound` if unknown."""
        return Case._from(self._h.get_case(_text("case_id", case_id)), self.zone)

    def cases(self, property: Optional[str] = None, state: Union[State, str, None] = None,
              limit: Optional[int] = None) -> Iterator[Case]:
        """Cases by property and/or state, ordered by id, read lazily page by page (``limit``: at most that many)."""
        h, zone = self._h, self.zone
        prop = _text("property", property, optional=True)
        st = None if state is None else State(state).value
        return _Pages(lambda after, n: h.cases(prop, st, after, n), lambda raw: raw.id(),
                      lambda raw: Case._from(raw, zone), _count("limit", limit))

    def sweep(self, before: _dt.datetime, limit: Optional[int] = None) -> Iterator[Case]:
        """Cases whose next due instant is before ``before``, earliest first, read lazily (all unless ``limit``)."""
        h, zone, t = self._h, self.zone, _seconds("before", before)

        def fetch(after, n):
            return h.sweep(t, after[0], after[1], n) if after else h.sweep(t, _NONE, None, n)
        return _Pages(fetch, lambda raw: (raw.next_due(), raw.id()), lambda raw: Case._from(raw, zone),
                      _count("limit", limit))

    def history(self, case_id: Optional[str] = None) -> Iterator[Event]:
        """Events of a case in order, read lazily; ``None``: the organisation stream (directory, calls...)."""
        h, zone, cid = self._h, self.zone, _text("case_id", case_id, optional=True)
        return _Pages(lambda after, n: h.history(cid, after or 0, n), lambda raw: raw.version(),
                      lambda raw: Event._from(raw, zone), None)

    # -- owners' personal data (privacy.md)
    def forget(self, case, *, at, actor, reason=None, expect_version=None, command_id=None) -> "Applied":
        """Erase the owner's personal data of a case (administrator; PIPL Art. 47): its data key is destroyed."""
        return self._case_cmd("forget", case, at, actor, expect_version, command_id, dict(reason=reason))

    def cases_by_phone(self, phone: str) -> List[Case]:
        """The cases whose owner's phone is ``phone`` (normalised), through the blind index; needs the key."""
        raw = self._h.cases_by_phone(_text("phone", phone))
        return [Case._from(raw.get(i), self.zone) for i in range(len(raw))]

    def rotate_key(self, key: bytes, key_id: str) -> None:
        """Re-wrap every data key under ``key`` (32 bytes) with id ``key_id``; the old key stops working."""
        self._h.rotate_key(_key(key), _text("key_id", key_id))

    def encrypt_existing(self) -> int:
        """Encrypt the personal data of cases registered before encryption; returns how many cases."""
        return self._h.encrypt_existing()

    def encryption(self) -> Dict[str, Any]:
        """How the database keeps personal data: mode, key_id, key_given, clear_events, clear_cases."""
        return json.loads(self._h.encryption())

    def verify_log(self, case_id: Optional[str] = None) -> int:
        """Check the hash chains; returns the number of events checked, raises :class:`Corrupt`."""
        return self._h.verify_log(_text("case_id", case_id, optional=True))

    def verify_report(self, case_id: Optional[str] = None, *, checkpoint: Union[Checkpoint, str, None] = None,
                      public_key: Optional[bytes] = None, max_findings: Optional[int] = None) -> VerifyReport:
        """Everything :meth:`verify_log` checks, with every problem found, as a :class:`VerifyReport`.

        Problems do not raise: they are the report's ``findings`` (``ok`` false).
        ``checkpoint`` (and its signer's 32-byte ``public_key``) is checked too.
        Raises when verification cannot run: :class:`Invalid` for a text that is
        not a checkpoint or a key of the wrong size, :class:`NotFound` for an unknown case.
        """
        n = _count("max_findings", max_findings)
        if n == 0:
            raise ValueError("max_findings must be positive (None: the library's 1000)")
        return VerifyReport._from(self._h.verify_report(_text("case_id", case_id, optional=True), _at_most(n),
                                                        _checkpoint_text(checkpoint), _public_key(public_key)))

    def checkpoint(self, up_to: Optional[int] = None, *, key: Optional[bytes] = None) -> Checkpoint:
        """A checkpoint of the log up to the global seq ``up_to`` (None: its last event now).

        ``key``: an Ed25519 signing key (a 32-byte seed or a 64-byte secret
        key) to sign it with; :func:`checkpoint_public_key` gives the key that
        verifies it. :class:`Invalid` when ``up_to`` is beyond the log.
        """
        seq = _count("up_to", up_to)
        if seq == 0:
            raise ValueError("up_to must be positive (None: the log's last event)")
        if seq is not None and seq > 2 ** 63 - 1:
            raise Invalid("up_to %d is beyond the log" % seq)
        return Checkpoint.parse(self._h.checkpoint(seq or 0, _signing_key("key", key)))

    def verify_checkpoint(self, checkpoint: Union[Checkpoint, str], *, public_key: Optional[bytes] = None) -> None:
        """Check that everything ``checkpoint`` covers is as it was.

        Raises :class:`Corrupt` when anything covered changed or, with
        ``public_key`` (32 bytes), when the checkpoint is unsigned or not
        signed by that key; :class:`Invalid` when the text is not a checkpoint.
        """
        text = _checkpoint_text(checkpoint)
        if text is None:
            raise TypeError("checkpoint must be a Checkpoint or a str, not None")
        self._h.verify_checkpoint(text, _public_key(public_key))

    def claim_due(self, before: _dt.datetime, *, worker: str, lease: Union[_dt.timedelta, int],
                  limit: Optional[int] = None) -> List[Case]:
        """Claim due cases for a sweep worker: at most ``limit`` (None: all) whose next due instant
        is before ``before``, earliest first, that no worker holds a lease on.

        Each one returned is leased to ``worker`` (a name, 1-128 bytes) for
        ``lease`` (a timedelta or seconds, 1 s to 1 day) by the storage's clock.
        Workers claiming at once, through any handles, get disjoint cases; a
        case whose lease ran out comes back to a claim. Inside :meth:`batch`
        the leases are taken when the batch commits.
        """
        n = _count("limit", limit)
        if n == 0:
            raise ValueError("limit must be positive (None: every due case)")
        raw = self._h.claim_due(_seconds("before", before), _at_most(n), _lease(lease),
                                _text("worker", worker))
        return [Case._from(raw.get(i), self.zone) for i in range(len(raw))]

    def claims(self, before: _dt.datetime, *, worker: str, lease: Union[_dt.timedelta, int],
               page: int = 16) -> Iterator[Case]:
        """:meth:`claim_due` as an iterator: claims ``page`` cases at a time, each page only when
        the previous one is used up, until no due case is left unclaimed.

        A worker thus holds leases only on the cases it is about to handle.
        Each case comes once per iteration, also when its lease ran out
        meanwhile and it was claimed again; the arguments are checked at once.
        """
        n = _count("page", page)
        if not n:
            raise ValueError("page must be positive")
        h, zone = self._h, self.zone
        args = (_seconds("before", before), _at_most(n), _lease(lease), _text("worker", worker))

        def walk() -> Iterator[Case]:
            seen = set()
            extra = 0
            while True:
                raw = h.claim_due(args[0], args[1] + extra, args[2], args[3])
                fresh = [raw.get(i) for i in range(len(raw)) if raw.get(i).id() not in seen]
                if not fresh:
                    if len(raw) < args[1] + extra:
                        return              # every due case is handled or held by someone
                    # a page full of cases already handled whose leases ran out: claim past them
                    extra = len(seen)
                    continue
                extra = 0
                for r in fresh:
                    seen.add(r.id())
                    yield Case._from(r, zone)
        return walk()

    def policy_record(self) -> Dict[str, Any]:
        """The policy the database records and the one this handle reads under: ``{"recorded": {"name",
        "digest"} or None, "in_use": {"name", "digest"}, "what_if": bool}``, and once the policy changed
        ``"history": [{"name", "digest", "from"}, …]`` (``from`` None for the one it was created under).
        A handle opened without ``policy`` computes with the recorded one (:attr:`policy` names it);
        with another, it only reads (a what-if) and every command is refused with ``policy``."""
        return json.loads(self._h.policy_json())

    def set_policy(self, policy: str, *, at: _dt.datetime, actor: Optional[str] = None,
                   command_id: Optional[str] = None) -> "Applied":
        """Change the database's policy from ``at`` on (a ``policy`` line): ``policy`` is a built-in
        name or a policy JSON file's path. ``actor``: an administrator (none while the directory has
        none). Clocks that started before ``at`` keep the policy they started under; every open
        case's next due is recomputed in the same transaction. This handle follows the new policy;
        another opened with the old one only reads from then on."""
        if at is None:
            raise TypeError("set_policy needs at: the instant the policy is in force from")
        line = json.loads(_ll.policy_line(_text("policy", os.fspath(policy))))
        if actor is not None:
            line["actor"] = _text("actor", actor)
        line["at"] = _iso("at", at)
        if command_id is not None:
            line["command_id"] = _text("command_id", command_id)
        applied = self.execute(line)
        self.policy = self._h.policy()
        return applied

    def calendar(self) -> Dict[str, Any]:
        """The working-day calendar the database computes with: ``{"years": [{"year", "source", "digest",
        "holidays", "workdays", "recorded", …}], "first", "last"}`` (a base year is not ``recorded``)."""
        return json.loads(self._h.calendar())

    def adopt_calendar(self, year: int, data: Union[str, bytes, Dict[str, Any], None] = None, *,
                       file: Optional[str] = None, format: Optional[str] = None, builtin: bool = False,
                       source: Optional[str] = None, actor: Optional[str] = None,
                       at: Optional[_dt.datetime] = None, command_id: Optional[str] = None) -> "Applied":
        """Record ``year``'s holidays and make-up working days in the database (a ``calendar`` line).

        From ``data`` (cn-holidays JSON as text or a dict, or iCalendar text), a ``file`` (its format
        from ``format``, else ``.ics`` is iCalendar and anything else JSON) or ``builtin=True`` (the
        library's own data). ``actor``: an administrator (none while the directory has none).
        Every open case's next due is recomputed in the same transaction."""
        if not isinstance(year, int) or isinstance(year, bool):
            raise TypeError("year must be an int")
        if sum(x is not None for x in (data, file)) + bool(builtin) != 1:
            raise TypeError("give exactly one of data, file= or builtin=True")
        if builtin:
            fmt, text = "builtin", None
        else:
            if file is not None:
                with open(os.fspath(file), "rb") as f:
                    data = f.read()
                fmt = format or ("ical" if str(file).lower().endswith((".ics", ".ical")) else "json")
            else:
                fmt = format or "json"
            if fmt not in ("json", "ical"):
                raise ValueError("format is 'json' or 'ical'")
            if isinstance(data, (bytes, bytearray)):
                data = bytes(data).decode("utf-8")
            if isinstance(data, dict):
                if fmt != "json":
                    raise TypeError("a dict is JSON holiday data: use format='json'")
                data = json.dumps(data, ensure_ascii=False)
            text = _text("data", data)
        line = json.loads(_ll.calendar_line(year, fmt, text, None if source is None else _text("source", source)))
        if actor is not None:
            line["actor"] = _text("actor", actor)
        if at is not None:
            line["at"] = _iso("at", at, "calendar")
        if command_id is not None:
            line["command_id"] = _text("command_id", command_id)
        return self.execute(line)

    def assess(self, as_of: _dt.datetime) -> Assessment:
        """The monthly assessment at ``as_of``, typed; ``.raw``/``.json`` give the library's document."""
        return Assessment._from(self._h.assess(_seconds("as_of", as_of), False))

    def assess_csv(self, as_of: _dt.datetime) -> str:
        """The monthly assessment at ``as_of`` as CSV text."""
        return self._h.assess(_seconds("as_of", as_of), True)

    def assess_to(self, path: Union[str, os.PathLike], as_of: _dt.datetime, format: str = "json") -> None:
        """Write the assessment at ``as_of`` to the file ``path`` as it is produced (JSON or CSV text).

        Memory stays small however many cases the month has; the text is the
        one :meth:`assess` parses. When the assessment fails, no file is left behind.
        """
        if format not in ("json", "csv"):
            raise ValueError("format is 'json' or 'csv'")
        self._h.assess_to(_seconds("as_of", as_of), format == "csv", _text("path", os.fspath(path)))

    def penalties(self, as_of: _dt.datetime) -> Iterator[Penalty]:
        """Every penalty up to ``as_of`` (rule, article, case, person, amount, instant)."""
        return iter(self.assess(as_of).penalties)

    def statement(self, person: str, month: str, as_of: Optional[_dt.datetime] = None) -> Statement:
        """``person``'s statement of ``month`` ("YYYY-MM"): the month's penalties with article, rule,
        case and amount, and the bonus cap; at the period's end unless ``as_of`` (inside it) is given."""
        t = _NONE if as_of is None else _seconds("as_of", as_of)
        return Statement._from(self._h.statement(_text("person", person), _text("month", month), t))

    def explain(self, case_id: str, as_of: Optional[_dt.datetime] = None) -> Explanation:
        """Each deadline and penalty of a case with the article it comes from, typed."""
        t = _NONE if as_of is None else _seconds("as_of", as_of)
        return Explanation._from(self._h.explain(_text("case_id", case_id), t))


class _Batch:
    def __init__(self, db: Database):
        self.db = db

    def __enter__(self) -> Database:
        self.db._h.begin()
        return self.db

    def __exit__(self, exc_type, *rest) -> None:
        if exc_type is None:
            self.db._h.commit()
        elif not self.db.closed:
            self.db._h.rollback()


def open(uri: str = "memory:", policy: Optional[str] = None, key: Optional[bytes] = None,  # noqa: A001
         key_id: Optional[str] = None, unencrypted: bool = False, *, mode: Optional[str] = None,
         read_uri: Optional[str] = None, busy_timeout_ms: Optional[int] = None,
         synchronous: Optional[str] = None) -> Database:
    """Open a database: ``"memory:"``, ``"sqlite:PATH"``, a bare path or ``"postgres:CONNINFO"``; ``policy`` a
    built-in name or a file; ``key``/``key_id`` the key of owners' personal data (32 bytes); ``mode``
    "read_only", "read_write" or "create"; ``read_uri`` a second storage for the scans (see :class:`Database`)."""
    return Database(uri, policy, key, key_id, unencrypted, mode=mode, read_uri=read_uri,
                    busy_timeout_ms=busy_timeout_ms, synchronous=synchronous)


def replay_json(paths: Union[str, os.PathLike, Sequence[Union[str, os.PathLike]]], policy: Optional[str] = None,
                as_of: Optional[_dt.datetime] = None, db: Optional[str] = None) -> str:
    """The exact JSON text ``hotline replay`` prints (without its final newline)."""
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    files = [_text("path", os.fspath(p)) for p in paths]
    if not files:
        raise ValueError("no scenario file given")
    return _ll.replay(files, _text("policy", policy, optional=True),
                      _NONE if as_of is None else _seconds("as_of", as_of), _text("db", db, optional=True))


def replay(paths, policy: Optional[str] = None, as_of: Optional[_dt.datetime] = None,
           db: Optional[str] = None) -> Dict[str, Any]:
    """Replay scenario files; returns the document ``hotline replay`` prints, as a dict."""
    return json.loads(replay_json(paths, policy=policy, as_of=as_of, db=db))


def lifecycle() -> List[Dict[str, Any]]:
    """The lifecycle table the library runs on."""
    return json.loads(_ll.lifecycle_json())
