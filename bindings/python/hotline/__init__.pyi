import datetime as _dt
import enum
import os
from typing import Any, ContextManager, Dict, FrozenSet, Iterator, List, Literal, Optional, Sequence, Tuple, Union

__version__: str
__all__: List[str]

class Error(Exception):
    """Base of every libhotline error."""
    code: str
    @property
    def message(self) -> str: ...
class InvalidTransition(Error): ...
class Forbidden(Error): ...
class Invalid(Error, ValueError): ...
class NotFound(Error, LookupError): ...
class Conflict(Error): ...
class Duplicate(Error): ...
class StorageError(Error): ...
class NoMemory(Error, MemoryError): ...
class Corrupt(Error): ...
class OutOfRange(Error): ...
class FileError(Error, OSError): ...
class PolicyError(Error): ...
class WrongKey(Error): ...
class Busy(Error): ...

class State(str, enum.Enum):
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
    NONE = "none"
    PENDING = "pending"
    APPROVED = "approved"

class Case:
    id: str
    property: str
    state: State
    approval: Approval
    exempt: bool
    version: int
    registered_at: _dt.datetime
    last_at: _dt.datetime
    next_due: Optional[_dt.datetime]
    room: Optional[str]
    owner: Optional[str]
    phone: Optional[str]
    matter: Optional[str]
    call_taker: Optional[str]
    order_taker: Optional[str]
    kind: Optional[str]
    severity: Optional[str]
    provisional: bool

class Event:
    seq: int
    case: Optional[str]
    version: int
    command: str
    actor: Optional[str]
    at: Optional[_dt.datetime]
    fields: Dict[str, Any]
    prev_hash: str
    hash: str
    id: Optional[str]

class Penalty:
    rule: str
    article: int
    case: Optional[str]
    person: Optional[str]
    amount_fen: int
    incurred_at: _dt.datetime
    property: Optional[str]
    increments: Tuple[Tuple[_dt.datetime, int], ...]
    evidence: Tuple[int, ...]
    provisional: bool

class Deadline:
    rule: str
    article: int
    case: Optional[str]
    state: str
    started_at: Optional[_dt.datetime]
    due: Optional[_dt.datetime]
    late: _dt.timedelta
    met_at: Optional[_dt.datetime]
    stopped_at: Optional[_dt.datetime]
    overdue: Optional[bool]
    title: Optional[Dict[str, str]]
    clock: Optional[str]
    provisional: bool

class Rate:
    num: int
    den: int
    @property
    def value(self) -> Optional[float]: ...

class PropertyRates:
    id: str
    closure: Rate
    satisfaction: Rate

class PersonTotal:
    person: str
    raw_fen: int
    capped_fen: int
    bonus_fen: int

class Evidence:
    rule: str
    case: Optional[str]
    person: Optional[str]
    events: Tuple[int, ...]

class Assessment:
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
    raw: Dict[str, Any]
    json: str

class StatementLine:
    rule: str
    article: int
    title: Dict[str, str]
    case: Optional[str]
    amount_fen: int
    increments: int
    incurred_at: Optional[_dt.datetime]

class Statement:
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
    raw: Dict[str, Any]
    json: str

class Explanation:
    case: str
    policy: str
    as_of: Optional[_dt.datetime]
    exempt: bool
    exempt_from: Optional[_dt.datetime]
    next_due: Optional[_dt.datetime]
    total_fen: int
    deadlines: List[Deadline]
    penalties: List[Penalty]
    raw: Dict[str, Any]
    json: str

class Person:
    id: str
    name: str
    roles: FrozenSet[str]
    since: Optional[_dt.datetime]
    history: Tuple[Person, ...]
    @property
    def retired(self) -> bool: ...

class Property:
    id: str
    name: str
    manager: str
    department_heads: Tuple[str, ...]
    quality_supervisor: Optional[str]
    since: Optional[_dt.datetime]
    history: Tuple[Property, ...]

class Bonus:
    person: str
    month: str
    amount_fen: int
    since: Optional[_dt.datetime]
    history: Tuple[Bonus, ...]

class Directory:
    as_of: Optional[_dt.datetime]
    persons: Tuple[Person, ...]
    properties: Tuple[Property, ...]
    bonuses: Tuple[Bonus, ...]
    raw: Dict[str, Any]
    json: str
    def person(self, id: str) -> Optional[Person]: ...
    def property(self, id: str) -> Optional[Property]: ...
    def bonus(self, person: str, month: str) -> Optional[Bonus]: ...

_T = _dt.datetime

