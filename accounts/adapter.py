"""allauth customisation seam: the only place allauth's flows touch our User."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.utils import translation

from . import services


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        data = form.cleaned_data
        user.display_name = (data.get("display_name") or "").strip()
        user.preferred_language = data.get("preferred_language") or translation.get_language()
        if commit:
            user.save()
        return user

    def confirm_email(self, request, email_address):
        result = super().confirm_email(request, email_address)
        if email_address.verified and email_address.primary:
            services.user_mark_email_verified(user=email_address.user)
        return result

    def send_mail(self, template_prefix, email, context):
        # Emails go out in the recipient's language when we know it.
        user = context.get("user")
        language = getattr(user, "preferred_language", None) or translation.get_language()
        with translation.override(language):
            return super().send_mail(template_prefix, email, context)
