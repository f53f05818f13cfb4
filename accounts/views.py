import json

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from core.exceptions import ApplicationError

from . import services
from .forms import AccountDeleteForm
from .mfa import mfa_required_for, user_has_mfa
from .middleware import SESSION_MFA_NEXT
from .roles import user_is_staff_member


@login_required
def account_overview(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/account_overview.html",
        {"needs_mfa": mfa_required_for(request.user), "has_mfa": user_has_mfa(request.user)},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def personal_data(request: HttpRequest) -> HttpResponse:
    """ "Meine Daten": download everything as JSON; the way to close the account."""
    if request.method == "POST":
        user = request.user
        data = services.personal_data_export(email=getattr(user, "email", ""), user=user)
        response = HttpResponse(
            json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
        )
        stamp = timezone.localtime().strftime("%Y-%m-%d")
        response["Content-Disposition"] = f'attachment; filename="meine-daten-bezirkswerkstaetten-{stamp}.json"'
        response["Cache-Control"] = "no-store"
        return response
    return render(request, "accounts/personal_data.html", {"is_staff_account": user_is_staff_member(request.user)})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@reauthentication_required(allow_get=True)
def account_delete(request: HttpRequest) -> HttpResponse:
    """Close the account after confirmation and re-authentication (password or code, allauth)."""
    staff = user_is_staff_member(request.user)
    form = AccountDeleteForm(request.POST or None)
    if request.method == "POST" and not staff and form.is_valid():
        try:
            services.account_delete(user=request.user)
        except ApplicationError as error:
            messages.error(request, error.message)
            return redirect("accounts:delete")
        logout(request)
        return redirect("accounts:deleted")
    return render(request, "accounts/account_delete.html", {"form": form, "is_staff_account": staff})


@require_GET
def account_deleted(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/account_deleted.html")


@login_required
@require_GET
def mfa_continue(request: HttpRequest) -> HttpResponse:
    """After setting up the second factor: back to the staff page that asked for it."""
    next_path = request.session.pop(SESSION_MFA_NEXT, "")
    if next_path and url_has_allowed_host_and_scheme(next_path, allowed_hosts={request.get_host()}):
        return redirect(next_path)
    messages.info(request, _("Die Zwei-Faktor-Anmeldung ist eingerichtet."))
    return redirect("accounts:overview")


@login_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def mfa_enrol(request: HttpRequest, token: str) -> HttpResponse:
    """The mailed invitation link: GET shows a button (mail scanners follow links), POST redeems it and
    continues to the TOTP set-up. Only the invited account, signed in, can use it."""
    from .models import MfaEnrolmentInvitation

    known = MfaEnrolmentInvitation.objects.filter(
        token_hash=services._mfa_token_hash(token), user_id=request.user.pk or 0, used_at__isnull=True
    ).exists()
    if not known:
        return render(request, "accounts/mfa_enrol.html", {"invalid": True}, status=404)
    if request.method == "POST":
        try:
            services.mfa_invitation_redeem(token=token, user=request.user, session=request.session)
        except ApplicationError:
            return render(request, "accounts/mfa_enrol.html", {"invalid": True}, status=404)
        return redirect("mfa_activate_totp")
    return render(request, "accounts/mfa_enrol.html", {"invalid": False})


def mfa_invitation_needed(request: HttpRequest) -> HttpResponse:
    """Staff without a second factor and without a redeemed invitation (rendered by the middleware)."""
    return render(request, "accounts/mfa_invitation_needed.html", status=403)
