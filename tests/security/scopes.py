"""The access rule of every route (issue 8 security), checked by test_permissions.py.

One entry per API operation (``"METHOD /api/v1/path"`` as in the OpenAPI schema) and per page
pattern (``"GET /pattern"`` in Django's path syntax; a page that takes POST only is checked with
an empty POST). A new route without an entry here fails the suite.

Each rule says:

- ``access``: PUBLIC (anyone, signed in or not) or SIGNED_IN (anonymous: 401 from the API, the
  login page or 403 from a page);
- ``allowed``: the personas of world.py that get past the gate (not 401/403/404, no 5xx); every
  other persona gets 403 or 404;
- ``obj``: the record of enterprise A the URL names (its enterprise, the CQO's person, the CQO's
  filed appointment). The outsiders county_b and clerk_b are not allowed on it and get 404
  (SPEC §1: a record outside the scope does not exist for the viewer);
- ``missing``: the URL names a record that does not exist (NO_RECORD): building one needs the
  whole workflow of its app (a certification application with its panel, a training session
  with enrolments, an alliance with events …), which that app's own scope tests do. Here the
  role gate is checked alone: an allowed persona passes it and finds nothing (404, or 422 for a
  body the operation refuses), the others are stopped with 403;
- ``note``: BODY_FIRST marks an operation whose request body is validated before its handler
  runs (django-ninja), so an empty body answers 422 to everyone signed in; its scope is checked
  by the app's own API tests with a valid body. SIGNS_OUT marks the sign-out, PASSWORD_FIRST the
  sign-in's second step (tests/accounts/test_second_factor.py walks it after a password).
"""

from __future__ import annotations

from dataclasses import dataclass

from tests.security.world import PERSONAS  # one per role, inside and outside A's county

PUBLIC, SIGNED_IN = "public", "signed_in"
ENTERPRISE_A = "enterprise A"
PERSON = "the CQO's person (appointed at enterprise A)"
FILING = "the CQO's filed appointment at enterprise A"
NO_RECORD = "a record that does not exist: the role gate is checked alone"
SIGNS_OUT = "signing out: every request, signed in or not, ends at the login page"
PASSWORD_FIRST = "the sign-in's second step: with no password step before it, the login page"
BODY_FIRST = "the body is validated before the handler: 422 for an empty body"


def only(*personas: str) -> frozenset[str]:
    unknown = set(personas) - set(PERSONAS)
    assert not unknown, unknown
    return frozenset(personas)


EVERYONE = frozenset(PERSONAS)
NOBODY: frozenset[str] = frozenset()
ADMIN = only("admin")


@dataclass(frozen=True)
class Rule:
    access: str
    allowed: frozenset[str]
    obj: str = ""
    missing: str = ""
    note: str = ""


