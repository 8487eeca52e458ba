"""Files that hold personal data, written safely in a folder other people may share.

A file is written under a fresh temporary name created exclusively in the target folder (``mkstemp``: O_EXCL, never
following a link, mode 0600), then put in place: linked under the target name, which fails if anything — a file
or a link — is already there, or, with ``force``, renamed over it (a rename replaces a link, never writes through
it). A group member who plants a file or a link under the temporary or the target name gets nothing.
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from xueji.domain.errors import N_, ConfigError, InvalidData, RuleViolation


def _cannot(path: Path, error: OSError) -> ConfigError:
    if error.errno == errno.ENOSPC:
        return ConfigError(N_("The disk is full: {path} was not written."), path=str(path),
                           hint=N_("Free some space (or write elsewhere) and try again."))
    return ConfigError(N_("Cannot write {path}: {detail}."), path=str(path), detail=error.strerror or str(error))


def refuse_link(path: Path) -> None:
    """A link (dangling or not) is no place to write: exit 4, like a read-only or full disk — the clerk fixes where the
    file goes, no rule of the registry is involved. Issue 12 and the README's exit-code table."""
    if os.path.islink(path):
        raise ConfigError(N_("{path} is a symbolic link; xueji never writes through a link."), path=str(path))


def check_new(path: Path, force: bool = False, reads: tuple = ()) -> Path:
    """Refuse a target that exists (unless ``force``), that is a link, that is a file this command reads, or whose
    folder is missing — before any work is done."""
    path = Path(path).expanduser().absolute()
    for source in reads:
        if source is None:
            continue
        source = Path(source).expanduser().absolute()
        if source == path or (source.exists() and path.exists() and os.path.samefile(source, path)):
            raise InvalidData.one("file", str(path), N_("{path} is the file being read; write to another file."),
                                  path=str(path))
    try:
        path.parent.stat()
        os.lstat(path)
    except FileNotFoundError:
        pass
    except OSError as error:  # a name too long, a folder that cannot be searched…
        raise _cannot(path, error) from None
    refuse_link(path)
    if path.is_dir():
        raise InvalidData.one("file", str(path), N_("{path} is a folder, not a file."), path=str(path))
    if not path.parent.is_dir():
        raise InvalidData.one("file", str(path), N_("The folder {path} does not exist."), path=str(path.parent))
    if path.exists() and not force:
        raise RuleViolation(N_("{path} already exists; nothing was written."),
                            hint=N_("Give a new name, or add --force to replace it."), path=str(path))
    return path


class Pending:
    """A file written under its temporary name, waiting to be put in place (or thrown away)."""

    def __init__(self, path: Path, tmp: str, force: bool):
        self.path, self.tmp, self.force = path, tmp, force

    def publish(self) -> Path:
        try:
            if self.force:
                os.replace(self.tmp, self.path)
            else:
                try:
                    os.link(self.tmp, self.path)  # atomic: fails if anything took the name meanwhile
                except FileExistsError:
                    raise RuleViolation(N_("{path} already exists; nothing was written."),
                                        hint=N_("Give a new name, or add --force to replace it."),
                                        path=str(self.path)) from None
                except OSError as error:
                    if error.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK):
                        raise
                    if os.path.lexists(self.path):  # a file system without hard links
                        raise RuleViolation(N_("{path} already exists; nothing was written."), path=str(self.path)) from None
                    os.replace(self.tmp, self.path)
                    return self.path
                os.unlink(self.tmp)
        except RuleViolation:
            self.discard()
            raise
        except OSError as error:
            self.discard()
            raise _cannot(self.path, error) from None
        return self.path

    def discard(self) -> None:
        try:
            os.unlink(self.tmp)
        except FileNotFoundError:
            pass


def prepare(path: Path, data: bytes, force: bool = False, mode: int = 0o600) -> Pending:
    """Write ``data`` under a temporary name beside ``path`` (checked with ``check_new`` first)."""
    path = check_new(path, force)
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as error:
        raise _cannot(path, error) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            if mode != 0o600:
                os.fchmod(handle.fileno(), mode)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as error:
        Pending(path, tmp, force).discard()
        raise _cannot(path, error) from None
    except BaseException:
        Pending(path, tmp, force).discard()
        raise
    return Pending(path, tmp, force)


def write_new(path: Path, data: bytes, force: bool = False, mode: int = 0o600) -> Path:
    return prepare(path, data, force, mode).publish()