class Due:
    case: Optional[str]
    property: Optional[str]
    rule: str
    article: int
    title: str
    title_zh: str
    started_at: Optional[_dt.datetime]
    due: _dt.datetime
    overdue: bool
    liable: Tuple[Optional[str], ...]
    remind_at: Optional[_dt.datetime] = ...

class FeedEvent:
    seq: int
    stream: str
    stream_seq: int
    cmd: str
    actor: str
    at: Optional[_dt.datetime]
    id: Optional[str]
    hash: str
    body: Dict[str, Any]
    cursor: str

class Notification:
    id: str
    kind: str
    instant: _dt.datetime
    case: Optional[str]
    property: Optional[str]
    rule: str
    article: int
    title: str
    title_zh: str
    liable: Tuple[Optional[str], ...]
    due: Optional[_dt.datetime]
    amount_fen: Optional[int]
    cursor: str
    raw: Dict[str, Any]

class Checkpoint:
    text: str
    seq: int
    count: int
    digest: str
    signature: Optional[str]
    def __init__(self, text: str, seq: int, count: int, digest: str, signature: Optional[str] = ...) -> None: ...
    @property
    def signed(self) -> bool: ...
    @classmethod
    def parse(cls, text: str) -> Checkpoint: ...

class Difference:
    field: str
    stored: Any
    rebuilt: Any

class Finding:
    code: str
    message: str
    case: Optional[str]
    organisation: bool
    directory: Optional[Tuple[str, str]]
    seq: Optional[int]
    version: Optional[int]
    differences: Tuple[Difference, ...]

class CheckpointCheck:
    seq: int
    count: int
    signed: bool
    signature: Literal["valid", "not_checked"]
    ok: bool

class VerifyReport:
    ok: bool
    scope: Literal["log", "case"]
    case: Optional[str]
    events: int
    streams: int
    cases: int
    directory_records: int
    protection: Literal["checked", "not_available", "not_checked"]
    checkpoint: Optional[CheckpointCheck]
    findings: Tuple[Finding, ...]
    findings_total: int
    truncated: bool
    raw: Dict[str, Any]
    json: str

class Applied(int):
    repeated: bool
    def __new__(cls, seq: int, repeated: bool = ...) -> Applied: ...