SCOPES: dict[str, Rule] = {
    # API auth
    "POST /api/v1/auth/logout": Rule(SIGNED_IN, EVERYONE),
    "GET /api/v1/auth/me": Rule(SIGNED_IN, EVERYONE),
    "POST /api/v1/auth/token": Rule(PUBLIC, EVERYONE),
    # API blacklist
    "GET /api/v1/blacklist": Rule(SIGNED_IN, EVERYONE),
    "POST /api/v1/blacklist": Rule(SIGNED_IN, EVERYONE),
    "POST /api/v1/blacklist/with-evidence": Rule(SIGNED_IN, EVERYONE),
    "POST /api/v1/blacklist/appeals/{appeal_id}/decide": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "GET /api/v1/blacklist/{public_id}": Rule(SIGNED_IN, EVERYONE, missing=NO_RECORD),
    "POST /api/v1/blacklist/{public_id}/appeals": Rule(SIGNED_IN, EVERYONE, missing=NO_RECORD),
    "POST /api/v1/blacklist/{public_id}/end-date": Rule(SIGNED_IN, EVERYONE, missing=NO_RECORD),
    "POST /api/v1/blacklist/{public_id}/revoke": Rule(SIGNED_IN, EVERYONE, missing=NO_RECORD),
    # API certification
    "POST /api/v1/certification/actions/{action_id}/appeals": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "POST /api/v1/certification/appeals/{appeal_id}/decide": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "GET /api/v1/certification/applications": Rule(SIGNED_IN, EVERYONE),
    "POST /api/v1/certification/applications": Rule(SIGNED_IN, EVERYONE),
    "GET /api/v1/certification/applications/{app_id}": Rule(SIGNED_IN, EVERYONE, missing=NO_RECORD),
    "PUT /api/v1/certification/applications/{app_id}": Rule(SIGNED_IN, EVERYONE, missing=NO_RECORD),
    "POST /api/v1/certification/applications/{app_id}/accept": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "POST /api/v1/certification/applications/{app_id}/appeals": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "POST /api/v1/certification/applications/{app_id}/assessment": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "POST /api/v1/certification/applications/{app_id}/evidence": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "POST /api/v1/certification/applications/{app_id}/issue": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "POST /api/v1/certification/applications/{app_id}/panel": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "POST /api/v1/certification/applications/{app_id}/periods": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "DELETE /api/v1/certification/applications/{app_id}/periods/{period_id}": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "POST /api/v1/certification/applications/{app_id}/report": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "POST /api/v1/certification/applications/{app_id}/return": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "PUT /api/v1/certification/applications/{app_id}/sheet": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "POST /api/v1/certification/applications/{app_id}/submit": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "POST /api/v1/certification/applications/{app_id}/withdraw": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "GET /api/v1/certification/bodies": Rule(SIGNED_IN, EVERYONE),
    "POST /api/v1/certification/bodies": Rule(SIGNED_IN, EVERYONE),
    "GET /api/v1/certification/bodies/{body_id}": Rule(SIGNED_IN, EVERYONE, missing=NO_RECORD),
    "PUT /api/v1/certification/bodies/{body_id}": Rule(SIGNED_IN, EVERYONE, missing=NO_RECORD),
    "POST /api/v1/certification/bodies/{body_id}/experts": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "POST /api/v1/certification/bodies/{body_id}/members": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "GET /api/v1/certification/certificates": Rule(SIGNED_IN, EVERYONE),
    "GET /api/v1/certification/certificates/{number}": Rule(SIGNED_IN, EVERYONE, missing=NO_RECORD),
    "POST /api/v1/certification/certificates/{number}/accident-reports": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "POST /api/v1/certification/certificates/{number}/review-requests/{request_id}/close": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "POST /api/v1/certification/certificates/{number}/recommend": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "POST /api/v1/certification/certificates/{number}/reissue": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "POST /api/v1/certification/certificates/{number}/reviews": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "POST /api/v1/certification/certificates/{number}/supervise": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "POST /api/v1/certification/certificates/{number}/warnings": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "POST /api/v1/certification/grade": Rule(PUBLIC, EVERYONE),
    "GET /api/v1/certification/recommendations": Rule(SIGNED_IN, EVERYONE),
    "POST /api/v1/certification/recommendations": Rule(SIGNED_IN, EVERYONE, note=BODY_FIRST),
    "POST /api/v1/certification/recommendations/{recommendation_id}/withdraw": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    # API community
    "GET /api/v1/community/alliances": Rule(SIGNED_IN, EVERYONE),
    "POST /api/v1/community/alliances": Rule(SIGNED_IN, EVERYONE),
    "GET /api/v1/community/alliances/{alliance_id}": Rule(SIGNED_IN, EVERYONE, missing=NO_RECORD),
    "POST /api/v1/community/alliances/{alliance_id}/events": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "POST /api/v1/community/alliances/{alliance_id}/join": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "GET /api/v1/community/alliances/{alliance_id}/members": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "GET /api/v1/community/alliances/{alliance_id}/posts": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "POST /api/v1/community/alliances/{alliance_id}/posts": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "POST /api/v1/community/answers/{answer_id}/accept": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "POST /api/v1/community/answers/{answer_id}/moderate": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "GET /api/v1/community/competitions": Rule(SIGNED_IN, EVERYONE),
    "POST /api/v1/community/competitions": Rule(SIGNED_IN, EVERYONE),
    "GET /api/v1/community/competitions/{competition_id}": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "POST /api/v1/community/competitions/{competition_id}/publish": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "GET /api/v1/community/competitions/{competition_id}/submissions": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "POST /api/v1/community/competitions/{competition_id}/submissions": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "GET /api/v1/community/events": Rule(SIGNED_IN, EVERYONE),
    "GET /api/v1/community/events/{event_id}": Rule(SIGNED_IN, EVERYONE, missing=NO_RECORD),
    "POST /api/v1/community/events/{event_id}/attendance": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "POST /api/v1/community/events/{event_id}/cancel": Rule(SIGNED_IN, EVERYONE, missing=NO_RECORD),
    "POST /api/v1/community/events/{event_id}/register": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "GET /api/v1/community/events/{event_id}/registrations": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "POST /api/v1/community/memberships/{membership_id}/decide": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "POST /api/v1/community/memberships/{membership_id}/leave": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "POST /api/v1/community/memberships/{membership_id}/role": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "GET /api/v1/community/posts/{post_id}": Rule(SIGNED_IN, EVERYONE, missing=NO_RECORD),
    "POST /api/v1/community/posts/{post_id}/answers": Rule(SIGNED_IN, EVERYONE, missing=NO_RECORD),
    "POST /api/v1/community/posts/{post_id}/moderate": Rule(SIGNED_IN, EVERYONE, missing=NO_RECORD),
    "POST /api/v1/community/registrations/{registration_id}/cancel": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "GET /api/v1/community/submissions/{submission_id}": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "POST /api/v1/community/submissions/{submission_id}/scores": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "POST /api/v1/community/submissions/{submission_id}/withdraw": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    # API enterprises
    "GET /api/v1/enterprises": Rule(SIGNED_IN, EVERYONE),
    "POST /api/v1/enterprises": Rule(SIGNED_IN, EVERYONE),
    "GET /api/v1/enterprises/{uscc}": Rule(
        SIGNED_IN, only("admin", "province", "city", "county_a", "clerk_a", "cqo"), obj=ENTERPRISE_A
    ),
    "PATCH /api/v1/enterprises/{uscc}": Rule(
        SIGNED_IN, only("admin", "province", "city", "county_a", "clerk_a"), obj=ENTERPRISE_A
    ),
    "POST /api/v1/enterprises/{uscc}/clerks": Rule(
        SIGNED_IN, EVERYONE, obj=ENTERPRISE_A, note=BODY_FIRST
    ),
    "GET /api/v1/enterprises/{uscc}/cqo-status": Rule(
        SIGNED_IN, only("admin", "province", "city", "county_a", "clerk_a", "cqo"), obj=ENTERPRISE_A
    ),
    "POST /api/v1/enterprises/{uscc}/reminders": Rule(
        SIGNED_IN, EVERYONE, obj=ENTERPRISE_A, note=BODY_FIRST
    ),
    # API evaluation
    "GET /api/v1/evaluation/enterprises": Rule(SIGNED_IN, EVERYONE),
    "GET /api/v1/evaluation/enterprises/{uscc}/cost-accounts": Rule(
        SIGNED_IN, only("admin", "province", "city", "county_a", "clerk_a", "cqo"), obj=ENTERPRISE_A
    ),
    "POST /api/v1/evaluation/enterprises/{uscc}/cost-accounts": Rule(
        SIGNED_IN, EVERYONE, obj=ENTERPRISE_A, note=BODY_FIRST
    ),
    "GET /api/v1/evaluation/enterprises/{uscc}/cost-plans/{year}": Rule(
        SIGNED_IN, only("admin", "province", "city", "county_a", "clerk_a", "cqo"), obj=ENTERPRISE_A
    ),
    "PUT /api/v1/evaluation/enterprises/{uscc}/cost-plans/{year}": Rule(
        SIGNED_IN, only("clerk_a", "cqo"), obj=ENTERPRISE_A
    ),
    "GET /api/v1/evaluation/enterprises/{uscc}/costs": Rule(
        SIGNED_IN, only("admin", "province", "city", "county_a", "clerk_a", "cqo"), obj=ENTERPRISE_A
    ),
    "POST /api/v1/evaluation/enterprises/{uscc}/costs": Rule(
        SIGNED_IN, EVERYONE, obj=ENTERPRISE_A, note=BODY_FIRST
    ),
    "POST /api/v1/evaluation/enterprises/{uscc}/costs/import": Rule(
        SIGNED_IN, EVERYONE, obj=ENTERPRISE_A, note=BODY_FIRST
    ),
    "GET /api/v1/evaluation/enterprises/{uscc}/evaluations": Rule(
        SIGNED_IN, only("admin", "province", "city", "county_a", "clerk_a", "cqo"), obj=ENTERPRISE_A
    ),
    "POST /api/v1/evaluation/enterprises/{uscc}/evaluations": Rule(
        SIGNED_IN, EVERYONE, obj=ENTERPRISE_A, note=BODY_FIRST
    ),
    "GET /api/v1/evaluation/enterprises/{uscc}/losses": Rule(
        SIGNED_IN, only("admin", "province", "city", "county_a", "clerk_a", "cqo"), obj=ENTERPRISE_A
    ),
    "POST /api/v1/evaluation/enterprises/{uscc}/losses": Rule(
        SIGNED_IN, EVERYONE, obj=ENTERPRISE_A, note=BODY_FIRST
    ),
    "POST /api/v1/evaluation/enterprises/{uscc}/losses/import": Rule(
        SIGNED_IN, EVERYONE, obj=ENTERPRISE_A, note=BODY_FIRST
    ),
    "DELETE /api/v1/evaluation/enterprises/{uscc}/losses/{public_id}": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "GET /api/v1/evaluation/enterprises/{uscc}/quality": Rule(
        SIGNED_IN, only("admin", "province", "city", "county_a", "clerk_a", "cqo"), obj=ENTERPRISE_A
    ),
    "POST /api/v1/evaluation/enterprises/{uscc}/revenue": Rule(
        SIGNED_IN, EVERYONE, obj=ENTERPRISE_A, note=BODY_FIRST
    ),
    "GET /api/v1/evaluation/enterprises/{uscc}/self-assessments": Rule(
        SIGNED_IN, only("admin", "province", "city", "county_a", "clerk_a", "cqo"), obj=ENTERPRISE_A
    ),
    "POST /api/v1/evaluation/enterprises/{uscc}/self-assessments": Rule(
        SIGNED_IN, EVERYONE, obj=ENTERPRISE_A, note=BODY_FIRST
    ),
    "GET /api/v1/evaluation/enterprises/{uscc}/self-assessments/comparison": Rule(
        SIGNED_IN, only("admin", "province", "city", "county_a", "clerk_a", "cqo"), obj=ENTERPRISE_A
    ),
    "GET /api/v1/evaluation/enterprises/{uscc}/settings": Rule(
        SIGNED_IN, only("admin", "province", "city", "county_a", "clerk_a", "cqo"), obj=ENTERPRISE_A
    ),
    "PUT /api/v1/evaluation/enterprises/{uscc}/settings": Rule(
        SIGNED_IN, only("clerk_a"), obj=ENTERPRISE_A
    ),
    "POST /api/v1/evaluation/enterprises/{uscc}/targets": Rule(
        SIGNED_IN, EVERYONE, obj=ENTERPRISE_A, note=BODY_FIRST
    ),
    "GET /api/v1/evaluation/evaluations/{public_id}": Rule(SIGNED_IN, EVERYONE, missing=NO_RECORD),
    "GET /api/v1/evaluation/evaluations/{public_id}/form.pdf": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "POST /api/v1/evaluation/evaluations/{public_id}/end-appointment": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "POST /api/v1/evaluation/evaluations/{public_id}/scores": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "POST /api/v1/evaluation/evaluations/{public_id}/sign-off": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "GET /api/v1/evaluation/self-assessments/{public_id}": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "POST /api/v1/evaluation/self-assessments/{public_id}/complete": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "POST /api/v1/evaluation/self-assessments/{public_id}/results": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "POST /api/v1/evaluation/self-assessments/{public_id}/tasks": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "POST /api/v1/evaluation/tasks/{public_id}/close": Rule(SIGNED_IN, EVERYONE, missing=NO_RECORD),
    "POST /api/v1/evaluation/tasks/{public_id}/reopen": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    # API filings
    "GET /api/v1/filings": Rule(SIGNED_IN, EVERYONE),
    "POST /api/v1/filings": Rule(SIGNED_IN, EVERYONE),
    "GET /api/v1/filings/{public_id}": Rule(
        SIGNED_IN, only("admin", "province", "city", "county_a", "clerk_a", "cqo"), obj=FILING
    ),
    "PATCH /api/v1/filings/{public_id}": Rule(SIGNED_IN, only("clerk_a"), obj=FILING),
    "POST /api/v1/filings/{public_id}/approve": Rule(
        SIGNED_IN, only("province", "city", "county_a"), obj=FILING
    ),
    "POST /api/v1/filings/{public_id}/end": Rule(SIGNED_IN, EVERYONE, obj=FILING, note=BODY_FIRST),
    "GET /api/v1/filings/{public_id}/form.pdf": Rule(
        SIGNED_IN, only("admin", "province", "city", "county_a", "clerk_a", "cqo"), obj=FILING
    ),
    # only the person named confirms the appointment (SPEC §12.23)
    "POST /api/v1/filings/{public_id}/confirm": Rule(SIGNED_IN, only("cqo"), obj=FILING),
    "POST /api/v1/filings/{public_id}/renew": Rule(
        SIGNED_IN, EVERYONE, obj=FILING, note=BODY_FIRST
    ),
    "POST /api/v1/filings/{public_id}/return": Rule(
        SIGNED_IN, EVERYONE, obj=FILING, note=BODY_FIRST
    ),
    "POST /api/v1/filings/{public_id}/submit": Rule(SIGNED_IN, only("clerk_a"), obj=FILING),
    # the person's own declarations (SPEC §12.11) and a filing they start (SPEC §12.23): the
    # person named, and the enterprise's clerk for its confirmation; the world's filing is
    # filed, so those allowed are answered 422 for the state
    "POST /api/v1/filings/{public_id}/declare": Rule(
        SIGNED_IN, EVERYONE, obj=FILING, note=BODY_FIRST
    ),
    "POST /api/v1/filings/prepare": Rule(SIGNED_IN, EVERYONE, note=BODY_FIRST),
    "PATCH /api/v1/filings/{public_id}/prepared": Rule(SIGNED_IN, only("cqo"), obj=FILING),
    "POST /api/v1/filings/{public_id}/hand-over": Rule(SIGNED_IN, only("cqo"), obj=FILING),
    "POST /api/v1/filings/{public_id}/enterprise-confirm": Rule(
        SIGNED_IN, only("clerk_a"), obj=FILING
    ),
    "POST /api/v1/filings/{public_id}/return-to-person": Rule(
        SIGNED_IN, EVERYONE, obj=FILING, note=BODY_FIRST
    ),
    # API hours
    "GET /api/v1/hours": Rule(SIGNED_IN, EVERYONE),
    "POST /api/v1/hours": Rule(SIGNED_IN, EVERYONE),
    "GET /api/v1/hours/compliance": Rule(SIGNED_IN, EVERYONE),
    "GET /api/v1/hours/{record_id}": Rule(SIGNED_IN, EVERYONE, missing=NO_RECORD),
    "GET /api/v1/hours/{record_id}/proof": Rule(SIGNED_IN, EVERYONE, missing=NO_RECORD),
    # API imports
    "GET /api/v1/imports/enterprises": Rule(
        SIGNED_IN, only("admin", "province", "city", "county_a", "county_b")
    ),
    "POST /api/v1/imports/enterprises": Rule(SIGNED_IN, EVERYONE),
    "GET /api/v1/imports/enterprises/{list_id}": Rule(
        SIGNED_IN, only("admin", "province", "city", "county_a", "county_b"), missing=NO_RECORD
    ),
    "GET /api/v1/imports/enterprises/{list_id}/errors.xlsx": Rule(
        SIGNED_IN, only("admin", "province", "city", "county_a", "county_b"), missing=NO_RECORD
    ),
    # API industries
    "GET /api/v1/industries": Rule(SIGNED_IN, EVERYONE),
    # API ledger
    "GET /api/v1/ledger/checkpoint": Rule(PUBLIC, EVERYONE),
    "GET /api/v1/ledger/checkpoint.txt": Rule(PUBLIC, EVERYONE),
    "GET /api/v1/ledger/entries/{index}": Rule(PUBLIC, EVERYONE, missing=NO_RECORD),
    "GET /api/v1/ledger/key": Rule(PUBLIC, EVERYONE),
    "GET /api/v1/ledger/proofs/consistency": Rule(PUBLIC, EVERYONE),
    "GET /api/v1/ledger/proofs/inclusion": Rule(PUBLIC, EVERYONE),
    # API oversight
    "GET /api/v1/oversight": Rule(
        SIGNED_IN, only("admin", "province", "city", "county_a", "county_b")
    ),
    "GET /api/v1/oversight/coverage": Rule(
        SIGNED_IN, only("admin", "province", "city", "county_a", "county_b")
    ),
    "GET /api/v1/oversight/coverage/report": Rule(
        SIGNED_IN, only("admin", "province", "city", "county_a", "county_b")
    ),
    "GET /api/v1/oversight/coverage/report.pdf": Rule(
        SIGNED_IN, only("admin", "province", "city", "county_a", "county_b")
    ),
    "GET /api/v1/oversight/coverage/report.xlsx": Rule(
        SIGNED_IN, only("admin", "province", "city", "county_a", "county_b")
    ),
    "GET /api/v1/oversight/coverage/targets": Rule(
        SIGNED_IN, only("admin", "province", "city", "county_a", "county_b")
    ),
    "POST /api/v1/oversight/coverage/targets": Rule(SIGNED_IN, EVERYONE),
    "DELETE /api/v1/oversight/coverage/targets/{target_id}": Rule(
        SIGNED_IN, only("admin", "province", "city", "county_a", "county_b"), missing=NO_RECORD
    ),
    "GET /api/v1/oversight/coverage/training": Rule(
        SIGNED_IN, only("admin", "province", "city", "county_a", "county_b")
    ),
    # API persons
    "GET /api/v1/persons": Rule(SIGNED_IN, EVERYONE),
    "POST /api/v1/persons/claim": Rule(PUBLIC, EVERYONE),
    "POST /api/v1/persons/invite": Rule(SIGNED_IN, EVERYONE),
    "GET /api/v1/persons/{person_id}/compliance": Rule(
        SIGNED_IN, EVERYONE, obj=PERSON, note=BODY_FIRST
    ),
    "GET /api/v1/persons/{public_id}": Rule(
        SIGNED_IN, only("admin", "province", "city", "county_a", "clerk_a", "cqo"), obj=PERSON
    ),
    "PATCH /api/v1/persons/{public_id}": Rule(SIGNED_IN, only("admin", "cqo"), obj=PERSON),
    # API policy
    "GET /api/v1/policy/governing": Rule(PUBLIC, EVERYONE),
    "GET /api/v1/policy/packs": Rule(PUBLIC, EVERYONE),
    "POST /api/v1/policy/packs": Rule(SIGNED_IN, EVERYONE),
    "GET /api/v1/policy/packs/{pack_id}": Rule(PUBLIC, EVERYONE, missing=NO_RECORD),
    "POST /api/v1/policy/packs/{pack_id}/eligibility": Rule(PUBLIC, EVERYONE, missing=NO_RECORD),
    "GET /api/v1/policy/packs/{pack_id}/versions/{version}": Rule(
        PUBLIC, EVERYONE, missing=NO_RECORD
    ),
    # API public
    "GET /api/v1/public/blacklist": Rule(PUBLIC, EVERYONE),
    "GET /api/v1/public/cases": Rule(PUBLIC, EVERYONE),
    "GET /api/v1/public/cases/{case_id}": Rule(PUBLIC, EVERYONE, missing=NO_RECORD),
    "GET /api/v1/public/certificates/{number}": Rule(PUBLIC, EVERYONE, missing=NO_RECORD),
    "GET /api/v1/public/training-certificates/{number}": Rule(PUBLIC, EVERYONE, missing=NO_RECORD),
    # API regions
    "GET /api/v1/regions": Rule(SIGNED_IN, EVERYONE),
    # API register
    "POST /api/v1/register": Rule(PUBLIC, EVERYONE),
    # API reminders
    "GET /api/v1/reminders": Rule(SIGNED_IN, EVERYONE),
    "POST /api/v1/reminders/{reminder_id}/read": Rule(SIGNED_IN, EVERYONE, missing=NO_RECORD),
    # API talent
    "GET /api/v1/talent": Rule(SIGNED_IN, EVERYONE),
    "POST /api/v1/talent": Rule(SIGNED_IN, EVERYONE),
    "POST /api/v1/talent/{entry_id}/decide": Rule(SIGNED_IN, EVERYONE, missing=NO_RECORD),
    # API training
    "GET /api/v1/training/certificates": Rule(SIGNED_IN, EVERYONE),
    "GET /api/v1/training/certificates/{number}": Rule(SIGNED_IN, EVERYONE, missing=NO_RECORD),
    "POST /api/v1/training/certificates/{number}/revoke": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "GET /api/v1/training/courses": Rule(SIGNED_IN, EVERYONE),
    "POST /api/v1/training/courses": Rule(SIGNED_IN, EVERYONE),
    "GET /api/v1/training/courses/{course_id}": Rule(SIGNED_IN, EVERYONE, missing=NO_RECORD),
    "POST /api/v1/training/courses/{course_id}/sessions": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "POST /api/v1/training/enrolments/{enrolment_id}/attendance": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "POST /api/v1/training/enrolments/{enrolment_id}/certificate": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "POST /api/v1/training/enrolments/{enrolment_id}/result": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "GET /api/v1/training/plans": Rule(SIGNED_IN, EVERYONE),
    "GET /api/v1/training/qualifications": Rule(SIGNED_IN, EVERYONE),
    "POST /api/v1/training/qualifications": Rule(SIGNED_IN, EVERYONE),
    "GET /api/v1/training/qualifications/{qualification_id}": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "POST /api/v1/training/qualifications/{qualification_id}/revoke": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "POST /api/v1/training/plans": Rule(SIGNED_IN, EVERYONE),
    "GET /api/v1/training/plans/{plan_id}": Rule(SIGNED_IN, EVERYONE, missing=NO_RECORD),
    "PATCH /api/v1/training/plans/{plan_id}": Rule(SIGNED_IN, EVERYONE, missing=NO_RECORD),
    "GET /api/v1/training/sessions": Rule(SIGNED_IN, EVERYONE),
    "GET /api/v1/training/sessions/{session_id}": Rule(SIGNED_IN, EVERYONE, missing=NO_RECORD),
    "GET /api/v1/training/sessions/{session_id}/enrolments": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "POST /api/v1/training/sessions/{session_id}/enrolments": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "POST /api/v1/training/sessions/{session_id}/status": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    # pages /
    "GET /": Rule(SIGNED_IN, EVERYONE),
    # pages /accounts
    # the account page shows only the signed-in user's own tokens (access.token_q)
    "GET /accounts/": Rule(SIGNED_IN, EVERYONE),
    "GET /accounts/login/": Rule(PUBLIC, EVERYONE),
    "GET /accounts/login/code/": Rule(PUBLIC, EVERYONE, note=PASSWORD_FIRST),
    # the signed-in user's own second factor: nobody else's is reachable
    "GET /accounts/two-factor/": Rule(SIGNED_IN, EVERYONE),
    # POST only; anyone may sign out, and every sign-out ends at the login page
    "GET /accounts/logout/": Rule(PUBLIC, EVERYONE, note=SIGNS_OUT),
    "GET /accounts/password/": Rule(SIGNED_IN, EVERYONE),
    # the registration page's region picker: the public list of regions
    "GET /accounts/regions/": Rule(PUBLIC, EVERYONE),
    # POST only; a token of someone else answers 404 like one that does not exist
    "GET /accounts/tokens/<uuid:public_id>/revoke/": Rule(SIGNED_IN, EVERYONE, missing=NO_RECORD),
    # pages /blacklist
    "GET /blacklist/": Rule(SIGNED_IN, EVERYONE),
    "GET /blacklist/<uuid:public_id>/": Rule(SIGNED_IN, EVERYONE, missing=NO_RECORD),
    "GET /blacklist/<uuid:public_id>/appeal/": Rule(SIGNED_IN, EVERYONE, missing=NO_RECORD),
    "GET /blacklist/<uuid:public_id>/end-date/": Rule(SIGNED_IN, EVERYONE, missing=NO_RECORD),
    "GET /blacklist/<uuid:public_id>/evidence/": Rule(SIGNED_IN, EVERYONE, missing=NO_RECORD),
    "GET /blacklist/<uuid:public_id>/revoke/": Rule(SIGNED_IN, EVERYONE, missing=NO_RECORD),
    "GET /blacklist/appeals/<uuid:public_id>/attachment/": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "GET /blacklist/appeals/<uuid:public_id>/decide/": Rule(SIGNED_IN, EVERYONE, missing=NO_RECORD),
    "GET /blacklist/new/": Rule(
        SIGNED_IN, only("admin", "province", "city", "county_a", "county_b")
    ),
    # pages /cases
    "GET /cases/": Rule(PUBLIC, EVERYONE),
    "GET /cases/<uuid:public_id>/": Rule(PUBLIC, EVERYONE, missing=NO_RECORD),
    # pages /certification
    "GET /certification/": Rule(SIGNED_IN, EVERYONE),
    "GET /certification/actions/<uuid:public_id>/appeal/": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "GET /certification/appeals/<uuid:public_id>/decide/": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "GET /certification/applications/": Rule(
        SIGNED_IN, only("admin", "province", "city", "county_a", "county_b", "certifier")
    ),
    "GET /certification/applications/<uuid:public_id>/": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "GET /certification/applications/<uuid:public_id>/accept/": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "GET /certification/applications/<uuid:public_id>/appeal/": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "GET /certification/applications/<uuid:public_id>/assessment/": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "GET /certification/applications/<uuid:public_id>/edit/": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "GET /certification/applications/<uuid:public_id>/evidence/": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "GET /certification/applications/<uuid:public_id>/evidence/<uuid:evidence_id>/": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "GET /certification/applications/<uuid:public_id>/evidence/<uuid:evidence_id>/delete/": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "GET /certification/applications/<uuid:public_id>/issue/": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "GET /certification/applications/<uuid:public_id>/panel/": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "GET /certification/applications/<uuid:public_id>/periods/": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "GET /certification/applications/<uuid:public_id>/periods/<int:period_id>/delete/": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "GET /certification/applications/<uuid:public_id>/report/": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "GET /certification/applications/<uuid:public_id>/return/": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "GET /certification/applications/<uuid:public_id>/sheet/": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "GET /certification/applications/<uuid:public_id>/sheet/preview/": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "GET /certification/applications/<uuid:public_id>/submit/": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "GET /certification/applications/<uuid:public_id>/withdraw/": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "GET /certification/applications/new/": Rule(SIGNED_IN, only("cqo")),
    "GET /certification/bodies/": Rule(
        SIGNED_IN, only("admin", "province", "city", "county_a", "county_b")
    ),
    "GET /certification/bodies/<uuid:public_id>/": Rule(SIGNED_IN, EVERYONE, missing=NO_RECORD),
    "GET /certification/bodies/<uuid:public_id>/experts/": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "GET /certification/bodies/<uuid:public_id>/experts/<uuid:expert_id>/toggle/": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "GET /certification/bodies/<uuid:public_id>/members/": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "GET /certification/bodies/<uuid:public_id>/members/<int:member_id>/remove/": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "GET /certification/bodies/new/": Rule(SIGNED_IN, ADMIN),
    "GET /certification/certificates/": Rule(SIGNED_IN, EVERYONE),
    "GET /certification/certificates/<str:number>/": Rule(SIGNED_IN, EVERYONE, missing=NO_RECORD),
    "GET /certification/certificates/<str:number>/certificate.pdf": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "GET /certification/certificates/<str:number>/recommend/": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "GET /certification/certificates/<str:number>/reissue/": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "GET /certification/certificates/<str:number>/review-requests/<uuid:request_id>/close/": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "GET /certification/certificates/<str:number>/review/": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "GET /certification/certificates/<str:number>/supervise/": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "GET /certification/certificates/<str:number>/warning/": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "GET /certification/certificates/<str:number>/accident-report/": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "GET /certification/mine/": Rule(SIGNED_IN, only("clerk_a", "clerk_b", "cqo")),
    "GET /certification/recommendations/": Rule(SIGNED_IN, only("clerk_a", "clerk_b")),
    "GET /certification/recommendations/<uuid:public_id>/withdraw/": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    # pages /community
    "GET /community/": Rule(SIGNED_IN, EVERYONE),
    "GET /community/alliances/<uuid:public_id>/": Rule(SIGNED_IN, EVERYONE, missing=NO_RECORD),
    "GET /community/alliances/<uuid:public_id>/events/new/": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "GET /community/alliances/<uuid:public_id>/join/": Rule(SIGNED_IN, EVERYONE, missing=NO_RECORD),
    "GET /community/alliances/<uuid:public_id>/members/": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "GET /community/alliances/<uuid:public_id>/posts/": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "GET /community/alliances/<uuid:public_id>/posts/new/": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "GET /community/alliances/new/": Rule(
        SIGNED_IN, only("admin", "province", "city", "county_a", "county_b")
    ),
    "GET /community/answers/<uuid:public_id>/accept/": Rule(SIGNED_IN, EVERYONE, missing=NO_RECORD),
    "GET /community/answers/<uuid:public_id>/moderate/": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "GET /community/attachments/<uuid:public_id>/": Rule(SIGNED_IN, EVERYONE, missing=NO_RECORD),
    "GET /community/competitions/": Rule(SIGNED_IN, EVERYONE),
    "GET /community/competitions/<uuid:public_id>/": Rule(SIGNED_IN, EVERYONE, missing=NO_RECORD),
    "GET /community/competitions/<uuid:public_id>/publish/": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "GET /community/competitions/<uuid:public_id>/submit/": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "GET /community/competitions/new/": Rule(
        SIGNED_IN, only("admin", "province", "city", "county_a", "county_b")
    ),
    "GET /community/events/": Rule(SIGNED_IN, EVERYONE),
    "GET /community/events/<uuid:public_id>/": Rule(SIGNED_IN, EVERYONE, missing=NO_RECORD),
    "GET /community/events/<uuid:public_id>/attendance/": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "GET /community/events/<uuid:public_id>/cancel/": Rule(SIGNED_IN, EVERYONE, missing=NO_RECORD),
    "GET /community/events/<uuid:public_id>/register/": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "GET /community/memberships/<uuid:public_id>/decide/": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "GET /community/memberships/<uuid:public_id>/leave/": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "GET /community/memberships/<uuid:public_id>/role/": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "GET /community/posts/<uuid:public_id>/": Rule(SIGNED_IN, EVERYONE, missing=NO_RECORD),
    "GET /community/posts/<uuid:public_id>/answer/": Rule(SIGNED_IN, EVERYONE, missing=NO_RECORD),
    "GET /community/posts/<uuid:public_id>/moderate/": Rule(SIGNED_IN, EVERYONE, missing=NO_RECORD),
    "GET /community/registrations/<uuid:public_id>/cancel/": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "GET /community/submissions/<uuid:public_id>/": Rule(SIGNED_IN, EVERYONE, missing=NO_RECORD),
    "GET /community/submissions/<uuid:public_id>/score/": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "GET /community/submissions/<uuid:public_id>/withdraw/": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    # pages /coverage
    "GET /coverage/": Rule(SIGNED_IN, only("admin", "province", "city", "county_a", "county_b")),
    "GET /coverage/report/": Rule(
        SIGNED_IN, only("admin", "province", "city", "county_a", "county_b")
    ),
    "GET /coverage/targets/": Rule(
        SIGNED_IN, only("admin", "province", "city", "county_a", "county_b")
    ),
    "GET /coverage/targets/<str:public_id>/delete/": Rule(SIGNED_IN, EVERYONE, missing=NO_RECORD),
    # pages /enterprises
    "GET /enterprises/": Rule(SIGNED_IN, EVERYONE),
    "GET /enterprises/<str:uscc>/": Rule(
        SIGNED_IN, only("admin", "province", "city", "county_a", "clerk_a", "cqo"), obj=ENTERPRISE_A
    ),
    "GET /enterprises/<str:uscc>/clerk/": Rule(
        SIGNED_IN, only("admin", "province", "city", "county_a", "clerk_a", "cqo"), obj=ENTERPRISE_A
    ),
    "GET /enterprises/<str:uscc>/edit/": Rule(
        SIGNED_IN, only("admin", "province", "city", "county_a", "clerk_a"), obj=ENTERPRISE_A
    ),
    "GET /enterprises/<str:uscc>/remind/": Rule(
        SIGNED_IN, only("admin", "province", "city", "county_a", "clerk_a", "cqo"), obj=ENTERPRISE_A
    ),
    "GET /enterprises/new/": Rule(
        SIGNED_IN, only("admin", "province", "city", "county_a", "county_b")
    ),
    # pages /evaluation
    "GET /evaluation/": Rule(SIGNED_IN, EVERYONE),
    "GET /evaluation/e/<str:uscc>/": Rule(
        SIGNED_IN, only("admin", "province", "city", "county_a", "clerk_a", "cqo"), obj=ENTERPRISE_A
    ),
    "GET /evaluation/e/<str:uscc>/evaluations/new/": Rule(
        SIGNED_IN, only("clerk_a"), obj=ENTERPRISE_A
    ),
    "GET /evaluation/e/<str:uscc>/quality/": Rule(
        SIGNED_IN, only("admin", "province", "city", "county_a", "clerk_a", "cqo"), obj=ENTERPRISE_A
    ),
    "GET /evaluation/e/<str:uscc>/quality/losses/": Rule(
        SIGNED_IN, only("admin", "province", "city", "county_a", "clerk_a", "cqo"), obj=ENTERPRISE_A
    ),
    "GET /evaluation/e/<str:uscc>/quality/losses/<uuid:public_id>/delete/": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "GET /evaluation/e/<str:uscc>/self-assessments/compare/": Rule(
        SIGNED_IN, only("admin", "province", "city", "county_a", "clerk_a", "cqo"), obj=ENTERPRISE_A
    ),
    "GET /evaluation/e/<str:uscc>/self-assessments/new/": Rule(
        SIGNED_IN, only("clerk_a", "cqo"), obj=ENTERPRISE_A
    ),
    "GET /evaluation/e/<str:uscc>/settings/": Rule(SIGNED_IN, only("clerk_a"), obj=ENTERPRISE_A),
    "GET /evaluation/evaluations/<uuid:public_id>/": Rule(SIGNED_IN, EVERYONE, missing=NO_RECORD),
    "GET /evaluation/evaluations/<uuid:public_id>/form.pdf": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "GET /evaluation/evaluations/<uuid:public_id>/end-appointment/": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "GET /evaluation/self-assessments/<uuid:public_id>/": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "GET /evaluation/tasks/<uuid:public_id>/<str:action>/": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    # pages /filings
    "GET /filings/": Rule(SIGNED_IN, EVERYONE),
    "GET /filings/<str:public_id>/": Rule(
        SIGNED_IN, only("admin", "province", "city", "county_a", "clerk_a", "cqo"), obj=FILING
    ),
    "GET /filings/<str:public_id>/<str:action>/": Rule(
        SIGNED_IN, only("province", "city", "county_a"), obj=FILING
    ),
    "GET /filings/<str:public_id>/authorisation.pdf": Rule(
        SIGNED_IN, only("admin", "province", "city", "county_a", "clerk_a", "cqo"), obj=FILING
    ),
    "GET /filings/<str:public_id>/edit/": Rule(SIGNED_IN, only("clerk_a"), obj=FILING),
    "GET /filings/<str:public_id>/scan/": Rule(
        SIGNED_IN, only("admin", "province", "city", "county_a", "clerk_a", "cqo"), obj=FILING
    ),
    "GET /filings/<str:public_id>/form.pdf": Rule(
        SIGNED_IN, only("admin", "province", "city", "county_a", "clerk_a", "cqo"), obj=FILING
    ),
    "GET /filings/new/": Rule(SIGNED_IN, only("clerk_a", "clerk_b")),
    # SPEC §12.23: a CQO starts a filing; only the person edits it while they hold it (the
    # world's filing is filed: nobody), declares, and hands it over
    "GET /filings/prepare/": Rule(SIGNED_IN, only("cqo")),
    "GET /filings/<str:public_id>/prepared/edit/": Rule(SIGNED_IN, NOBODY, obj=FILING),
    "GET /filings/<str:public_id>/declare/": Rule(SIGNED_IN, only("cqo"), obj=FILING),
    "GET /filings/<str:public_id>/preparation/<str:step>/": Rule(
        SIGNED_IN, only("cqo"), obj=FILING
    ),
    # pages /healthz
    "GET /healthz": Rule(PUBLIC, EVERYONE),
    # pages /hours
    "GET /hours/": Rule(SIGNED_IN, EVERYONE),
    "GET /hours/<uuid:public_id>/": Rule(SIGNED_IN, EVERYONE, missing=NO_RECORD),
    "GET /hours/<uuid:public_id>/correct/": Rule(SIGNED_IN, EVERYONE, missing=NO_RECORD),
    "GET /hours/<uuid:public_id>/proof.json": Rule(SIGNED_IN, EVERYONE, missing=NO_RECORD),
    "GET /hours/<uuid:public_id>/proof.pdf": Rule(SIGNED_IN, EVERYONE, missing=NO_RECORD),
    "GET /hours/new/": Rule(
        SIGNED_IN,
        only("admin", "province", "city", "county_a", "county_b", "clerk_a", "clerk_b", "cqo"),
    ),
    "GET /hours/reminders/<int:pk>/read/": Rule(SIGNED_IN, EVERYONE, missing=NO_RECORD),
    # pages /notices: a person's own notices; the outbox for the platform's administrators
    "GET /notices/": Rule(SIGNED_IN, EVERYONE),
    "GET /notices/outbox/": Rule(SIGNED_IN, ADMIN),
    "GET /notices/outbox/<uuid:public_id>/resend/": Rule(SIGNED_IN, ADMIN, missing=NO_RECORD),
    # pages /imports
    "GET /imports/enterprises/": Rule(
        SIGNED_IN, only("admin", "province", "city", "county_a", "county_b")
    ),
    "GET /imports/enterprises/<uuid:public_id>/": Rule(
        SIGNED_IN, only("admin", "province", "city", "county_a", "county_b"), missing=NO_RECORD
    ),
    "GET /imports/enterprises/<uuid:public_id>/errors.xlsx": Rule(
        SIGNED_IN, only("admin", "province", "city", "county_a", "county_b"), missing=NO_RECORD
    ),
    "GET /imports/enterprises/<uuid:public_id>/progress/": Rule(
        SIGNED_IN, only("admin", "province", "city", "county_a", "county_b"), missing=NO_RECORD
    ),
    "GET /imports/enterprises/template.xlsx": Rule(
        SIGNED_IN, only("admin", "province", "city", "county_a", "county_b")
    ),
    # the archive migration: the platform admin and the provincial regulator only; a file of
    # another migrator is refused alike (a province sees its own province's files)
    "GET /imports/legacy/": Rule(SIGNED_IN, only("admin", "province")),
    "GET /imports/legacy/<uuid:public_id>/": Rule(
        SIGNED_IN, only("admin", "province"), missing=NO_RECORD
    ),
    "GET /imports/legacy/<uuid:public_id>/confirm/": Rule(
        SIGNED_IN, only("admin", "province"), missing=NO_RECORD
    ),
    "GET /imports/legacy/<uuid:public_id>/errors.xlsx": Rule(
        SIGNED_IN, only("admin", "province"), missing=NO_RECORD
    ),
    "GET /imports/legacy/<uuid:public_id>/progress/": Rule(
        SIGNED_IN, only("admin", "province"), missing=NO_RECORD
    ),
    "GET /imports/legacy/template/<str:kind>.xlsx": Rule(SIGNED_IN, only("admin", "province")),
    # pages /ledger
    "GET /ledger/": Rule(PUBLIC, EVERYONE),
    "GET /ledger/verify/": Rule(PUBLIC, EVERYONE),
    # pages /oversight
    "GET /oversight/": Rule(SIGNED_IN, only("admin", "province", "city", "county_a", "county_b")),
    "GET /security/compliance/": Rule(SIGNED_IN, only("security")),
    "GET /audit/": Rule(SIGNED_IN, only("auditor")),
    # pages /persons
    "GET /persons/": Rule(SIGNED_IN, EVERYONE),
    "GET /persons/<str:public_id>/": Rule(
        SIGNED_IN, only("admin", "province", "city", "county_a", "clerk_a", "cqo"), obj=PERSON
    ),
    "GET /persons/<str:public_id>/edit/": Rule(SIGNED_IN, only("admin", "cqo"), obj=PERSON),
    "GET /persons/<str:public_id>/photo/": Rule(SIGNED_IN, NOBODY, obj=PERSON),
    # the clerk only once the person confirmed an appointment with its enterprise (SPEC §12.23;
    # tests/registry/test_scope.py): the world's appointment is not confirmed
    "GET /persons/<str:public_id>/reveal/<str:field>/": Rule(
        SIGNED_IN, only("admin", "province", "city", "county_a", "cqo"), obj=PERSON
    ),
    "GET /persons/invite/": Rule(SIGNED_IN, only("clerk_a", "clerk_b")),
    # pages /policy
    "GET /policy/": Rule(SIGNED_IN, EVERYONE),
    "GET /policy/eligibility/": Rule(SIGNED_IN, EVERYONE),
    "GET /policy/governing/": Rule(SIGNED_IN, EVERYONE),
    "GET /policy/versions/<int:pk>/": Rule(SIGNED_IN, EVERYONE, missing=NO_RECORD),
    "GET /policy/versions/<int:pk>/pack.toml": Rule(SIGNED_IN, EVERYONE, missing=NO_RECORD),
    # pages /public
    "GET /public/blacklist/": Rule(PUBLIC, EVERYONE),
    # pages /readyz
    "GET /readyz": Rule(PUBLIC, EVERYONE),
    # pages /register
    "GET /register/": Rule(PUBLIC, EVERYONE),
    "GET /register/claim/<str:token>/": Rule(PUBLIC, EVERYONE, missing=NO_RECORD),
    # pages /reminders
    "GET /reminders/<int:pk>/read/": Rule(SIGNED_IN, EVERYONE, missing=NO_RECORD),
    # pages /talent
    "GET /talent/": Rule(
        SIGNED_IN,
        only(
            "admin", "province", "city", "county_a", "county_b", "clerk_a", "clerk_b", "certifier"
        ),
    ),
    "GET /talent/entries/<uuid:public_id>/": Rule(SIGNED_IN, EVERYONE, missing=NO_RECORD),
    "GET /talent/entries/<uuid:public_id>/decide/": Rule(SIGNED_IN, EVERYONE, missing=NO_RECORD),
    "GET /talent/recommend/<uuid:public_id>/": Rule(SIGNED_IN, EVERYONE, missing=NO_RECORD),
    # pages /training
    "GET /training/certificates/": Rule(SIGNED_IN, EVERYONE),
    "GET /training/certificates/<str:number>/": Rule(SIGNED_IN, EVERYONE, missing=NO_RECORD),
    "GET /training/certificates/<str:number>/certificate.pdf": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "GET /training/certificates/<str:number>/revoke/": Rule(SIGNED_IN, EVERYONE, missing=NO_RECORD),
    "GET /training/courses/": Rule(SIGNED_IN, EVERYONE),
    "GET /training/courses/<uuid:public_id>/": Rule(SIGNED_IN, EVERYONE, missing=NO_RECORD),
    "GET /training/courses/<uuid:public_id>/sessions/": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    # a training institution runs the organiser's course, it does not create one
    "GET /training/courses/new/": Rule(
        SIGNED_IN, only("province", "city", "county_a", "county_b", "certifier")
    ),
    "GET /training/enrolments/<uuid:public_id>/certificate/": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "GET /training/mine/": Rule(SIGNED_IN, only("cqo")),
    "GET /training/qualifications/": Rule(
        SIGNED_IN, only("admin", "province", "city", "county_a", "county_b", "trainer")
    ),
    "GET /training/qualifications/new/": Rule(
        SIGNED_IN, only("province", "city", "county_a", "county_b")
    ),
    "GET /training/qualifications/<uuid:public_id>/": Rule(SIGNED_IN, EVERYONE, missing=NO_RECORD),
    "GET /training/plans/": Rule(
        SIGNED_IN, only("admin", "province", "city", "county_a", "county_b", "certifier")
    ),
    "GET /training/plans/<uuid:public_id>/": Rule(SIGNED_IN, EVERYONE, missing=NO_RECORD),
    "GET /training/plans/new/": Rule(
        SIGNED_IN, only("province", "city", "county_a", "county_b", "certifier")
    ),
    "GET /training/sessions/": Rule(SIGNED_IN, EVERYONE),
    "GET /training/sessions/<uuid:public_id>/": Rule(SIGNED_IN, EVERYONE, missing=NO_RECORD),
    "GET /training/sessions/<uuid:public_id>/attendance/": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "GET /training/sessions/<uuid:public_id>/enrol/": Rule(SIGNED_IN, EVERYONE, missing=NO_RECORD),
    "GET /training/sessions/<uuid:public_id>/join/": Rule(SIGNED_IN, EVERYONE, missing=NO_RECORD),
    "GET /training/sessions/<uuid:public_id>/results/": Rule(
        SIGNED_IN, EVERYONE, missing=NO_RECORD
    ),
    "GET /training/sessions/<uuid:public_id>/status/": Rule(SIGNED_IN, EVERYONE, missing=NO_RECORD),
    # pages /verify
    "GET /verify/certificate/": Rule(PUBLIC, EVERYONE),
    "GET /verify/certificate/<str:number>/": Rule(PUBLIC, EVERYONE, missing=NO_RECORD),
    "GET /verify/training/": Rule(PUBLIC, EVERYONE),
    "GET /verify/training/<str:number>/": Rule(PUBLIC, EVERYONE, missing=NO_RECORD),
}


