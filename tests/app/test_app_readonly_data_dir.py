"""The app's first page when the data folder can't be written (issue 14): one message that names the path
and says what to do, nothing else.

A file where the folder should be works for anyone. A read-only folder is ``chmod 0555`` for a normal
user; as root (modes ignored) the app runs in a child process inside a private mount namespace where the
folder is bind-mounted read-only (``unshare -m``), skipped where that isn't allowed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import APP

REPO = Path(APP).parent
ADVICE = "or point SCRIMMAGE_DATA_DIR at a writable folder"

_CHILD = """
import json, sys
from streamlit.testing.v1 import AppTest
at = AppTest.from_file(sys.argv[1], default_timeout=60).run()
print(json.dumps({"errors": [str(e.value) for e in at.error], "exception": bool(at.exception)}))
"""


def _first_page(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("SCRIMMAGE_DATA_DIR", str(data_dir))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    return at


def test_a_file_where_the_data_dir_should_be_is_named_on_the_first_page(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    at = _first_page(blocker, monkeypatch)
    [error] = [str(e.value) for e in at.error]
    assert f"The data folder {blocker} can't be used: {blocker} is a file, not a folder" in error
    assert ADVICE in error
    assert not at.button  # no sign-in form, no page: only the message


def test_a_read_only_data_dir_is_named_on_the_first_page(tmp_path, monkeypatch):
    data_dir = tmp_path / "data"  # seeded by the autouse fixture: an existing team database
    if os.geteuid() != 0:
        data_dir.chmod(0o555)
        try:
            errors = [str(e.value) for e in _first_page(data_dir, monkeypatch).error]
        finally:
            data_dir.chmod(0o755)
        assert len(errors) == 1 and f"The data folder {data_dir} is read-only: make it writable" in errors[0]
        assert ADVICE in errors[0]
        return
    if shutil.which("unshare") is None:
        pytest.skip("running as root without unshare: no way to make a folder read-only")
    env = {**os.environ, "SCRIMMAGE_DATA_DIR": str(data_dir), "PYTHONPATH": str(REPO)}
    script = 'd="$1"; shift; mount --bind -o ro "$d" "$d" && exec "$@"'
    done = subprocess.run(["unshare", "-m", "sh", "-c", script, "sh", str(data_dir), sys.executable, "-c",
                           _CHILD, APP], env=env, cwd=REPO, capture_output=True, text=True, timeout=300)
    if done.returncode != 0 and "mount" in done.stderr:
        pytest.skip(f"running as root, and no read-only bind mount is allowed here: {done.stderr[-200:]}")
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert not result["exception"]
    [error] = result["errors"]
    assert f"The data folder {data_dir} is on a read-only file system: mount {data_dir} read-write" in error
    assert ADVICE in error
