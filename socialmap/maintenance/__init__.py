"""The network coordinator's side: accounts with scoped roles, signing in,
and editing the region's entries with history and revert.

* :mod:`.models` -- ``Account`` and ``Grant`` (a role with its scope);
* :mod:`.permissions` -- who may see and edit what (one place, tested as a matrix);
* :mod:`.auth` -- signing in and out (Flask-Login, argon2, CSRF, rate limits, lockout);
* :mod:`.editing` -- the service form: the values, their checks, the merge of a stale edit;
* :mod:`.history` -- an entry's history and reverting one change;
* :mod:`.views` -- the pages under ``/beheer``.

Everything public stays account-free; an account only adds what its roles allow.
"""
