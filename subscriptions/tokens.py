"""Signed unsubscribe links: they work without signing in, and only for what they name.

A token is ``django.core.signing`` data, salted for this purpose only, with no expiry (a link in
an old email keeps working; it can do nothing but stop emails):

* ``{"s": <subscription id>, "u": <user id>}``: end that subscription;
* ``{"u": <user id>, "k": "replies" | "answers" | "weekly"}``: turn off replies to my comments,
  answers to my submissions, or every weekly subscription (the digest's link).

A changed character breaks the signature: ``read_token`` raises ``BadToken``.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "konsulta.subscriptions.unsubscribe"
SETTING_KINDS = ("replies", "answers", "weekly")


class BadToken(Exception):
    pass


def token_for_subscription(subscription) -> str:
    return signing.dumps({"s": subscription.pk, "u": subscription.user_id}, salt=SALT)


def token_for_setting(user, kind: str) -> str:
    if kind not in SETTING_KINDS:
        raise ValueError(kind)
    return signing.dumps({"u": user.pk, "k": kind}, salt=SALT)


def read_token(token: str) -> dict:
    try:
        data = signing.loads(token, salt=SALT)
    except (signing.BadSignature, ValueError, TypeError) as exc:
        raise BadToken(str(exc)) from exc
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        raise BadToken("malformed")
    if "s" in data:
        if not isinstance(data["s"], int):
            raise BadToken("malformed")
    elif data.get("k") not in SETTING_KINDS:
        raise BadToken("malformed")
    return data


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def unsubscribe_url(token: str) -> str:
    return absolute(reverse("subscriptions:unsubscribe", kwargs={"token": token}))


def list_unsubscribe_headers(url: str) -> dict[str, str]:
    """RFC 2369 and RFC 8058 (one-click: mail clients POST ``List-Unsubscribe=One-Click``)."""
    return {
        "List-Unsubscribe": f"<{url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
