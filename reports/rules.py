"""Who may see the live report, record meetings and publish the report (``rules`` predicates).

Object: the consultation. Published versions are public to everyone who may see the
consultation; the *live* report (a draft, always marked "not published") is for the
institution's officials and staff, as is recording meetings and publishing.
"""

from __future__ import annotations

import rules

from accounts.rules import is_staff
from consult.rules import consultation_is_closed, is_consultation_official

can_manage = is_consultation_official | is_staff

rules.add_perm("reports.preview_report", can_manage)
rules.add_perm("reports.manage_meetings", can_manage)
# Closed (effective status, so a round whose closing time has passed counts) or already
# report_published: then publishing again is a correction with a note.
rules.add_perm("reports.publish_report", can_manage & consultation_is_closed)
