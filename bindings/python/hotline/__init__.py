"""libhotline for Python: the complaint hotline of a property-management group.

    import datetime as dt, hotline
    CN = dt.timezone(dt.timedelta(hours=8))
    with hotline.open("sqlite:/tmp/hotline.db") as db:
        db.add_person("zhang", "张敏", ["hotline_specialist"])
        ...
        db.register("C1", at=dt.datetime(2026, 11, 2, 9, 5, tzinfo=CN), actor="zhang", property="P1", ...)
        print(db.case("C1").state)

Commands are methods with keyword arguments named as in the scenario format;
instants are timezone-aware ``datetime`` objects (naive ones are refused);
refusals raise a subclass of :class:`hotline.Error`.
"""
from __future__ import annotations

import dataclasses
import datetime as _dt
import enum
import json
import os
from typing import Any, Dict, Iterator, List, Optional, Sequence, Union

from . import _hotline

__all__ = [
    "open", "replay", "replay_json", "lifecycle", "Database", "Case", "Event", "State", "Approval",
    "Error", "InvalidTransition", "Forbidden", "Invalid", "NotFound", "Conflict", "Duplicate",
    "StorageError", "NoMemory", "Corrupt", "OutOfRange", "IOError", "PolicyError", "ZONE",
]

__version__ = _hotline.hl_version()

#: The zone instants come back in (the default policy's, UTC+08:00).
ZONE = _dt.timezone(_dt.timedelta(hours=8))


# ---------------------------------------------------------------- errors

class Error(Exception):
    """Base of every libhotline error. ``code`` is the library's snake-case code, ``message`` its text."""

    code = "error"

    def __init__(self, message: str, code: Optional[str] = None):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code

    def __str__(self) -> str:
        return "%s: %s" % (self.code, self.message)


class InvalidTransition(Error):
    """The command is not allowed in the case's current state."""
    code = "invalid_transition"


class Forbidden(Error):
    """The actor's role or property scope does not allow the command."""
    code = "forbidden"


class Invalid(Error):
    """Malformed command or argument, or a guard on its payload failed."""
    code = "invalid"


class NotFound(Error):
    """No such case, person, property or record."""
    code = "not_found"


class Conflict(Error):
    """The case's version differs from the one expected."""
    code = "conflict"


class Duplicate(Error):
    """An object with this id already exists."""
    code = "duplicate"


class StorageError(Error):
    """The storage failed (busy, unreadable, newer schema...)."""
    code = "storage"


class NoMemory(Error):
    code = "nomem"


class Corrupt(Error):
    """Stored data failed an integrity check (a hash chain is broken)."""
    code = "corrupt"


class OutOfRange(Error):
    """A working-day clock reached past the loaded holiday data."""
    code = "range"


class IOError(Error):  # noqa: A001 - the library's own code name
    """A file could not be read."""
    code = "io"


class PolicyError(Error):
    """A policy could not be loaded."""
    code = "policy"


_BY_CODE = {c.code: c for c in (InvalidTransition, Forbidden, Invalid, NotFound, Conflict, Duplicate,
                                 StorageError, NoMemory, Corrupt, OutOfRange, IOError, PolicyError)}


def _call(fn, *args):
    """Calls the low-level module, turning its errors into Error subclasses."""
    try:
        return fn(*args)
    except RuntimeError as e:
        if len(e.args) == 3 and e.args[0] == "libhotline":
            _, code, message = e.args
            raise _BY_CODE.get(code, Error)(message, code) from None
        raise


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


_STATE_NUMBERS = {s: i for i, s in enumerate(State)}


class Approval(str, enum.Enum):
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


def _iso(name: str, value: Any) -> str:
    if not isinstance(value, _dt.datetime):
        raise TypeError("%s must be a datetime, not %s" % (name, type(value).__name__))
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("%s must be timezone-aware (a naive datetime is ambiguous)" % name)
    return value.replace(microsecond=0).isoformat()


