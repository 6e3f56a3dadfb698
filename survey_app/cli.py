"""The `survey-app` command line: one command per verb.

Each command parses its options, calls the library and turns library errors
into clear messages with a non-zero exit code:

* 0 - success
* 2 - bad input (a file, row and column are named) or a bad option
* 1 - anything else (a round that cannot be found, a figure that does not
  match the published value, a database that cannot be reached)

Without a command, `survey-app` starts the public respondent server on the
embedded database (`survey-app serve --staff` starts the staff server).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from analysis import contract, i18n
from survey_app.web.launcher import run_app, run_demo

EXIT_BAD_INPUT = 2
EXIT_FAILURE = 1


class BadInput(click.ClickException):
    """Bad input: exit code 2."""

    exit_code = EXIT_BAD_INPUT


class Failure(click.ClickException):
    exit_code = EXIT_FAILURE


#: Errors of a report printed on the command line.
MAX_LISTED = 50


def _fail_validation(report, *, stored_nothing: bool = False) -> None:
    """Raise BadInput with the first errors of a validation report (file, row, column),
    counted truthfully ("2,417 rows have errors; the first 50 are listed")."""
    verdict = "rejected, nothing was stored" if stored_nothing else "not valid"
    errors = [e for e in report.errors if e.rule != "too_many_errors"][:MAX_LISTED]
    lines = [f"{report.file}: {verdict} ({report.error_summary('en', listed=len(errors))}):"]
    for err in errors:
        where = f"row {err.row}" if err.row is not None else ("header" if err.column else "file")
        col = f", column '{err.column}'" if err.column else ""
        val = f", value {err.value!r}" if err.value not in (None, "") else ""
        lines.append(f"  {err.file}: {where}{col}{val}: {err.message} [{err.rule}]")
    raise BadInput("\n".join(lines))


def _storage():
    # lazy, measured: SQLAlchemy + pandas add ~9 s to `survey-app --help` (0.5 s) under load (docs/architecture.md)
    from survey_app.storage import Storage, StorageError

    try:
        return Storage()
    except StorageError as exc:  # pragma: no cover - depends on the environment
        raise Failure(f"cannot open the database: {exc}") from exc
    except Exception as exc:  # connection errors from the driver
        raise Failure(f"cannot open the database: {exc}") from exc


def _load_input(input_path: str | None, round_id: str | None):
    """Read responses from a contract file (--input) or from the database (--round).

    --round gives **every** stored response (all rounds): the report reads the
    round as a view of the one protected table of the database, the table the
    dashboards and the Rondeverslag download read (issue 9, M1), never a table
    of the round alone.  --input gives the file: a table of its own.
    """
    if bool(input_path) == bool(round_id):
        raise click.UsageError("give exactly one of --input FILE or --round ID")
    if input_path:
        # lazy, measured: pandas/SciPy add 5-20 s to `survey-app --help` (0.5 s) under load (docs/architecture.md)
        from analysis.io import read_responses

        df, report = read_responses(input_path)
        if not report.ok:
            _fail_validation(report)
        return df
    # lazy, measured: SQLAlchemy + pandas add ~9 s to `survey-app --help` (0.5 s) under load (docs/architecture.md)
    from survey_app.storage import RoundNotFound

    storage = _storage()
    try:
        storage.get_round(round_id)
    except RoundNotFound as exc:
        raise Failure(f"round '{round_id}' does not exist") from exc
    return storage.load_responses()  # all responses: what data_access.protected_data protects


def _round_filter(round_id: str | None, round_filter: str | None) -> str | None:
    """The round of the view: --round, or --round-filter of a file (both only when they agree)."""
    if round_id and round_filter and round_filter != round_id:
        raise click.UsageError("--round-filter is for --input; --round already chooses the round")
    return round_id or round_filter


def _filters(gi, respondent_type, measure_type, round_filter) -> dict:
    return {"gi": gi, "respondent_type": respondent_type, "round_id": round_filter, "measure_type": measure_type}


def _apply_filters(df, filters: dict):
    # lazy, measured: pandas/SciPy add 5-20 s to `survey-app --help` (0.5 s) under load (docs/architecture.md)
    from analysis.filters import filter_responses

    try:
        return filter_responses(df, **filters)
    except ValueError as exc:
        raise BadInput(str(exc)) from exc


def _check_hold(round_id: str | None, filters: dict) -> None:
    """A report of one institution whose fieldwork started late and still runs waits (exit 1).

    The same decision as the dashboards (:func:`survey_app.dashboard.data_access.report_hold`),
    for responses read from the database (--round); national reports are not held.
    """
    if not round_id:
        return
    from analysis.monitor import hold_messages
    from survey_app.dashboard.data_access import Scope, report_hold

    held = report_hold(_storage(), Scope(), filters)
    if not held.empty:
        raise Failure("\n".join(hold_messages(held, lang="en")))


def _min_cell_option(ctx, param, value):
    """--min-cell goes through the contract's one check (floor 10); lower is bad input (exit 2)."""
    try:
        return contract.check_min_cell(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), ctx=ctx, param=param) from exc


