"""Start-up costs a build does not pay (jianbao/startup.py): PyYAML's pattern of characters a YAML
stream may not contain is compiled in a form that finds exactly the same characters."""

from __future__ import annotations

import re
import subprocess
import sys

import yaml.reader

from jianbao import startup


def test_the_listed_set_is_the_set_pyyaml_refuses_at_every_code_point() -> None:
    everything = "".join(map(chr, range(0x110000)))
    theirs = [m.start() for m in re.compile(startup.YAML_NON_PRINTABLE).finditer(everything)]
    ours = [m.start() for m in re.compile(startup.NOT_PRINTABLE).finditer(everything)]
    assert ours == theirs and len(ours) == 2048 + 2 + 9 + 2 + 18 + 6 + 26


def test_pyyaml_is_given_the_listed_pattern_and_still_refuses_what_it_refused() -> None:
    assert yaml.reader.Reader.NON_PRINTABLE.pattern == startup.NOT_PRINTABLE  # jianbao was imported first
    try:
        yaml.safe_load("title: a\x07b\n")
    except yaml.reader.ReaderError as exc:
        assert "#x0007" in str(exc)
    else:
        raise AssertionError("a control character was accepted")
    assert yaml.safe_load("title: 标题\u3000\U00020BB7\n") == {"title": "标题\u3000\U00020BB7"}


def test_a_fresh_process_loads_pyyaml_with_the_listed_pattern() -> None:
    code = ("import jianbao, yaml.reader; "
            "print(yaml.reader.Reader.NON_PRINTABLE.pattern == jianbao.startup.NOT_PRINTABLE)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "True"