class Database:
    uri: str
    policy: str
    zone: _dt.timezone
    @property
    def closed(self) -> bool: ...
    def __init__(self, uri: str, policy: Optional[str] = ..., key: Optional[bytes] = ..., key_id: Optional[str] = ...,
                 unencrypted: bool = ..., *, mode: Optional[Literal["read_only", "read_write", "create"]] = ...,
                 read_uri: Optional[str] = ..., busy_timeout_ms: Optional[int] = ...,
                 synchronous: Optional[Literal["normal", "full"]] = ...) -> None: ...
    def close(self) -> None: ...
    def __enter__(self) -> Database: ...
    def __exit__(self, *exc: Any) -> None: ...
    def execute(self, command: Dict[str, Any]) -> Applied: ...
    def execute_json(self, text: str) -> Applied: ...
    def register(self, case: str, *, at: _T, actor: str, property: str, room: str, owner: str, phone: str,
                 matter: str, call_taker: str, order_taker: str, kind: Optional[str] = ...,
                 severity: Optional[str] = ..., expect_version: Optional[int] = ...,
                 command_id: Optional[str] = ...) -> Applied: ...
    def correct_record(self, case: str, *, at: _T, actor: str, fields: Sequence[str],
                       values: Optional[Dict[str, str]] = ..., expect_version: Optional[int] = ...,
                 command_id: Optional[str] = ...) -> Applied: ...
    def dispatch(self, case: str, *, at: _T, actor: str, expect_version: Optional[int] = ...,
                 command_id: Optional[str] = ...) -> Applied: ...
    def decide_measures(self, case: str, *, at: _T, actor: str, measures: str, department_head: Optional[str] = ...,
                        expect_version: Optional[int] = ...,
                 command_id: Optional[str] = ...) -> Applied: ...
    def onsite_visit(self, case: str, *, at: _T, actor: str, expect_version: Optional[int] = ...,
                 command_id: Optional[str] = ...) -> Applied: ...
    def submit_visit_form(self, case: str, *, at: _T, actor: str, expect_version: Optional[int] = ...,
                 command_id: Optional[str] = ...) -> Applied: ...
    def report_progress(self, case: str, *, at: _T, actor: str, text: Optional[str] = ...,
                        expect_version: Optional[int] = ...,
                 command_id: Optional[str] = ...) -> Applied: ...
    def complete(self, case: str, *, at: _T, actor: str, agreed_followup_at: Optional[_T] = ...,
                 expect_version: Optional[int] = ...,
                 command_id: Optional[str] = ...) -> Applied: ...
    def followup(self, case: str, *, at: _T, actor: str, satisfied: bool, expect_version: Optional[int] = ...,
                 command_id: Optional[str] = ...) -> Applied: ...
    def supervisor_check(self, case: str, *, at: _T, actor: str, expect_version: Optional[int] = ...,
                 command_id: Optional[str] = ...) -> Applied: ...
    def verify(self, case: str, *, at: _T, actor: str, outcome: str, expect_version: Optional[int] = ...,
                 command_id: Optional[str] = ...) -> Applied: ...
    def close_case(self, case: str, *, at: _T, actor: str, expect_version: Optional[int] = ...,
                 command_id: Optional[str] = ...) -> Applied: ...
    def request_escalation(self, case: str, *, at: _T, actor: str, report: str,
                           expect_version: Optional[int] = ...,
                 command_id: Optional[str] = ...) -> Applied: ...
    def request_stage_close(self, case: str, *, at: _T, actor: str, measures: str, agreed_repair_at: _T,
                            expected_completion_at: _T, expect_version: Optional[int] = ...,
                 command_id: Optional[str] = ...) -> Applied: ...
    def report_malicious(self, case: str, *, at: _T, actor: str, explanation: str,
                         expect_version: Optional[int] = ...,
                 command_id: Optional[str] = ...) -> Applied: ...
    def approve(self, case: str, *, at: _T, actor: str, note: Optional[str] = ..., expect_version: Optional[int] = ...,
                 command_id: Optional[str] = ...) -> Applied: ...
    def reject(self, case: str, *, at: _T, actor: str, note: Optional[str] = ..., expect_version: Optional[int] = ...,
                 command_id: Optional[str] = ...) -> Applied: ...
    def repeat_complaint(self, case: str, *, at: _T, actor: str, matter: Optional[str] = ...,
                         expect_version: Optional[int] = ...,
                 command_id: Optional[str] = ...) -> Applied: ...
    def reply(self, case: str, *, at: _T, actor: str, text: str, promised_at: Optional[_T] = ...,
              expect_version: Optional[int] = ...,
                 command_id: Optional[str] = ...) -> Applied: ...
    def record_finding(self, case: Optional[str] = ..., *, at: _T, actor: str, kind: str,
                       person: Optional[str] = ..., note: Optional[str] = ...,
                       command_id: Optional[str] = ...) -> Applied: ...
    def call(self, *, at: _T, agent: str, rings: int, answered: bool, connected: bool = ...,
             actor: Optional[str] = ..., command_id: Optional[str] = ...) -> Applied: ...
    def monthly_summary(self, *, at: _T, actor: str, command_id: Optional[str] = ...) -> Applied: ...
    def quarterly_meeting(self, *, at: _T, actor: str, absent: Sequence[str] = ...,
                          command_id: Optional[str] = ...) -> Applied: ...
    def quarterly_report(self, *, at: _T, actor: str, command_id: Optional[str] = ...) -> Applied: ...
    def add_person(self, id: str, name: str, roles: Sequence[str], *, at: Optional[_T] = ...,
                   actor: Optional[str] = ..., command_id: Optional[str] = ...) -> Applied: ...
    def add_property(self, id: str, name: str, manager: str, department_heads: Sequence[str] = ...,
                     quality_supervisor: Optional[str] = ..., *, at: Optional[_T] = ...,
                     actor: Optional[str] = ..., command_id: Optional[str] = ...) -> Applied: ...
    def add_bonus(self, person: str, month: str, amount_fen: int, *, at: Optional[_T] = ...,
                  actor: Optional[str] = ..., command_id: Optional[str] = ...) -> Applied: ...
    def directory(self, as_of: Optional[_T] = ...) -> Directory: ...
    def deadlines(self, start: _T, end: _T, *, person: Optional[str] = ...,
                  property: Optional[str] = ..., as_of: Optional[_T] = ...) -> Iterator[Due]: ...
    def reminders(self, start: _T, end: _T, *, person: Optional[str] = ...,
                  property: Optional[str] = ..., as_of: Optional[_T] = ...) -> Iterator[Due]: ...
    def follow(self, cursor: Optional[str] = ..., *, limit: int = ..., wait: bool = ...,
               poll: float = ...) -> Iterator[FeedEvent]: ...
    def notifications(self, cursor: Optional[str] = ..., until: Optional[_dt.datetime] = ..., *,
                      limit: int = ...) -> Iterator[Notification]: ...
    def batch(self) -> ContextManager[Database]: ...
    def case(self, case_id: str) -> Case: ...
    def cases(self, property: Optional[str] = ..., state: Union[State, str, None] = ...,
              limit: Optional[int] = ...) -> Iterator[Case]: ...
    def sweep(self, before: _T, limit: Optional[int] = ...) -> Iterator[Case]: ...
    def history(self, case_id: Optional[str] = ...) -> Iterator[Event]: ...
    def verify_log(self, case_id: Optional[str] = ...) -> int: ...
    def verify_report(self, case_id: Optional[str] = ..., *, checkpoint: Union[Checkpoint, str, None] = ...,
                      public_key: Optional[bytes] = ..., max_findings: Optional[int] = ...) -> VerifyReport: ...
    def checkpoint(self, up_to: Optional[int] = ..., *, key: Optional[bytes] = ...) -> Checkpoint: ...
    def verify_checkpoint(self, checkpoint: Union[Checkpoint, str], *, public_key: Optional[bytes] = ...) -> None: ...
    def claim_due(self, before: _T, *, worker: str, lease: Union[_dt.timedelta, int],
                  limit: Optional[int] = ...) -> List[Case]: ...
    def claims(self, before: _T, *, worker: str, lease: Union[_dt.timedelta, int], page: int = ...) -> Iterator[Case]: ...
    def policy_record(self) -> Dict[str, Any]: ...
    def set_policy(self, policy: Union[str, os.PathLike[str]], *, at: _dt.datetime, actor: Optional[str] = ...,
                   command_id: Optional[str] = ...) -> Applied: ...
    def calendar(self) -> Dict[str, Any]: ...
    def adopt_calendar(self, year: int, data: Union[str, bytes, Dict[str, Any], None] = ..., *,
                       file: Optional[Union[str, os.PathLike[str]]] = ..., format: Optional[Literal["json", "ical"]] = ...,
                       builtin: bool = ..., source: Optional[str] = ..., actor: Optional[str] = ...,
                       at: Optional[_dt.datetime] = ..., command_id: Optional[str] = ...) -> Applied: ...
    def forget(self, case: str, *, at: _T, actor: str, reason: Optional[str] = ..., expect_version: Optional[int] = ...,
               command_id: Optional[str] = ...) -> Applied: ...
    def cases_by_phone(self, phone: str) -> List[Case]: ...
    def rotate_key(self, key: bytes, key_id: str) -> None: ...
    def encrypt_existing(self) -> int: ...
    def encryption(self) -> Dict[str, Any]: ...
    def assess(self, as_of: _T) -> Assessment: ...
    def assess_csv(self, as_of: _T) -> str: ...
    def assess_to(self, path: Union[str, os.PathLike], as_of: _T, format: Literal["json", "csv"] = ...) -> None: ...
    def penalties(self, as_of: _T) -> Iterator[Penalty]: ...
    def statement(self, person: str, month: str, as_of: Optional[_T] = ...) -> Statement: ...
    def explain(self, case_id: str, as_of: Optional[_T] = ...) -> Explanation: ...

def open(uri: str = ..., policy: Optional[str] = ..., key: Optional[bytes] = ..., key_id: Optional[str] = ...,
         unencrypted: bool = ..., *, mode: Optional[Literal["read_only", "read_write", "create"]] = ...,
         read_uri: Optional[str] = ..., busy_timeout_ms: Optional[int] = ...,
         synchronous: Optional[Literal["normal", "full"]] = ...) -> Database: ...
def replay_json(paths: Union[str, os.PathLike, Sequence[Union[str, os.PathLike]]], policy: Optional[str] = ...,
                as_of: Optional[_T] = ..., db: Optional[str] = ...) -> str: ...
def replay(paths: Union[str, os.PathLike, Sequence[Union[str, os.PathLike]]], policy: Optional[str] = ...,
           as_of: Optional[_T] = ..., db: Optional[str] = ...) -> Dict[str, Any]: ...
def lifecycle() -> List[Dict[str, Any]]: ...
def expect(document: Union[str, Dict[str, Any], List[Any]], expected: Union[str, Dict[str, Any], List[Any]]) -> List[str]: ...
def checkpoint_public_key(secret_key: bytes) -> bytes: ...
def read_key_file(path: Union[str, os.PathLike]) -> Tuple[bytes, str]: ...
