"""Every text of sign-in, roles, the audit log page and the import confirmation: (Dutch, English).

One dict, so the texts can move to the per-language catalogs in one go.
"""

from __future__ import annotations

from typing import Any

TEXTS: dict[str, tuple[str, str]] = {
    # page titles (menu)
    "page_sign_in": ("Aanmelden", "Sign in"),
    "page_audit": ("Logboek", "Audit log"),
    "page_report": ("Rondeverslag", "Round report"),
    # roles
    "role_beheerder": ("Beheerder", "Administrator"),
    "role_inspecteur": ("Inspecteur", "Inspector"),
    "role_gi": ("Instelling (GI)", "Institution (GI)"),
    "role_onderzoeker": ("Onderzoeker", "Researcher"),
    # sign-in
    "sign_in_title": ("Aanmelden", "Sign in"),
    "sign_in_intro": (
        "Deze pagina's zijn alleen voor medewerkers. Meld u aan met uw naam en wachtwoord.",
        "These pages are for staff only. Sign in with your name and password.",
    ),
    "name": ("Naam", "Name"),
    "password": ("Wachtwoord", "Password"),
    "sign_in_button": ("Aanmelden", "Sign in"),
    "sign_in_failed": ("Onbekende naam of verkeerd wachtwoord.", "Unknown name or wrong password."),
    "sign_in_locked": (
        "Te veel mislukte pogingen. Probeer het over {m} minuten opnieuw.",
        "Too many failed attempts. Try again in {m} minutes.",
    ),
    "sign_in_expired": (
        "U was {m} minuten niet actief en bent afgemeld. Meld u opnieuw aan.",
        "You were inactive for {m} minutes and have been signed out. Please sign in again.",
    ),
    "sign_in_signed_out": ("U bent afgemeld.", "You have been signed out."),
    "sign_in_reload_note": (
        "Na het vernieuwen van de pagina of in een nieuw tabblad meldt u zich opnieuw aan.",
        "After reloading the page or in a new tab you sign in again.",
    ),
    "no_staff_here": (
        "Deze pagina is niet beschikbaar.",
        "This page is not available.",
    ),
    "no_access": (
        "U hebt geen toegang tot deze pagina.",
        "You have no access to this page.",
    ),
    "not_signed_in": (
        "U bent niet aangemeld. Ga naar de startpagina om u aan te melden.",
        "You are not signed in. Go to the start page to sign in.",
    ),
    # choose a new password
    "new_password_title": ("Kies een nieuw wachtwoord", "Choose a new password"),
    "new_password_intro": (
        "Uw wachtwoord was tijdelijk. Kies een nieuw wachtwoord van minstens {n} tekens.",
        "Your password was temporary. Choose a new password of at least {n} characters.",
    ),
    "new_password": ("Nieuw wachtwoord", "New password"),
    "new_password_again": ("Nieuw wachtwoord nog een keer", "New password again"),
    "new_password_button": ("Wachtwoord opslaan", "Save password"),
    "new_password_mismatch": ("De twee wachtwoorden zijn niet gelijk.", "The two passwords differ."),
    "new_password_same": (
        "Kies een ander wachtwoord dan het tijdelijke.",
        "Choose a password other than the temporary one.",
    ),
    "password_too_short": (
        "Het wachtwoord is te kort: gebruik minstens {n} tekens.",
        "The password is too short: use at least {n} characters.",
    ),
    # account box in the sidebar
    "signed_in_as": ("Aangemeld als **{name}** ({role})", "Signed in as **{name}** ({role})"),
    "signed_in_gi": ("Instelling: {gi}", "Institution: {gi}"),
    "sign_out": ("Afmelden", "Sign out"),
    # audit log page
    "audit_intro": (
        "Wie deed wat en wanneer: aanmelden, accounts, rondes, importeren en downloaden. "
        "Het logboek bevat nooit antwoorden of iets dat naar een antwoord leidt.",
        "Who did what and when: sign-in, accounts, rounds, imports and downloads. "
        "The log never holds answers or anything that leads to an answer.",
    ),
    "audit_actions": ("Soort handeling", "Kind of action"),
    "audit_all": ("Alle handelingen", "All actions"),
    "audit_empty": ("Het logboek is nog leeg.", "The log is still empty."),
    "audit_count": ("De nieuwste {n} regels.", "The newest {n} lines."),
    "audit_col_at": ("Wanneer (UTC)", "When (UTC)"),
    "audit_col_actor": ("Wie", "Who"),
    "audit_col_action": ("Wat", "What"),
    "audit_col_target": ("Waarop", "On"),
    "audit_col_detail": ("Details", "Details"),
    "accounts_header": ("Accounts", "Accounts"),
    "accounts_help": (
        "Accounts beheert u op de commandoregel: `survey-app user add|list|passwd|remove`.",
        "Accounts are managed on the command line: `survey-app user add|list|passwd|remove`.",
    ),
    "accounts_col_name": ("Naam", "Name"),
    "accounts_col_role": ("Rol", "Role"),
    "accounts_col_gi": ("Instelling", "Institution"),
    "accounts_col_state": ("Status", "State"),
    "account_locked": ("geblokkeerd tot {t} (UTC)", "locked until {t} (UTC)"),
    "account_temporary": ("tijdelijk wachtwoord", "temporary password"),
    "account_ok": ("actief", "active"),
    # audit actions as shown
    "action_sign_in": ("aangemeld", "signed in"),
    "action_sign_in_failed": ("aanmelden mislukt", "sign-in failed"),
    "action_sign_out": ("afgemeld", "signed out"),
    "action_session_expired": ("sessie verlopen", "session expired"),
    "action_password_changed": ("wachtwoord gewijzigd", "password changed"),
    "action_user_add": ("account gemaakt", "account added"),
    "action_user_passwd": ("wachtwoord gezet", "password set"),
    "action_user_remove": ("account verwijderd", "account removed"),
    "action_round_create": ("ronde gemaakt", "round created"),
    "action_round_close": ("ronde gesloten", "round closed"),
    "action_round_codes": ("codes gemaakt", "codes made"),
    "action_import": ("ingelezen", "imported"),
    "action_import_refused": ("inlezen geweigerd", "import refused"),
    "action_export": ("gedownload", "downloaded"),
    # import into a round with answers
    "confirm_round_header": ("Deze ronde heeft al antwoorden", "This round already has answers"),
    "confirm_round_text": (
        "Ronde '{name}' heeft al {n} antwoorden. Extra rijen inlezen verandert de cijfers van die "
        "antwoorden. Typ de naam van de ronde om te bevestigen dat u hierin wilt inlezen.",
        "Round '{name}' already has {n} answers. Importing more rows changes the figures of those "
        "answers. Type the name of the round to confirm that you want to import into it.",
    ),
    "confirm_round_label": ("Naam van de ronde", "Name of the round"),
    "confirm_round_wrong": (
        "Dat is niet de naam van de ronde. Er is niets ingelezen.",
        "That is not the name of the round. Nothing was imported.",
    ),
    # the round report page (gi, onderzoeker)
    "report_page_intro": (
        "Het rondeverslag van de gekozen selectie: alle figuren met tabellen, toetsen en uitleg. "
        "Kleine groepen zijn verborgen.",
        "The round report of the chosen selection: every figure with tables, tests and notes. Small groups are hidden.",
    ),
}


def t(key: str, lang: str = "nl", **fmt: Any) -> str:
    """Text ``key`` in ``lang`` ("nl" or "en")."""
    nl, en = TEXTS[key]
    text = en if lang == "en" else nl
    return text.format(**fmt) if fmt else text