def filter_options(func):
    """The filters shared by `report` and `figures`."""
    options = [
        click.option(
            "--input",
            "input_path",
            type=click.Path(dir_okay=False),
            help=(
                "Contract response file (CSV, XLSX, SAV, Parquet). Its figures are protected on the file alone, "
                "a different table than the dashboards': do not publish them next to the dashboards."
            ),
        ),
        click.option(
            "--round",
            "round_id",
            help=(
                "This round from the database, read from the one protected table of all stored responses "
                "(the table the dashboards and the Rondeverslag download read)."
            ),
        ),
        click.option("--gi", help="Only this institution (e.g. JBN)."),
        click.option(
            "--respondent-type", type=click.Choice(contract.RESPONDENT_TYPES), help="Only parents or only youths."
        ),
        click.option("--measure-type", type=click.Choice(contract.CODES["measure_type"]), help="Only this measure."),
        click.option("--round-filter", "round_filter", help="With --input: only rows of this round_id."),
        click.option(
            "--min-cell",
            type=int,
            default=contract.DEFAULT_MIN_CELL,
            show_default=True,
            callback=_min_cell_option,
            help=f"Groups with fewer respondents are suppressed (never below {contract.MIN_CELL_FLOOR}).",
        ),
    ]
    for opt in reversed(options):
        func = opt(func)
    return func


