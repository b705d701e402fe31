"""jiceng (基层) for Python: party-led grassroots governance as Suzhou practises it, over the
library's stable C ABI (libjiceng.so, loaded with ctypes).

    import datetime as dt, jiceng
    with jiceng.Engine(policy="suzhou-sip") as engine:
        engine.org.load_sample()
        resident = jiceng.Actor("R-1", jiceng.Role.RESIDENT)
        pid = engine.petitions.submit(resident, location="H-G01B01-0101", category="noise",
                                      text="楼下广场舞噪音扰民", now=dt.datetime.now(jiceng.CST))
    jiceng.Calendar.china().add_workdays(dt.date(2024, 9, 30), 1)   # 2024-10-08

Errors are typed exceptions carrying the library's message: ``jiceng.NotFound``,
``jiceng.InvalidArgument``, ``jiceng.PermissionDenied``, ``jiceng.IllegalTransition``
(FAILED_PRECONDITION), ``jiceng.OutOfRange``, ``jiceng.DataLoss``, ... all ``jiceng.JicengError``.
"""

from . import _capi
from ._core import (CST, Aborted, AlreadyExists, CalendarMode, Cancelled, Channel, DataLoss, DayKind, DeadlineExceeded, Event,
                    FailedPrecondition, IllegalTransition, InternalError, InvalidArgument, JicengError, NotFound,
                    OutOfRange, PermissionDenied, ReopenKind, ResourceExhausted, Role, Satisfaction, Severity, State,
                    Unauthenticated, Unavailable, Unimplemented, Urgency, display_id)
from .calendar import Calendar
from .engine import Actor, ActorHandle, Engine, Petitions, TickReport, workflow_dot, workflow_matrix
from .org import Org
from .loops import Loop, LoopOutcome, Loops
from .mediation import Mediation
from . import policy
from .policy import Policy
from .journal import ChainReport, Journal, sha256_hex
from .whatif import whatif

__version__ = _capi.jc_version().decode()
library_path = _capi.library_path

__all__ = [
    "Aborted", "Actor", "ActorHandle", "AlreadyExists", "CST", "Calendar", "Cancelled", "ChainReport", "Channel",
    "DataLoss", "CalendarMode", "DayKind", "DeadlineExceeded", "Engine", "Event", "FailedPrecondition", "IllegalTransition",
    "InternalError", "InvalidArgument", "JicengError", "Journal", "Loop", "LoopOutcome", "Loops", "Mediation", "NotFound", "Org", "OutOfRange",
    "PermissionDenied", "Petitions", "Policy", "ReopenKind", "ResourceExhausted", "Role", "Satisfaction",
    "Severity", "State", "TickReport", "Unauthenticated", "Unavailable", "Unimplemented", "Urgency",
    "display_id", "library_path", "policy", "sha256_hex", "whatif", "workflow_dot", "workflow_matrix",
]
