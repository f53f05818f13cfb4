from django import forms
from django.utils.translation import gettext_lazy as _


class AccountDeleteForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Ja, ich möchte mein Konto und alle damit verbundenen Daten endgültig löschen."),
        required=True,
        error_messages={"required": _("Bitte bestätigen Sie, dass Ihr Konto gelöscht werden soll.")},
    )
