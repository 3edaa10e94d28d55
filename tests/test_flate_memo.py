"""The compressed font subsets kept in the font cache (fonts/keptsubsets.py): a build that reads them
back writes the very PDF a build that compresses writes, and a kept entry that does not belong to the
bytes being compressed is never used."""

from __future__ import annotations

import os
import zlib
from pathlib import Path

from conftest import make_issue
from jianbao.fonts.cache import Cache
from jianbao.fonts.keptsubsets import compressed, memo_path


def test_a_kept_compression_is_used_only_for_the_same_bytes(tmp_path: Path) -> None:
    memo = memo_path(tmp_path / "ttf" / "abc-0-def.ttf", [32, 0x4E00, 0x4E01])
    assert memo is not None and memo.name.startswith("abc-0-def.ttf.")  # pruned with its font
    data = bytes(range(256)) * 400
    assert compressed(data, memo) == zlib.compress(data)
    assert memo.exists()
    Cache(memo.parent).write(memo, Cache(memo.parent).read(memo)[:32] + b"not what zlib makes")  # type: ignore[index]
    assert compressed(data, memo) == b"not what zlib makes"  # the same bytes: read back, not compressed
    other = data[::-1]
    assert compressed(other, memo) == zlib.compress(other)  # other bytes: compressed, and kept instead
    assert compressed(other, memo) == zlib.compress(other)
    memo.write_bytes(memo.read_bytes()[:-3])  # damaged: ignored, made again
    assert compressed(other, memo) == zlib.compress(other)
    assert compressed(data, None) == zlib.compress(data)


def test_the_pdf_is_the_same_with_kept_compressions_missing_kept_or_foreign(tmp_path: Path) -> None:
    cache = Path(os.environ["JIANBAO_CACHE_DIR"])
    out = tmp_path / "out"
    pdfs = []
    for step in ("as the cache is", "kept", "foreign"):
        if step == "foreign":  # every kept entry now holds another text's compression
            for memo in (cache / "ttf").glob("*.flate"):
                Cache(memo.parent).write(memo, b"\0" * 32 + zlib.compress(b"something else"))
        result = make_issue("2018-06", "--out", str(out))
        assert result.returncode == 0, result.stderr
        pdfs.append((out / "2018-06.pdf").read_bytes())
        assert list((cache / "ttf").glob("*.flate")), step
    assert pdfs[0] == pdfs[1] == pdfs[2]