def _from_iso(value: Optional[str]) -> Optional[_dt.datetime]:
    if value is None:
        return None
    return _dt.datetime.fromisoformat(value)


def _from_epoch(value: int) -> _dt.datetime:
    return _dt.datetime.fromtimestamp(value, ZONE)


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

    @classmethod
    def _from(cls, d: Dict[str, Any]) -> "Case":
        s = d["snapshot"]
        ledger = s.get("ledger", {})
        return cls(id=s["id"], property=s["property"], state=State(s["state"]), approval=Approval(s["approval"]),
                   exempt=bool(s["exempt"]), version=d["version"], registered_at=_from_epoch(d["registered_at"]),
                   last_at=_from_epoch(d["last_at"]), next_due=_from_iso(d["next_due_at"]),
                   **{k: ledger.get(k) for k in ("room", "owner", "phone", "matter", "call_taker", "order_taker",
                                                 "kind", "severity")})


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

    @classmethod
    def _from(cls, d: Dict[str, Any]) -> "Event":
        c = d["command"]
        fields = {k: v for k, v in c.items() if k not in ("cmd", "case", "actor", "at")}
        return cls(seq=d["seq"], case=c.get("case"), version=d["version"], command=c["cmd"], actor=c.get("actor"),
                   at=_from_iso(c.get("at")), fields=fields, prev_hash=d["prev_hash"], hash=d["hash"])


# ---------------------------------------------------------------- database

_COMMANDS = {
    # name: (needs a case, needs actor/at)
    "register": True, "correct_record": True, "dispatch": True, "decide_measures": True, "onsite_visit": True,
    "submit_visit_form": True, "report_progress": True, "complete": True, "followup": True,
    "supervisor_check": True, "verify": True, "close": True, "request_escalation": True,
    "request_stage_close": True, "report_malicious": True, "approve": True, "reject": True,
    "repeat_complaint": True, "reply": True,
}
_TIME_FIELDS = {"agreed_followup_at", "agreed_repair_at", "expected_completion_at", "promised_at"}


