"""Password rules beyond Django's: no common password dressed up with digits, no name of this service.

ASVS V2.1 / NIST SP 800-63B: length, a list of common passwords and context-specific words — and no
composition rules. Django's list is English-heavy and matches whole passwords only; "Passwort2026!" or
"Hannover12345" pass it. This validator strips digits and symbols and checks what is left."""

import gzip
import re
from functools import lru_cache

from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CONTEXT_WORDS = {
    "bezirkswerkstatt",
    "bezirkswerkstaetten",
    "bezirkswerkstätten",
    "werkstatt",
    "beteiligung",
    "hannover",
    "passwort",
    "kennwort",
    "geheim",
    "hallo",
    "willkommen",
    "sommer",
    "winter",
    "fruehling",
    "herbst",
    "admin",
    "moderation",
    "fachteam",
}


@lru_cache(maxsize=1)
def _common() -> frozenset[str]:
    # Django keeps its list of 20,000 common passwords next to the validator (lowercase, gzip).
    path = CommonPasswordValidator().DEFAULT_PASSWORD_LIST_PATH
    with gzip.open(str(path), "rt", encoding="utf-8") as handle:
        return frozenset(line.strip() for line in handle)


class ContextualPasswordValidator:
    def validate(self, password: str, user=None) -> None:
        core = re.sub(r"[\d\W_]+", "", password.lower())
        if core and (core in CONTEXT_WORDS or core in _common()):
            raise ValidationError(
                _("Dieses Passwort ist zu leicht zu erraten: ein bekanntes Wort mit Zahlen oder Zeichen."),
                code="password_too_common",
            )

    def get_help_text(self) -> str:
        return _("Das Passwort darf kein bekanntes Wort sein, das nur um Zahlen oder Zeichen ergänzt ist.")