# Lists against their detail routes (list-vs-detail scope, SPEC §1) -------------------------------
#
# Every list of records and each persona (departments included, world.LIST_PERSONAS) that the
# list lets in: every row it returns is readable through the detail route of its record by
# that persona, and it returns exactly the records of the scoped queryset (world.SCOPED,
# built on cqo/accounts/access.py) — as many, and the same ones where the rows name them.

ITEMS = "API items"  # a JSON page {"count", "items"}: the id is an item field
LINKS = "page links"  # an HTML page: the ids are its links to the detail route
XLSX = "xlsx rows"  # an export: its data rows are counted


@dataclass(frozen=True)
class ListRule:
    route: str  # the list route, as in SCOPES
    detail: str  # the detail route its rows name (the one path parameter is the id)
    scope: str  # a key of world.SCOPED
    rows: str = ITEMS
    field: str = ""  # ITEMS: the item field holding the id
    query: str = ""  # added to the list's URL


LISTS: dict[str, ListRule] = {
    "persons": ListRule(
        "GET /api/v1/persons", "GET /api/v1/persons/{public_id}", "persons", field="public_id"
    ),
    "talent": ListRule(
        "GET /api/v1/talent", "GET /api/v1/persons/{public_id}", "persons", field="person"
    ),
    "enterprises": ListRule(
        "GET /api/v1/enterprises", "GET /api/v1/enterprises/{uscc}", "enterprises", field="uscc"
    ),
    "filings": ListRule(
        "GET /api/v1/filings", "GET /api/v1/filings/{public_id}", "filings", field="public_id"
    ),
    "study records": ListRule(
        "GET /api/v1/hours", "GET /api/v1/hours/{record_id}", "records", field="id"
    ),
    "listings": ListRule(
        "GET /api/v1/blacklist", "GET /api/v1/blacklist/{public_id}", "listings", field="id"
    ),
    "evaluated enterprises": ListRule(
        "GET /api/v1/evaluation/enterprises",
        "GET /api/v1/evaluation/enterprises/{uscc}/evaluations",
        "evaluated enterprises",
        field="uscc",
    ),
    "persons page": ListRule(
        "GET /persons/", "GET /persons/<str:public_id>/", "persons", rows=LINKS
    ),
    "talent page": ListRule("GET /talent/", "GET /persons/<str:public_id>/", "persons", rows=LINKS),
    "talent export": ListRule(
        "GET /talent/", "GET /persons/<str:public_id>/", "persons", rows=XLSX, query="export=xlsx"
    ),
    "enterprises page": ListRule(
        "GET /enterprises/", "GET /enterprises/<str:uscc>/", "enterprises", rows=LINKS
    ),
    "enterprises export": ListRule(
        "GET /enterprises/",
        "GET /enterprises/<str:uscc>/",
        "enterprises",
        rows=XLSX,
        query="export=xlsx",
    ),
    "filings page": ListRule(
        "GET /filings/", "GET /filings/<str:public_id>/", "filings", rows=LINKS
    ),
    "listings page": ListRule(
        "GET /blacklist/", "GET /blacklist/<uuid:public_id>/", "listings", rows=LINKS
    ),
}
