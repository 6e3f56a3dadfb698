"""Which surface this server process is: the public questionnaire or the staff dashboards.

The launcher sets :data:`MODE_ENV` before Streamlit starts (``survey-app
serve`` -> ``public``, ``survey-app serve --staff`` -> ``staff``), so the mode
is fixed for the whole process; nothing in a URL, query parameter or session
can change it.  Anything but ``staff`` means ``public`` (fail closed).
"""

from __future__ import annotations

import os

MODE_ENV = "SURVEY_SERVER_MODE"
PUBLIC = "public"
STAFF = "staff"
MODES = (PUBLIC, STAFF)


def server_mode() -> str:
    """``"staff"`` only when the launcher started a staff server; else ``"public"``."""
    return STAFF if os.environ.get(MODE_ENV, "").strip().lower() == STAFF else PUBLIC


def is_staff_server() -> bool:
    return server_mode() == STAFF
