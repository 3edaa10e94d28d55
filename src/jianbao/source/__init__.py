"""Issue sources: one YAML file per issue (``content/2018-06.yaml``) → :class:`jianbao.model.Issue`.

The format is described in ``docs/source-format.md``. Loading happens in two steps, each in its
own module: :mod:`.yamlnodes` reads the file into a YAML node tree that keeps line and column of
every value, and :mod:`.validate` checks the fields and builds the model. Every problem becomes a
:class:`~jianbao.errors.SourceError` (``file:line:column field：中文说明``); all problems of a file
are raised together in one :class:`~jianbao.errors.ValidationFailed`.
"""

from __future__ import annotations

from pathlib import Path

from jianbao.model import Issue
from jianbao.source.validate import check_issue
from jianbao.yamlfile.nodes import MAX_FILE_BYTES, compose_text, read_text

__all__ = ["MAX_FILE_BYTES", "load_issue", "parse_issue"]


def load_issue(path: Path, shown_as: str | None = None) -> Issue:
    """Read and validate one issue file.

    ``shown_as`` is how the path appears in messages and in :attr:`Issue.source` (default
    ``str(path)``); :attr:`Issue.id` is the file's stem, which must be ``{year}-{number:02d}``.
    Raises :class:`ValidationFailed` listing every problem of the file.
    """
    path = Path(path)
    file = str(path) if shown_as is None else shown_as
    return parse_issue(read_text(path, file), file, stem=path.stem, suffix=path.suffix)


def parse_issue(text: str, file: str, *, stem: str, suffix: str = ".yaml") -> Issue:
    """Validate the text of an issue file whose name is ``stem + suffix`` (``file`` in messages)."""
    return check_issue(compose_text(text, file), text, file, stem=stem, suffix=suffix)
