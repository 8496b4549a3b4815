"""Where `cjerr auth login` keeps the token pair: the system keyring, else a private file.

The file is ``credentials.json`` in cjerr's config folder (``$XDG_CONFIG_HOME/cjerr``,
``~/.config/cjerr``, ``%APPDATA%\\cjerr``), mode 0600 in a 0700 folder, replaced
atomically (a temporary file in the same folder, its mode set before anything is
written, then ``os.replace``). It always holds what is not secret (base URL, account,
expiry dates, when the pair was issued); the tokens and the openId go either into it
or into the keyring, one entry each, as ``gh`` does with its token::

    {"cjerr_credentials": 1, "current": "<base url>",
     "logins": {"<base url>": {"account": "CJ1234567", "issued_at": "...Z",
                               "access_expires": "...+08:00", "refresh_expires": "...+08:00",
                               "created": "...+08:00", "refreshed_at": null, "store": "file",
                               "secrets": {"access_token": "...", "refresh_token": "...", "open_id": "33689"}}}}

``$CJERR_CREDENTIAL_STORE`` chooses: ``auto`` (default: the keyring when the optional
``keyring`` package finds a usable backend, else the file), ``file`` or ``keyring``.
A store that cannot be read or is corrupted is a CONFIG error (exit 78) in one line
that never quotes its contents. Standard library only; keyring is imported on demand.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib
import json
import os
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from cj_errors.account import paths
from cj_errors.base import inputs, limits, redact
from cj_errors.base.errors import CliError
from cj_errors.base.exits import ExitStatus

STORE_ENV = "CJERR_CREDENTIAL_STORE"
FILE_NAME = "credentials.json"
SCHEMA = 1
KEYRING_SERVICE = "cjerr"
_SECRET_NAMES = ("access_token", "refresh_token", "open_id")
_TIME_FIELDS = ("issued_at", "access_expires", "refresh_expires", "created", "refreshed_at")


@dataclass(frozen=True)
class StoredLogin:
    """One token pair, for one base URL."""

    base_url: str
    access_token: str
    refresh_token: str | None
    access_expires: dt.datetime | None
    refresh_expires: dt.datetime | None
    issued_at: dt.datetime  # when getAccessToken answered (UTC): the throttle counts from here
    created: dt.datetime | None = None  # CJ's createDate
    refreshed_at: dt.datetime | None = None
    open_id: str | None = None  # CJ sends a number; it signs webhooks, so it is kept with the secrets
    account: str | None = None  # "CJ1234567", from the API key or the token
    store: str = "file"  # "file" or "keyring": where the secrets are

    def with_store(self, store: str) -> StoredLogin:
        return replace(self, store=store)


def normalize_base_url(base_url: str) -> str:
    """The key a login is stored under: scheme and host in lower case, no trailing slash."""
    scheme, _, rest = base_url.strip().partition("://")
    host, slash, path = rest.partition("/")
    return f"{scheme.lower()}://{host.lower()}{slash}{path}".rstrip("/")


# --- the keyring (optional) -------------------------------------------------------------


def _keyring_module() -> Any:
    """The keyring module when it has a usable backend, else None. Never raises."""
    try:
        keyring = importlib.import_module("keyring")
        backend = keyring.get_keyring()
        fail = importlib.import_module("keyring.backends.fail")
        if isinstance(backend, fail.Keyring):
            return None
        # The null backend (-1), the fail backend (0) and an empty chainer mean: nothing usable.
        if float(getattr(backend, "priority", 0)) <= 0:
            return None
    except Exception:  # noqa: BLE001 - no keyring, a broken one or no DBus: the file is the fallback
        return None
    return keyring


def _backend_name(keyring: Any) -> str:
    try:
        backend = keyring.get_keyring()
        return f"{type(backend).__module__.removeprefix('keyring.backends.')}.{type(backend).__name__}"
    except Exception:  # noqa: BLE001 - only a label
        return "keyring"


def _keyring_user(base_url: str, name: str) -> str:
    return f"{base_url} {name}"


# --- the store ------------------------------------------------------------------------------


class CredentialStore:
    """The file (always) and, when chosen, the keyring for the secrets."""

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        env = os.environ if environ is None else environ
        self.path = paths.config_dir(env) / FILE_NAME
        choice = (env.get(STORE_ENV) or "auto").strip().lower()
        if choice not in ("auto", "file", "keyring"):
            raise CliError(f"${STORE_ENV} must be auto, file or keyring, not {choice!r}", ExitStatus.CONFIG)
        self.choice = choice
        self._keyring_looked_up = False
        self._keyring_found: Any = None

    @property
    def _keyring(self) -> Any:
        """The keyring module, looked up on first use (importing it costs time probe should not pay)."""
        if not self._keyring_looked_up:
            self._keyring_looked_up = True
            if self.choice != "file":
                self._keyring_found = _keyring_module()
            if self._keyring_found is None and self.choice == "keyring":
                raise CliError(
                    f"${STORE_ENV}=keyring, but no usable system keyring was found (install cjerr[keyring] and "
                    "a keyring service, or use the file store)",
                    ExitStatus.CONFIG,
                )
        return self._keyring_found

    @property
    def kind(self) -> str:
        """Where new secrets go: "keyring" or "file"."""
        return "keyring" if self._keyring is not None else "file"

    def describe(self, login: StoredLogin | None = None) -> str:
        """For `auth status`: where the pair is kept."""
        kind = login.store if login is not None else self.kind
        if kind == "keyring":
            found = self._keyring_found or _keyring_module()
            backend = _backend_name(found) if found is not None else "keyring"
            return f"system keyring ({backend}); details in {self.path}"
        return f"file {self.path} (mode 0600)"

    # -- reading --

    def _read(self) -> dict[str, Any]:
        try:
            self.path.stat()
        except (FileNotFoundError, NotADirectoryError):
            return {"cjerr_credentials": SCHEMA, "current": None, "logins": {}}
        except OSError as error:
            raise CliError(
                f"credential store {self.path} cannot be read: {error.strerror}", ExitStatus.CONFIG
            ) from None
        try:
            data = inputs.read_bounded(
                str(self.path),
                limit=limits.CREDENTIAL_STORE_BYTES,
                what="credential store",
                too_large=ExitStatus.CONFIG,
            )
        except CliError as error:
            raise CliError(error.message, ExitStatus.CONFIG) from None
        try:
            document = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise self._corrupted("it is not valid JSON") from None
        if not isinstance(document, dict) or document.get("cjerr_credentials") != SCHEMA:
            raise self._corrupted(f"it is not a version {SCHEMA} cjerr credential file")
        logins = document.get("logins")
        current = document.get("current")
        if not isinstance(logins, dict) or not (current is None or isinstance(current, str)):
            raise self._corrupted("'logins' or 'current' has the wrong type")
        if current is not None and current not in logins:
            raise self._corrupted("'current' names no stored login")
        return document

    def _corrupted(self, why: str) -> CliError:
        return CliError(
            f"credential store {self.path} is corrupted ({why}); delete it and run 'cjerr auth login' again",
            ExitStatus.CONFIG,
        )

    def current_base_url(self) -> str | None:
        current = self._read().get("current")
        return current if isinstance(current, str) and current else None

    def base_urls(self) -> list[str]:
        """Every base URL a login is stored for."""
        return sorted(str(key) for key in self._read()["logins"])

    def load(self, base_url: str) -> StoredLogin | None:
        key = normalize_base_url(base_url)
        entry = self._read()["logins"].get(key)
        if entry is None:
            return None
        if not isinstance(entry, dict):
            raise self._corrupted(f"the login for {key} is not an object")
        store = entry.get("store", "file")
        secrets: Any
        if store == "keyring":
            secrets = self._keyring_secrets(key)
        elif store == "file":
            secrets = entry.get("secrets")
        else:
            raise self._corrupted(f"the login for {key} names an unknown store")
        if not isinstance(secrets, dict):
            raise self._corrupted(f"the login for {key} has no tokens")
        login = self._parse(key, entry, secrets, store)
        redact.register(login.access_token)
        redact.register(login.refresh_token)
        return login

    def _keyring_secrets(self, key: str) -> dict[str, Any]:
        keyring = self._keyring_found or _keyring_module()
        if keyring is None:
            raise CliError(
                f"the tokens for {key} are in the system keyring, which is not usable now; run 'cjerr auth login' "
                f"again (with ${STORE_ENV}=file to keep them in a file)",
                ExitStatus.CONFIG,
            )
        secrets: dict[str, Any] = {}
        try:
            for name in _SECRET_NAMES:
                secrets[name] = keyring.get_password(KEYRING_SERVICE, _keyring_user(key, name))
        except Exception as error:  # noqa: BLE001 - a locked or broken keyring: one line, no traceback
            raise CliError(
                f"cannot read the tokens for {key} from the system keyring: {type(error).__name__}", ExitStatus.CONFIG
            ) from None
        if not secrets.get("access_token"):
            raise CliError(
                f"the system keyring no longer holds the tokens for {key}; run 'cjerr auth login' again",
                ExitStatus.CONFIG,
            )
        return secrets

    def _parse(self, key: str, entry: Mapping[str, Any], secrets: Mapping[str, Any], store: str) -> StoredLogin:
        access = secrets.get("access_token")
        refresh = secrets.get("refresh_token")
        open_id = secrets.get("open_id")
        if not isinstance(access, str) or not access or paths.has_control_characters(access):
            raise self._corrupted(f"the access token for {key} is missing or malformed")
        if refresh is not None and (not isinstance(refresh, str) or paths.has_control_characters(refresh)):
            raise self._corrupted(f"the refresh token for {key} is malformed")
        if open_id is not None and not isinstance(open_id, str):
            raise self._corrupted(f"the openId for {key} is malformed")
        times: dict[str, dt.datetime | None] = {}
        for name in _TIME_FIELDS:
            value = entry.get(name)
            if value is None:
                times[name] = None
                continue
            if not isinstance(value, str):
                raise self._corrupted(f"{name} for {key} is not a date")
            try:
                parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                raise self._corrupted(f"{name} for {key} is not a date") from None
            times[name] = parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=dt.timezone.utc)
        issued = times["issued_at"]
        if issued is None:
            raise self._corrupted(f"issued_at for {key} is missing")
        account = entry.get("account")
        return StoredLogin(
            base_url=key,
            access_token=access,
            refresh_token=refresh or None,
            access_expires=times["access_expires"],
            refresh_expires=times["refresh_expires"],
            issued_at=issued,
            created=times["created"],
            refreshed_at=times["refreshed_at"],
            open_id=open_id,
            account=account if isinstance(account, str) else None,
            store=store,
        )

    # -- writing --

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """Hold the store's lock file for a read-modify-write: two ``auth login`` runs at once keep both entries."""
        try:
            make_private_folder(self.path.parent)
            fd = os.open(self.path.parent / (FILE_NAME + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as error:
            raise CliError(
                f"cannot write the credential store {self.path}: {error.strerror or error}", ExitStatus.CONFIG
            ) from None
        try:
            try:
                import fcntl
            except ImportError:  # pragma: no cover - Windows: no lock
                yield
                return
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # releases the lock

    def save(self, login: StoredLogin, *, make_current: bool = True) -> StoredLogin:
        """Store ``login`` (replacing the one for its base URL); by default it becomes the current one."""
        with self._locked():
            return self._save(login, make_current)

    def _save(self, login: StoredLogin, make_current: bool) -> StoredLogin:
        document = self._read()
        key = normalize_base_url(login.base_url)
        previous = document["logins"].get(key)
        secrets = {
            "access_token": login.access_token,
            "refresh_token": login.refresh_token,
            "open_id": login.open_id,
        }
        store = self.kind
        entry: dict[str, Any] = {
            "account": login.account,
            "store": store,
            **{name: _iso(getattr(login, name)) for name in _TIME_FIELDS},
        }
        if store == "keyring":
            try:
                for name in _SECRET_NAMES:
                    value = secrets[name]
                    user = _keyring_user(key, name)
                    if value:
                        self._keyring.set_password(KEYRING_SERVICE, user, value)
                    else:
                        self._delete_keyring_entry(user)
            except Exception:  # noqa: BLE001 - the keyring refused: keep the pair in the file instead
                store = "file"
                entry["store"] = "file"
        if store == "file":
            entry["secrets"] = secrets
            if isinstance(previous, dict) and previous.get("store") == "keyring":
                self._forget_keyring(key)
        document["logins"][key] = entry
        if make_current or not document.get("current"):
            document["current"] = key
        self._write(document)
        return replace(login, base_url=key, store=store)

    def delete(self, base_url: str) -> bool:
        """Remove the login for ``base_url``; True when there was one."""
        with self._locked():
            return self._delete(base_url)

    def _delete(self, base_url: str) -> bool:
        document = self._read()
        key = normalize_base_url(base_url)
        entry = document["logins"].pop(key, None)
        if entry is None:
            return False
        if isinstance(entry, dict) and entry.get("store") == "keyring":
            self._forget_keyring(key)
        if document.get("current") == key:
            document["current"] = next(iter(document["logins"]), None)
        self._write(document)
        return True

    def _forget_keyring(self, key: str) -> None:
        for name in _SECRET_NAMES:
            self._delete_keyring_entry(_keyring_user(key, name))

    def _delete_keyring_entry(self, user: str) -> None:
        keyring = self._keyring_found or _keyring_module()
        if keyring is None:
            return
        with contextlib.suppress(Exception):  # already gone, or the keyring is locked: nothing more to do
            keyring.delete_password(KEYRING_SERVICE, user)

    def _write(self, document: Mapping[str, Any]) -> None:
        data = (json.dumps(document, indent=2, sort_keys=True) + "\n").encode("utf-8")
        try:
            write_private(self.path, data)
        except OSError as error:
            raise CliError(
                f"cannot write the credential store {self.path}: {error.strerror or error}", ExitStatus.CONFIG
            ) from None


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def make_private_folder(folder: Path) -> None:
    """``folder`` and any missing parent created 0700 whatever the umask (as the XDG base directory spec asks),
    and ``folder`` itself set to 0700 (on POSIX)."""
    missing: list[Path] = []
    current = folder
    while not current.exists() and current != current.parent:
        missing.append(current)
        current = current.parent
    for created in reversed(missing):
        with contextlib.suppress(FileExistsError):
            os.mkdir(created, 0o700)
            if os.name == "posix":
                os.chmod(created, 0o700)  # mkdir's mode is filtered by the umask; umask 000 would leave 0777
    if os.name == "posix":
        os.chmod(folder, 0o700)


def write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically: mode 0600, in a folder of mode 0700 (on POSIX)."""
    folder = path.parent
    make_private_folder(folder)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(handle, 0o600)  # before a single secret byte is written
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