class Database:
    """An open libhotline database. Use as a context manager; closing twice is harmless."""

    def __init__(self, uri: str, policy: Optional[str] = None):
        _text("uri", uri)
        _text("policy", policy, optional=True)
        self._db = _call(_hotline.hl_open, uri, policy)
        self.uri = uri
        self.policy = policy or "gm-hotline"

    # -- life cycle
    def close(self) -> None:
        """Close the database. Further use raises :class:`Error`."""
        db, self._db = getattr(self, "_db", None), None
        if db is not None:
            _hotline.hl_close(db)

    def __enter__(self) -> "Database":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass

    def __repr__(self) -> str:
        return "<hotline.Database %r policy=%r%s>" % (self.uri, self.policy, "" if self._db else " closed")

    @property
    def closed(self) -> bool:
        return self._db is None

    def _handle(self):
        if self._db is None:
            raise Error("the database is closed", "invalid")
        return self._db

    # -- commands
    def execute(self, command: Dict[str, Any]) -> int:
        """Apply one command given as a dict in the scenario format; returns the event's sequence number."""
        if not isinstance(command, dict):
            raise TypeError("command must be a dict")
        return self.execute_json(json.dumps(command, ensure_ascii=False))

    def execute_json(self, text: str) -> int:
        """Apply one command given as JSON text; returns the event's sequence number."""
        _text("text", text)
        return _call(_hotline.hl_exec, self._handle(), text)

    def _case_cmd(self, name: str, case: str, at: _dt.datetime, actor: str, expect_version: Optional[int],
                  fields: Dict[str, Any]) -> int:
        cmd: Dict[str, Any] = {"cmd": name, "case": _text("case", case), "at": _iso("at", at),
                               "actor": _text("actor", actor)}
        if expect_version is not None:
            if not isinstance(expect_version, int) or isinstance(expect_version, bool):
                raise TypeError("expect_version must be an int")
            cmd["expect_version"] = expect_version
        for k, v in fields.items():
            if v is None:
                continue
            cmd[k] = _iso(k, v) if k in _TIME_FIELDS else v
        return self.execute(cmd)

    def register(self, case: str, *, at, actor, property, room, owner, phone, matter, call_taker, order_taker,
                 kind=None, severity=None, expect_version=None) -> int:
        """Register a call in the ledger (Art. 12)."""
        return self._case_cmd("register", case, at, actor, expect_version, dict(
            property=property, room=room, owner=owner, phone=phone, matter=matter, call_taker=call_taker,
            order_taker=order_taker, kind=kind, severity=severity))

    def correct_record(self, case, *, at, actor, fields: Sequence[str], values: Optional[Dict[str, str]] = None,
                       expect_version=None) -> int:
        return self._case_cmd("correct_record", case, at, actor, expect_version,
                              dict(fields=list(fields), values=values))

    def dispatch(self, case, *, at, actor, expect_version=None) -> int:
        return self._case_cmd("dispatch", case, at, actor, expect_version, {})

    def decide_measures(self, case, *, at, actor, measures, department_head=None, expect_version=None) -> int:
        return self._case_cmd("decide_measures", case, at, actor, expect_version,
                              dict(measures=measures, department_head=department_head))

    def onsite_visit(self, case, *, at, actor, expect_version=None) -> int:
        return self._case_cmd("onsite_visit", case, at, actor, expect_version, {})

    def submit_visit_form(self, case, *, at, actor, expect_version=None) -> int:
        return self._case_cmd("submit_visit_form", case, at, actor, expect_version, {})

    def report_progress(self, case, *, at, actor, text=None, expect_version=None) -> int:
        return self._case_cmd("report_progress", case, at, actor, expect_version, dict(text=text))

    def complete(self, case, *, at, actor, agreed_followup_at=None, expect_version=None) -> int:
        return self._case_cmd("complete", case, at, actor, expect_version,
                              dict(agreed_followup_at=agreed_followup_at))

    def followup(self, case, *, at, actor, satisfied: bool, expect_version=None) -> int:
        if not isinstance(satisfied, bool):
            raise TypeError("satisfied must be a bool")
        return self._case_cmd("followup", case, at, actor, expect_version, dict(satisfied=satisfied))

    def supervisor_check(self, case, *, at, actor, expect_version=None) -> int:
        return self._case_cmd("supervisor_check", case, at, actor, expect_version, {})

    def verify(self, case, *, at, actor, outcome: str, expect_version=None) -> int:
        return self._case_cmd("verify", case, at, actor, expect_version, dict(outcome=_text("outcome", outcome)))

    def close_case(self, case, *, at, actor, expect_version=None) -> int:
        """The group head closes a verified case (the `close` command)."""
        return self._case_cmd("close", case, at, actor, expect_version, {})

    def request_escalation(self, case, *, at, actor, report, expect_version=None) -> int:
        return self._case_cmd("request_escalation", case, at, actor, expect_version, dict(report=report))

    def request_stage_close(self, case, *, at, actor, measures, agreed_repair_at, expected_completion_at,
                            expect_version=None) -> int:
        return self._case_cmd("request_stage_close", case, at, actor, expect_version, dict(
            measures=measures, agreed_repair_at=agreed_repair_at, expected_completion_at=expected_completion_at))

    def report_malicious(self, case, *, at, actor, explanation, expect_version=None) -> int:
        return self._case_cmd("report_malicious", case, at, actor, expect_version, dict(explanation=explanation))

    def approve(self, case, *, at, actor, note=None, expect_version=None) -> int:
        return self._case_cmd("approve", case, at, actor, expect_version, dict(note=note))

    def reject(self, case, *, at, actor, note=None, expect_version=None) -> int:
        return self._case_cmd("reject", case, at, actor, expect_version, dict(note=note))

    def repeat_complaint(self, case, *, at, actor, matter=None, expect_version=None) -> int:
        return self._case_cmd("repeat_complaint", case, at, actor, expect_version, dict(matter=matter))

    def reply(self, case, *, at, actor, text, promised_at=None, expect_version=None) -> int:
        return self._case_cmd("reply", case, at, actor, expect_version, dict(text=text, promised_at=promised_at))

    def record_finding(self, case: Optional[str] = None, *, at, actor, kind, person=None) -> int:
        """A finding on a case, or organisation-level when ``case`` is None."""
        cmd: Dict[str, Any] = {"cmd": "record_finding", "at": _iso("at", at), "actor": _text("actor", actor),
                               "kind": _text("kind", kind)}
        if case is not None:
            cmd["case"] = _text("case", case)
        if person is not None:
            cmd["person"] = _text("person", person)
        return self.execute(cmd)

    def _org(self, name: str, at, actor, **fields) -> int:
        cmd = {"cmd": name, "at": _iso("at", at), "actor": _text("actor", actor)}
        cmd.update({k: v for k, v in fields.items() if v is not None})
        return self.execute(cmd)

    def call(self, *, at, actor, agent, rings: int, answered: bool, connected: bool = True) -> int:
        """A call on the hotline (Art. 8)."""
        return self._org("call", at, actor, agent=_text("agent", agent), rings=rings, answered=answered,
                         connected=connected)

    def monthly_summary(self, *, at, actor) -> int:
        return self._org("monthly_summary", at, actor)

    def quarterly_meeting(self, *, at, actor, absent: Sequence[str] = ()) -> int:
        return self._org("quarterly_meeting", at, actor, absent=list(absent))

    def quarterly_report(self, *, at, actor) -> int:
        return self._org("quarterly_report", at, actor)

    # -- directory
    def add_person(self, id: str, name: str, roles: Sequence[str]) -> int:
        if isinstance(roles, str):
            raise TypeError("roles must be a list of role names")
        return self.execute({"cmd": "person", "id": _text("id", id), "name": _text("name", name), "roles": list(roles)})

    def add_property(self, id: str, name: str, manager: str, department_heads: Sequence[str] = (),
                     quality_supervisor: Optional[str] = None) -> int:
        cmd = {"cmd": "property", "id": _text("id", id), "name": _text("name", name),
               "manager": _text("manager", manager), "department_heads": list(department_heads)}
        if quality_supervisor is not None:
            cmd["quality_supervisor"] = _text("quality_supervisor", quality_supervisor)
        return self.execute(cmd)

    def add_bonus(self, person: str, month: str, amount_fen: int) -> int:
        return self.execute({"cmd": "bonus", "person": _text("person", person), "month": _text("month", month),
                             "amount_fen": amount_fen})

    # -- batches
    def batch(self) -> "_Batch":
        """``with db.batch(): ...`` applies the commands inside as one transaction."""
        return _Batch(self)

    # -- reading
    def case(self, case_id: str) -> Case:
        """The snapshot of a case; :class:`NotFound` if unknown."""
        return Case._from(json.loads(_call(_hotline.hl_case_json, self._handle(), _text("case_id", case_id))))

    def cases(self, property: Optional[str] = None, state: Union[State, str, None] = None,
              limit: Optional[int] = None) -> Iterator[Case]:
        """Cases by property and/or state, ordered by id."""
        st = -1 if state is None else _STATE_NUMBERS[State(state)]
        text = _call(_hotline.hl_cases_json, self._handle(), _text("property", property, optional=True), st,
                     int(limit or 0))
        return iter([Case._from(d) for d in json.loads(text)])

    def sweep(self, before: _dt.datetime, limit: int = 100) -> Iterator[Case]:
        """Cases whose next due instant is before ``before``, earliest first (for reminder jobs)."""
        text = _call(_hotline.hl_sweep_json, self._handle(), _iso("before", before), int(limit))
        return iter([Case._from(d) for d in json.loads(text)])

    def history(self, case_id: Optional[str] = None) -> Iterator[Event]:
        """Events of a case in order; ``None``: the organisation stream (directory, calls...)."""
        text = _call(_hotline.hl_history_json, self._handle(), _text("case_id", case_id, optional=True))
        return iter([Event._from(d) for d in json.loads(text)])

    def verify_log(self, case_id: Optional[str] = None) -> int:
        """Check the hash chains; returns the number of events checked, raises :class:`Corrupt`."""
        return _call(_hotline.hl_verify, self._handle(), _text("case_id", case_id, optional=True))

    def assess(self, as_of: _dt.datetime, format: str = "json") -> Union[Dict[str, Any], str]:
        """The monthly assessment at ``as_of``: a dict (``format="json"``) or CSV text."""
        if format not in ("json", "csv"):
            raise ValueError("format is 'json' or 'csv'")
        text = _call(_hotline.hl_assess, self._handle(), _iso("as_of", as_of), 1 if format == "csv" else 0)
        return text if format == "csv" else json.loads(text)

    def assess_to(self, path: Union[str, os.PathLike], as_of: _dt.datetime, format: str = "json") -> None:
        """Write the assessment at ``as_of`` to the file ``path`` as it is produced (JSON or CSV text).

        Memory stays small however many cases the month has; the text is the one
        :meth:`assess` parses. When the assessment fails, no file is left behind.
        """
        if format not in ("json", "csv"):
            raise ValueError("format is 'json' or 'csv'")
        _call(_hotline.hl_assess_to, self._handle(), _iso("as_of", as_of), 1 if format == "csv" else 0,
              _text("path", os.fspath(path)))

    def penalties(self, as_of: _dt.datetime) -> Iterator[Dict[str, Any]]:
        """Every penalty up to ``as_of`` (rule, article, case, person, amount_fen, incurred_at)."""
        return iter(self.assess(as_of)["penalties"])

    def explain(self, case_id: str, as_of: Optional[_dt.datetime] = None) -> Dict[str, Any]:
        """Each deadline and penalty of a case with the article it comes from."""
        return json.loads(_call(_hotline.hl_explain, self._handle(), _text("case_id", case_id),
                                None if as_of is None else _iso("as_of", as_of)))


