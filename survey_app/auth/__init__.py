"""Staff accounts, roles and sessions of the staff server.

* :mod:`.accounts` -- argon2id hashes, sign-in with per-account throttling, account
  management and the audit log entries (no streamlit; the CLI uses it too);
* :mod:`.roles` -- pages and actions of each role; the data scope comes from
  :func:`survey_app.dashboard.data_access.scope_for`;
* :mod:`.session` -- the Streamlit side: sign-in page, 30-minute idle expiry,
  sign-out, page guards and guarded (audited) downloads;
* :mod:`.texts` -- every text of the above, (Dutch, English).
"""
