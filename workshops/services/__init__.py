"""Registration engine and workshop writes, one module per concern (see docs/adr for the layout).

Seats (DESIGN §5): `Workshop.seats_held` is a counter changed only by these services, by one conditional
statement (`UPDATE … SET seats_held = seats_held + n WHERE id = … AND seats_held + n <= capacity`), in the
same transaction as the registration row whose `holds_seats` flag says it is counted. Every transition
runs in one transaction that locks the workshop row first and then the registration row (one lock order
for all transitions, so they cannot deadlock) — except registration_create, whose first statement is the
conditional UPDATE itself. Mails are rendered before the seat statement or written to the outbox in the
transaction and sent after commit.

Modules: registration (register, confirm, cancel), waitlist (offers, expiry), seats (take, release,
reconcile), mails, checkin, reminders, retention, workshop (create, update, cancel, duplicate, team,
agenda). Callers import the package (`from workshops import services`); the names below are its public
surface. Errors live in workshops.exceptions and are re-exported here for existing callers.
"""

from ..exceptions import (
    ConsentMissing,
    InvalidInput,
    InvalidSeats,
    NotEnoughSeats,
    OfferExpired,
    RegistrationClosed,
    TokenExpired,
    TokenInvalid,
    TransitionNotAllowed,
    WorkshopFull,
    WorkshopInvalid,
)
from .checkin import registration_admit, registration_check_in, registration_undo_check_in
from .mails import registration_resend_mail
from .registration import (
    RegistrationResult,
    SupportNeeds,
    registration_answer,
    registration_cancel,
    registration_confirm,
    registration_confirm_by_staff,
    registration_create,
)
from .reminders import reminders_send, start_checksum
from .retention import registration_anonymise, retention_run
from .seats import seats_reconcile
from .support import (
    registration_language_set,
    registration_support_answer,
    registration_support_update,
    support_answer_due,
    support_notify_team,
)
from .waitlist import (
    holds_expire,
    offer_accept,
    offer_decline,
    offers_expire,
    offers_process,
    registration_leave_waitlist,
    waitlist_offer_next,
)
from .workshop import (
    agenda_item_delete,
    agenda_item_save,
    workshop_cancel,
    workshop_create,
    workshop_duplicate,
    workshop_rule_errors,
    workshop_team_member_remove,
    workshop_team_member_save,
    workshop_update,
)

__all__ = [
    "ConsentMissing",
    "InvalidInput",
    "InvalidSeats",
    "NotEnoughSeats",
    "OfferExpired",
    "RegistrationClosed",
    "RegistrationResult",
    "SupportNeeds",
    "TokenExpired",
    "TokenInvalid",
    "TransitionNotAllowed",
    "WorkshopFull",
    "WorkshopInvalid",
    "agenda_item_delete",
    "agenda_item_save",
    "holds_expire",
    "offer_accept",
    "offer_decline",
    "offers_expire",
    "offers_process",
    "registration_admit",
    "registration_anonymise",
    "registration_answer",
    "registration_cancel",
    "registration_check_in",
    "registration_confirm",
    "registration_confirm_by_staff",
    "registration_create",
    "registration_language_set",
    "registration_leave_waitlist",
    "registration_resend_mail",
    "registration_support_answer",
    "registration_support_update",
    "registration_undo_check_in",
    "reminders_send",
    "retention_run",
    "seats_reconcile",
    "start_checksum",
    "support_answer_due",
    "support_notify_team",
    "waitlist_offer_next",
    "workshop_cancel",
    "workshop_create",
    "workshop_duplicate",
    "workshop_rule_errors",
    "workshop_team_member_remove",
    "workshop_team_member_save",
    "workshop_update",
]

# Changes from the manage link and at the door (wave 2, issue #10/#15); appended so the lists above stay stable.
from .changes import (
    WITHDRAWABLE_PURPOSES,
    CancelUndoNotPossible,
    cancel_undo_deadline,
    registration_cancel_undo,
    registration_consent_withdraw,
    registration_consents_active,
    registration_seats_change,
)
from .door import registration_admit_arrived, registration_walk_in

__all__ += [
    "WITHDRAWABLE_PURPOSES",
    "CancelUndoNotPossible",
    "cancel_undo_deadline",
    "registration_admit_arrived",
    "registration_cancel_undo",
    "registration_consent_withdraw",
    "registration_consents_active",
    "registration_seats_change",
    "registration_walk_in",
]