class _Batch:
    def __init__(self, db: Database):
        self.db = db

    def __enter__(self):
        _call(_hotline.hl_begin, self.db._handle())
        return self.db

    def __exit__(self, exc_type, *rest):
        if exc_type is None:
            _call(_hotline.hl_commit, self.db._handle())
        elif self.db._db is not None:
            _call(_hotline.hl_rollback, self.db._handle())


def open(uri: str = "memory:", policy: Optional[str] = None) -> Database:  # noqa: A001
    """Open a database: ``"memory:"``, ``"sqlite:PATH"`` or a bare path; ``policy`` a built-in name or a file."""
    return Database(uri, policy)


def replay_json(paths: Union[str, os.PathLike, Sequence[Union[str, os.PathLike]]], policy: Optional[str] = None,
                as_of: Optional[_dt.datetime] = None, db: Optional[str] = None) -> str:
    """The exact JSON text ``hotline replay`` prints (without its final newline)."""
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    files = [os.fspath(p) for p in paths]
    if not files:
        raise ValueError("no scenario file given")
    for f in files:
        _text("path", f)
        if "\n" in f:
            raise ValueError("a path must not contain a newline")
    return _call(_hotline.hl_replay, "\n".join(files), _text("policy", policy, optional=True),
                 None if as_of is None else _iso("as_of", as_of), _text("db", db, optional=True))


def replay(paths, policy: Optional[str] = None, as_of: Optional[_dt.datetime] = None,
           db: Optional[str] = None) -> Dict[str, Any]:
    """Replay scenario files; returns the document ``hotline replay`` prints, as a dict."""
    return json.loads(replay_json(paths, policy=policy, as_of=as_of, db=db))


def lifecycle() -> List[Dict[str, Any]]:
    """The lifecycle table the library runs on."""
    return json.loads(_call(_hotline.hl_lifecycle))
