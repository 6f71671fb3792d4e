from django import forms
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.utils.translation import gettext_lazy as _

from salesdesk.core.forms import CleanTextMixin


class TokenForm(CleanTextMixin, forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=100, initial="API")


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)


class EmployeePasswordResetForm(PasswordResetForm):
    """Finds the account by the address on the user or on the person's employee record (the org
    administrator usually keeps it there). Says nothing about whether an address is known."""

    email = forms.EmailField(label=_("Email"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"}))

    def get_users(self, email):
        from django.contrib.auth import get_user_model
        from django.db.models import Q

        users = get_user_model()._default_manager.filter(
            Q(email__iexact=email) | Q(employee__email__iexact=email, employee__status="active"), is_active=True)
        return (user for user in users.distinct() if user.has_usable_password())

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email,
                  html_email_template_name=None):
        # The address kept for the person (the user's own, else the employee record's), not what was typed.
        user = context["user"]
        employee = getattr(user, "employee", None)
        to_email = user.email or (employee.email if employee is not None else "") or to_email
        super().send_mail(subject_template_name, email_template_name, context, from_email, to_email,
                          html_email_template_name)


class AdministratorPasswordForm(SetPasswordForm):
    """An organisation administrator gives someone a new password (they change it after logging in)."""