@click.group(invoke_without_command=True)
@click.version_option(package_name="gi-survey")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Anonymous client-experience surveys for Dutch youth protection (GI's).

    Without a command: start the public respondent server on the embedded database.
    """
    if ctx.invoked_subcommand is None:
        ctx.invoke(serve)


@cli.command()
@click.option("--staff", is_flag=True, help="The staff server (dashboards behind sign-in) instead of the public one.")
@click.option("--port", type=int, default=None, help="Port (default 8501; with --staff 8502).")
@click.option("--address", default="localhost", show_default=True)
@click.option("--no-demo", is_flag=True, help="Do not load the synthetic demo round into an empty database.")
def serve(staff: bool, port: int | None, address: str, no_demo: bool) -> None:
    """Start the public respondent server (questionnaire only), or with --staff the staff server.

    Loads the synthetic demo round into an empty database unless --no-demo.
    """
    sys.exit(run_app([], port=port, address=address, demo=not no_demo, staff=staff))


@cli.command()
@click.option("--port", type=int, default=8501, show_default=True, help="Port of the public respondent server.")
@click.option("--staff-port", type=int, default=8502, show_default=True, help="Port of the staff server.")
@click.option("--address", default="localhost", show_default=True)
def demo(port: int, staff_port: int, address: str) -> None:
    """Start both servers on the synthetic demo data (what `make run` does).

    Without any account, makes the beheerder 'demo' with a random one-time password, printed once.
    """
    sys.exit(run_demo(port=port, staff_port=staff_port, address=address))


@cli.command("sample-data")
@click.option(
    "--out", "out", required=True, type=click.Path(dir_okay=False), help="CSV, XLSX, SAV or Parquet file to write."
)
@click.option("--n", "n", type=click.IntRange(1), default=1523, show_default=True, help="Number of respondents.")
@click.option("--seed", type=int, default=None, help="Random seed (default: the calibrated seed).")
def sample_data_cmd(out: str, n: int, seed: int | None) -> None:
    """Write synthetic (not real!) responses calibrated to the 2025 inspection figures."""
    # lazy, measured: pandas/SciPy add 5-20 s to `survey-app --help` (0.5 s) under load (docs/architecture.md)
    from sample_data.generator import generate

    kwargs = {} if seed is None else {"seed": seed}
    df = generate(n=n, **kwargs)
    _write_frame(df, out)
    click.echo(f"Wrote {len(df)} synthetic responses (round '{df['round_id'].iloc[0]}') to {out}")


def _write_frame(df, out: str) -> None:
    # lazy, measured: pandas/SciPy add 5-20 s to `survey-app --help` (0.5 s) under load (docs/architecture.md)
    from analysis.io import write_responses

    try:
        write_responses(df, out)
    except ValueError as exc:
        raise BadInput(str(exc)) from exc


@cli.command()
@filter_options
@click.option("--format", "fmt", type=click.Choice(["json", "csv", "markdown"]), default="json", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False), help="Write to this file instead of standard output.")
def report(input_path, round_id, gi, respondent_type, measure_type, round_filter, min_cell, fmt, out) -> None:
    """Compute every figure of the contract (JSON as in data contract section 3)."""
    # lazy, measured: pandas/SciPy add 5-20 s to `survey-app --help` (0.5 s) under load (docs/architecture.md)
    from analysis import report as rep

    df = _load_input(input_path, round_id)
    filters = _filters(gi, respondent_type, measure_type, _round_filter(round_id, round_filter))
    _apply_filters(df, filters)  # checks the filter codes: bad input exits 2 before any work
    _check_hold(round_id, filters)
    writer = {"json": rep.report_json, "csv": rep.report_csv, "markdown": rep.report_markdown}[fmt]
    text = writer(df, filters=filters, min_cell=min_cell)
    if out:
        Path(out).write_text(text, encoding="utf-8")
        click.echo(f"Wrote {out}", err=True)
    else:
        click.echo(text)


@cli.command()
@filter_options
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False), help="Folder for the chart files.")
@click.option("--format", "fmt", type=click.Choice(["png", "svg"]), default="png", show_default=True)
@click.option("--lang", type=click.Choice(list(i18n.languages())), default=i18n.DEFAULT_LANGUAGE, show_default=True)
def figures(
    input_path, round_id, gi, respondent_type, measure_type, round_filter, min_cell, out_dir, fmt, lang
) -> None:
    """Render one chart per figure id (PNG or SVG, offline)."""
    # lazy, measured: pandas/SciPy add 5-20 s to `survey-app --help` (0.5 s) under load (docs/architecture.md)
    from analysis.charts import write_figures
    from analysis.protection import normalize_view_filters, protect
    from analysis.report import is_synthetic

    df = _load_input(input_path, round_id)
    filters = _filters(gi, respondent_type, measure_type, _round_filter(round_id, round_filter))
    _apply_filters(df, filters)  # checks the filter codes: bad input exits 2 before any work
    _check_hold(round_id, filters)
    # read from the one protected table of the data (issue 9); the filters only select from it
    view = protect(df, min_cell=min_cell).view(normalize_view_filters(filters))
    figs = view.figures()
    synthetic = is_synthetic(view.sub)
    paths = write_figures(figs, out_dir, format=fmt, lang=lang, synthetic=synthetic)
    for p in paths:
        click.echo(str(p))


@cli.command()
@click.option(
    "--input",
    "input_path",
    type=click.Path(dir_okay=False),
    help="Contract file to check (default: the built-in synthetic sample data).",
)
def reproduce(input_path: str | None) -> None:
    """Compare computed figures with the published 2025 inspection figures.

    Exit 0 only if every published number is matched after rounding as printed.
    """
    # lazy, measured: pandas/SciPy add 5-20 s to `survey-app --help` (0.5 s) under load (docs/architecture.md)
    from analysis.reference import compare_to_published

    if input_path:
        df = _load_input(input_path, None)
        source = input_path
    else:
        # lazy, measured: pandas/SciPy add 5-20 s to `survey-app --help` (0.5 s) under load (docs/architecture.md)
        from sample_data.generator import generate

        df = generate()
        source = "synthetic sample data (sample_data.generate, default seed)"
    table = compare_to_published(df)
    click.echo(f"Published 2025 inspection figures vs. {source}")
    click.echo(f"{'figure':<34}{'key':<44}{'published':>10}{'computed':>12}  match")
    for row in table.itertuples(index=False):
        computed = "" if row.computed is None else f"{row.computed:.3f}"
        click.echo(
            f"{row.figure:<34}{str(row.key):<44}{row.published!s:>10}{computed:>12}  {'ok' if row.match else 'DIFFERENT'}"
        )
    n_bad = int((~table["match"].astype(bool)).sum())
    click.echo(f"{len(table) - n_bad} of {len(table)} published figures reproduced")
    if n_bad:
        raise Failure(f"{n_bad} figure(s) differ from the published values")


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False))
def validate(file: str) -> None:
    """Check a response file against the data contract without storing it."""
    # lazy, measured: pandas/SciPy add 5-20 s to `survey-app --help` (0.5 s) under load (docs/architecture.md)
    from analysis.io import read_responses

    df, rep = read_responses(file)
    if not rep.ok:
        _fail_validation(rep)
    for w in rep.warnings:
        click.echo(f"warning: {w.message}", err=True)
    click.echo(f"{file}: {len(df)} valid responses")


# ---------------------------------------------------------------- rounds and data


@cli.group("round")
def round_group() -> None:
    """Create, list, change, close and archive survey rounds (every change is audited)."""


@round_group.command("create")
@click.option("--name", required=True)
@click.option("--gi", "gis", multiple=True, required=True, help="Institution code; repeat for several.")
@click.option("--respondent-types", default="ouder,jeugdige", show_default=True)
@click.option("--opens", type=click.DateTime(formats=["%Y-%m-%d"]), default=None)
@click.option("--closes", type=click.DateTime(formats=["%Y-%m-%d"]), default=None)
@click.option("--access", type=click.Choice(["open", "codes"]), required=True)
@click.option("--codes", "n_codes", type=click.IntRange(0), default=0, help="Number of access codes to make.")
@click.option("--codes-out", type=click.Path(dir_okay=False), help="File for the access codes (shown only once).")
@click.option("--base-url", default="http://localhost:8501", show_default=True, help="Where the app is reachable.")
def round_create(name, gis, respondent_types, opens, closes, access, n_codes, codes_out, base_url) -> None:
    """Open a new round; prints its id and the respondent link."""
    types = tuple(t.strip() for t in respondent_types.split(",") if t.strip())
    bad = [t for t in types if t not in contract.RESPONDENT_TYPES]
    if bad or not types:
        raise BadInput(f"--respondent-types: unknown type(s) {', '.join(bad) or '(none)'}; use ouder and/or jeugdige")
    if access == "codes" and (n_codes < 1 or not codes_out):
        raise BadInput("--access codes needs --codes N (at least 1) and --codes-out FILE")
    if access == "open" and n_codes:
        raise BadInput("--codes only goes with --access codes")
    if opens and closes and closes < opens:
        raise BadInput("--closes is before --opens")
    if codes_out and Path(codes_out).exists():
        raise BadInput(f"{codes_out} already exists; codes are written only once to a new file")
    # lazy, measured: SQLAlchemy + pandas add ~9 s to `survey-app --help` (0.5 s) under load (docs/architecture.md)
    from survey_app.auth import accounts, actions
    from survey_app.storage import StorageError

    storage = _storage()
    try:
        info, codes = actions.create_round(
            storage,
            actor=accounts.cli_actor(),
            name=name,
            gis=tuple(g.strip() for g in gis),
            respondent_types=types,
            opens=opens.date() if opens else None,
            closes=closes.date() if closes else None,
            access=access,
            n_codes=n_codes,
        )
    except (StorageError, ValueError) as exc:
        raise BadInput(str(exc)) from exc
    if codes:
        Path(codes_out).write_text("\n".join(codes) + "\n", encoding="utf-8")
        Path(codes_out).chmod(0o600)
    click.echo(f"Round created: {info.id}")
    click.echo(f"Respondent link: {base_url.rstrip('/')}/?ronde={info.id}")
    if codes:
        click.echo(f"{len(codes)} access codes written to {codes_out} (they are not stored and cannot be shown again)")


@round_group.command("list")
def round_list() -> None:
    """List the rounds with their status and number of responses."""
    storage = _storage()
    rounds = storage.list_rounds()
    if not rounds:
        click.echo("No rounds yet.")
        return
    click.echo(f"{'id':<26}{'status':<15}{'responses':>10}  {'gi':<24}name")
    for r in rounds:
        status = storage.round_status(r.id)
        click.echo(f"{r.id:<26}{status:<15}{storage.count_responses(r.id):>10}  {','.join(r.gis):<24}{r.name}")


@round_group.command("close")
@click.argument("round_id")
def round_close(round_id: str) -> None:
    """Close a round: no more responses are accepted."""
    # lazy, measured: SQLAlchemy + pandas add ~9 s to `survey-app --help` (0.5 s) under load (docs/architecture.md)
    from survey_app.auth import accounts, actions
    from survey_app.storage import RoundNotFound

    storage = _storage()
    try:
        actions.close_round(storage, round_id, actor=accounts.cli_actor())
    except RoundNotFound as exc:
        raise Failure(f"round '{round_id}' does not exist") from exc
    click.echo(f"Round {round_id} closed.")


def _round_call(fn, round_id: str, **kwargs):
    """An audited round change (survey_app.auth.actions) from the command line, errors as exit codes."""
    from survey_app.auth import accounts
    from survey_app.storage import RoundNotFound, StorageError

    storage = _storage()
    try:
        return fn(storage, round_id, actor=accounts.cli_actor(), **kwargs)
    except RoundNotFound as exc:
        raise Failure(f"round '{round_id}' does not exist") from exc
    except (StorageError, ValueError) as exc:
        raise BadInput(str(exc)) from exc


@round_group.command("dates")
@click.argument("round_id")
@click.option("--gi", "gis", multiple=True, required=True, help="Institution code; repeat for several.")
@click.option("--opens", type=click.DateTime(formats=["%Y-%m-%d"]), default=None)
@click.option("--closes", type=click.DateTime(formats=["%Y-%m-%d"]), default=None)
def round_dates(round_id: str, gis, opens, closes) -> None:
    """Set the opening and closing day of institutions of a round (a late start, an extension)."""
    from survey_app.auth import actions

    dates = {g.strip(): (opens.date() if opens else None, closes.date() if closes else None) for g in gis}
    _round_call(actions.set_institution_dates, round_id, dates=dates)
    click.echo(f"Round {round_id}: dates of {', '.join(dates)} set.")


@round_group.command("reopen")
@click.argument("round_id")
@click.option("--closes", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, help="The new closing day.")
def round_reopen(round_id: str, closes) -> None:
    """Accept responses again (a new closing day when the old one has passed)."""
    from survey_app.auth import actions

    info = _round_call(actions.reopen_round, round_id, closes=closes.date() if closes else None)
    click.echo(f"Round {round_id} reopened" + (f" until {info.closes.isoformat()}." if info.closes else "."))


@round_group.command("archive")
@click.argument("round_id")
@click.option("--undo", is_flag=True, help="Take the round out of the archive.")
def round_archive(round_id: str, undo: bool) -> None:
    """Put a closed round in the archive (its answers keep counting), or take it out with --undo."""
    from survey_app.auth import actions

    _round_call(actions.archive_round, round_id, archived=not undo)
    click.echo(f"Round {round_id} {'taken out of the archive' if undo else 'archived'}.")


@round_group.command("easy-read")
@click.argument("round_id")
@click.option("--on/--off", "offered", required=True, help="Offer the easy-read version to respondents, or not.")
def round_easy_read(round_id: str, offered: bool) -> None:
    """Offer the easy-read version of the questionnaire in a round (--on), or not (--off)."""
    from survey_app.auth import actions

    _round_call(actions.set_easy_read, round_id, offered=offered)
    click.echo(f"Round {round_id}: the easy-read version is {'offered' if offered else 'not offered'}.")


@round_group.command("codes")
@click.argument("round_id")
@click.option("--codes", "n_codes", type=click.IntRange(1), required=True, help="Number of extra access codes.")
@click.option("--codes-out", required=True, type=click.Path(dir_okay=False), help="New file for the codes.")
def round_codes(round_id: str, n_codes: int, codes_out: str) -> None:
    """Make extra access codes for a round (written once to a new file)."""
    # lazy, measured: SQLAlchemy + pandas add ~9 s to `survey-app --help` (0.5 s) under load (docs/architecture.md)
    from survey_app.storage import RoundNotFound, StorageError

    if Path(codes_out).exists():
        raise BadInput(f"{codes_out} already exists; codes are written only once to a new file")
    # lazy, measured: SQLAlchemy + pandas add ~9 s to `survey-app --help` (0.5 s) under load (docs/architecture.md)
    from survey_app.auth import accounts, actions

    storage = _storage()
    try:
        codes = actions.add_codes(storage, round_id, n_codes, actor=accounts.cli_actor())
    except RoundNotFound as exc:
        raise Failure(f"round '{round_id}' does not exist") from exc
    except StorageError as exc:
        raise BadInput(str(exc)) from exc
    Path(codes_out).write_text("\n".join(codes) + "\n", encoding="utf-8")
    Path(codes_out).chmod(0o600)
    click.echo(f"{len(codes)} access codes written to {codes_out} (they cannot be shown again)")


@cli.command("erase-order")
@click.option(
    "--wait",
    type=click.FloatRange(0),
    default=10.0,
    show_default=True,
    help="Seconds to wait for other connections to stop reading (SQLite).",
)
def erase_order(wait: float) -> None:
    """Rewrite stored responses in random-id order so arrival order cannot be read back.

    On SQLite it also empties the write-ahead log and checks that it is empty:
    exit 1 when another connection kept it from being emptied.
    Runs automatically when a round closes; schedule it (e.g. nightly) while rounds are open.
    """
    # lazy, measured: SQLAlchemy + pandas add ~9 s to `survey-app --help` (0.5 s) under load (docs/architecture.md)
    from survey_app.storage import StorageError

    storage = _storage()
    try:
        storage.erase_insertion_order(wait=wait)
    except StorageError as exc:
        raise Failure(f"erase-order did not finish: {exc}") from exc
    finally:
        storage.dispose()
    if storage.dialect == "sqlite":
        click.echo("Insertion order erased; the write-ahead log is empty.")
    else:
        click.echo("Insertion order erased.")


@cli.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--round", "round_id", required=True)
@click.option(
    "--confirm-round",
    "confirm",
    default=None,
    help="The round's name: needed to import into a round that already has responses.",
)
def import_cmd(file: str, round_id: str, confirm: str | None) -> None:
    """Import a contract response file into a round (all or nothing).

    Into a round that already has responses only with --confirm-round NAME.
    """
    # lazy, measured: SQLAlchemy + pandas add ~9 s to `survey-app --help` (0.5 s) under load (docs/architecture.md)
    from survey_app.auth import accounts, actions
    from survey_app.storage import ImportRejected, RoundNotFound, StorageError

    storage = _storage()
    try:
        n = actions.import_responses(storage, file, round_id=round_id, actor=accounts.cli_actor(), confirm=confirm)
    except actions.ConfirmationNeeded as exc:
        raise BadInput(
            f"round '{round_id}' ({exc.name}) already has {exc.n_responses} responses; nothing was imported. "
            f"To add these rows anyway, repeat with --confirm-round {exc.name!r}"
        ) from exc
    except ImportRejected as exc:
        _fail_validation(exc.report, stored_nothing=True)
    except RoundNotFound as exc:
        raise Failure(f"round '{round_id}' does not exist") from exc
    except StorageError as exc:
        raise BadInput(str(exc)) from exc
    click.echo(f"Imported {n} responses into round {round_id}")
    held = storage.held_back(round_id)
    if held:
        click.echo(
            f"The figures of round {round_id} were released at close: {held} responses from after the close "
            "are seen only by readers with row data (beheerder, inspecteur), not in the figures of gi and onderzoeker."
        )


@cli.command("export")
@click.option("--round", "round_id", required=True)
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx", "sav", "parquet"]), required=True)
@click.option("--out", required=True, type=click.Path(dir_okay=False))
def export_cmd(round_id: str, fmt: str, out: str) -> None:
    """Export a round's responses in contract v1."""
    # lazy, measured: SQLAlchemy + pandas add ~9 s to `survey-app --help` (0.5 s) under load (docs/architecture.md)
    from survey_app.auth import accounts, actions
    from survey_app.storage import RoundNotFound

    storage = _storage()
    try:
        path = actions.export_responses(storage, round_id=round_id, path=out, format=fmt, actor=accounts.cli_actor())
    except RoundNotFound as exc:
        raise Failure(f"round '{round_id}' does not exist") from exc
    click.echo(f"Exported round {round_id} to {path}")


# ---------------------------------------------------------------- staff accounts


@cli.group("user")
def user_group() -> None:
    """Staff accounts of the staff server (roles beheerder, inspecteur, gi, onderzoeker)."""


def _read_password(password_stdin: bool, prompt: str = "Password") -> str:
    if password_stdin:
        line = sys.stdin.readline()
        password = line[:-1] if line.endswith("\n") else line
        if password.endswith("\r"):
            password = password[:-1]
    else:
        password = click.prompt(prompt, hide_input=True, confirmation_prompt=True)
    # lazy, measured: SQLAlchemy + pandas add ~9 s to `survey-app --help` (0.5 s) under load (docs/architecture.md)
    from survey_app.auth import accounts

    try:
        accounts.check_password(password)
    except accounts.AccountError as exc:
        raise BadInput(str(exc)) from exc
    return password


@user_group.command("add")
@click.argument("name")
@click.option("--role", required=True, type=click.Choice(["beheerder", "inspecteur", "gi", "onderzoeker"]))
@click.option("--gi", "gi", default=None, help="The institution of a 'gi' account (e.g. JBN).")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of standard input.")
@click.option("--temporary", is_flag=True, help="The person must choose a new password at the first sign-in.")
def user_add(name: str, role: str, gi: str | None, password_stdin: bool, temporary: bool) -> None:
    """Make an account (the password is asked twice, or read with --password-stdin)."""
    # lazy, measured: SQLAlchemy + pandas add ~9 s to `survey-app --help` (0.5 s) under load (docs/architecture.md)
    from survey_app.auth import accounts

    try:
        name = accounts.check_name(name)
        accounts.check_role(role, gi)
    except accounts.AccountError as exc:
        raise BadInput(str(exc)) from exc
    storage = _storage()
    if storage.get_user(name) is not None:
        raise BadInput(f"account '{name}' exists already (survey-app user passwd {name} sets a new password)")
    password = _read_password(password_stdin)
    try:
        user = accounts.add_user(
            storage, name, role=role, gi=gi, password=password, temporary=temporary, actor=accounts.cli_actor()
        )
    except accounts.AccountError as exc:
        raise BadInput(str(exc)) from exc
    click.echo(f"Account '{user.name}' made: role {user.role}" + (f", institution {user.gi}" if user.gi else ""))


@user_group.command("list")
def user_list() -> None:
    """List the accounts (name, role, institution, state); never a password hash."""
    # lazy, measured: SQLAlchemy + pandas add ~9 s to `survey-app --help` (0.5 s) under load (docs/architecture.md)
    from survey_app.auth import accounts

    storage = _storage()
    users = storage.list_users()
    if not users:
        click.echo("No accounts yet: survey-app user add NAME --role beheerder")
        return
    now = accounts.now().replace(tzinfo=None)
    click.echo(f"{'name':<24}{'role':<14}{'gi':<8}state")
    for u in users:
        if u.locked_until is not None and u.locked_until > now:
            state = f"locked until {u.locked_until:%Y-%m-%d %H:%M} UTC"
        elif u.must_change:
            state = "temporary password"
        elif u.failed_attempts:
            state = f"active ({u.failed_attempts} failed sign-in(s) in a row)"
        else:
            state = "active"
        click.echo(f"{u.name:<24}{u.role:<14}{(u.gi or '-'):<8}{state}")


@user_group.command("passwd")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of standard input.")
@click.option("--temporary", is_flag=True, help="The person must choose a new password at the next sign-in.")
def user_passwd(name: str, password_stdin: bool, temporary: bool) -> None:
    """Set a new password (also lifts a lock-out and signs the account out everywhere)."""
    # lazy, measured: SQLAlchemy + pandas add ~9 s to `survey-app --help` (0.5 s) under load (docs/architecture.md)
    from survey_app.auth import accounts
    from survey_app.storage import UserNotFound

    storage = _storage()
    if storage.get_user(name.strip().lower()) is None:
        raise Failure(f"account '{name}' does not exist")
    password = _read_password(password_stdin, "New password")
    try:
        accounts.set_password(storage, name, password, temporary=temporary, actor=accounts.cli_actor())
    except UserNotFound as exc:
        raise Failure(f"account '{name}' does not exist") from exc
    except accounts.AccountError as exc:
        raise BadInput(str(exc)) from exc
    click.echo(f"New password set for '{name.strip().lower()}'; its open sessions have ended.")


@user_group.command("remove")
@click.argument("name")
def user_remove(name: str) -> None:
    """Remove an account (its open sessions end at their next click)."""
    # lazy, measured: SQLAlchemy + pandas add ~9 s to `survey-app --help` (0.5 s) under load (docs/architecture.md)
    from survey_app.auth import accounts
    from survey_app.storage import UserNotFound

    storage = _storage()
    try:
        accounts.remove_user(storage, name, actor=accounts.cli_actor())
    except (UserNotFound, accounts.AccountError) as exc:
        raise Failure(f"account '{name}' does not exist") from exc
    click.echo(f"Account '{name.strip().lower()}' removed.")


def main(argv: list[str] | None = None) -> int:
    """Console entry point; returns the exit code."""
    try:
        cli.main(args=argv, prog_name="survey-app", standalone_mode=True)
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else EXIT_FAILURE)
    except Exception as exc:  # a library error nobody turned into a message: still no traceback
        click.echo(f"Error: {type(exc).__name__}: {exc}", err=True)
        return EXIT_FAILURE
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
