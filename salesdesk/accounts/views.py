from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import services
from .forms import EmployeePasswordResetForm, LanguageForm, TokenForm
from .models import ApiToken


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):
        messages.success(self.request, _("Your password has been changed."))
        return super().form_valid(form)


class PasswordResetView(auth_views.PasswordResetView):
    """忘记密码: a link by e-mail (the console in development, SMTP when EMAIL_HOST is set)."""

    form_class = EmployeePasswordResetForm
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


def _employee_of(user):
    return getattr(user, "employee", None) if hasattr(user, "employee") else None


def _render_profile(request, token_form=None, status=200):
    employee = _employee_of(request.user)
    return render(request, "accounts/profile.html", {
        "tokens": ApiToken.objects.filter(user=request.user),
        "token_form": token_form or TokenForm(),
        "new_token": request.session.pop("new_api_token", None),
        "employee": employee,
        "assignments": list(employee.active_assignments()) if employee is not None else [],
    }, status=status)


@login_required
def profile(request):
    return _render_profile(request)


@login_required
@require_POST
def create_token(request):
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _render_profile(request, token_form=form, status=400)
    _token, raw = services.create_api_token(user=request.user, name=form.cleaned_data["name"])
    # Shown once on the next page, then gone: only a hash of it is stored.
    request.session["new_api_token"] = raw
    messages.success(request, _("Token created."))
    return redirect("accounts:profile")


@login_required
@require_POST
def revoke_token(request, pk):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    services.revoke_api_token(token=token)
    messages.success(request, _("Token revoked."))
    return redirect("accounts:profile")


@require_POST
def set_language(request):
    form = LanguageForm(request.POST)
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    if form.is_valid():
        language = form.cleaned_data["language"]
        request.session["language"] = language
        if request.user.is_authenticated:
            services.set_language(user=request.user, language=language)
    return redirect(next_url)
