"""Which navbar item a page belongs to: one table, so every page marks exactly one item
(and, under Manage, its entry), and a new page is placed by adding its name here."""

# A view name, or "app:*" for the rest of an app -> "section" or "manage:entry".
PLACES = {
    "followups:*": "calls",
    "followups:team": "team",
    "followups:not_contacted": "not_contacted",
    "followups:bulk_cadence": "customers",  # reached from the filtered customer list
    "followups:plan_create": "customers",
    "followups:plan_change": "customers",
    "customers:*": "customers",
    "customers:at_risk": "at_risk",
    "customers:backtest": "at_risk",
    "customers:import": "manage:import",
    "customers:import_run": "manage:import",
    "customers:import_columns": "manage:import",
    "customers:import_start": "manage:import",
    "customers:import_resume": "manage:import",
    "customers:import_rejected": "manage:import",
    "customers:segments": "manage:segments",
    "customers:segment_rename": "manage:segments",
    "customers:segment_merge": "manage:segments",
    "surveys:*": "surveys",
    "emails:*": "manage:emails",
    "audit:*": "manage:audit",
    "loyalty:*": "customers",
    "dashboards:*": "dashboards",
    "loyalty:rules": "manage:loyalty",
    "loyalty:rewards": "manage:rewards",
    "loyalty:reward_add": "manage:rewards",
    "loyalty:reward_edit": "manage:rewards",
    "loyalty:program": "manage:loyalty_program",
    "accounts:lockouts": "manage:lockouts",
    "accounts:team": "manage:team",
    "accounts:team_add": "manage:team",
    "accounts:team_deactivate": "manage:team",
    "accounts:team_reactivate": "manage:team",
    "accounts:team_reset_link": "manage:team",
    "api:tokens": "manage:api_tokens",
    "api:token_revoke": "manage:api_tokens",
}


def place_of(view_name: str) -> tuple[str, str]:
    """(section, entry under Manage or ""); ("", "") for a page outside the menu."""
    app = view_name.split(":", 1)[0]
    place = PLACES.get(view_name) or PLACES.get(f"{app}:*", "")
    section, _colon, entry = place.partition(":")
    return section, entry
