"""Settings: the one reader of the environment, with a documented precedence."""

from __future__ import annotations

from pathlib import Path

import pytest

from coach_engine.settings import ConfigError, Settings


def test_offline_by_default(tmp_path: Path) -> None:
    s = Settings()
    assert s.data_dir == tmp_path / "data"  # from the autouse fixture's SCRIMMAGE_DATA_DIR
    assert not s.llm_configured
    assert s.effective_voice == "offline" and s.effective_grader == "offline"
    assert s.effective_database_url == f"sqlite:///{tmp_path / 'data' / 'scrimmage.db'}"
    with pytest.raises(ConfigError, match="OPENAI_API_KEY.*OPENAI_BASE_URL"):
        s.require_llm()


def test_key_or_base_url_switches_llm_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-1234567890")
    s = Settings()
    assert s.llm_configured and s.effective_voice == "llm" and s.effective_grader == "llm"
    assert s.openai_api_key is not None and s.openai_api_key.get_secret_value() == "sk-test-1234567890"
    monkeypatch.delenv("OPENAI_API_KEY")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:8080/v1")
    s = Settings()
    assert s.llm_configured and s.api_key_value() == "not-needed"


def test_explicit_voice_wins_over_auto(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-1234567890")
    monkeypatch.setenv("SCRIMMAGE_VOICE", "offline")
    assert Settings().effective_voice == "offline"


def test_precedence_init_over_env_over_dotenv_over_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SCRIMMAGE_DATA_DIR")
    (tmp_path / ".env").write_text("SCRIMMAGE_CHAT_MODEL=from-dotenv\nSCRIMMAGE_JUDGE_MODEL=from-dotenv\n"
                                   "SCRIMMAGE_LLM_TIMEOUT=7\n")
    monkeypatch.setenv("SCRIMMAGE_CHAT_MODEL", "from-env")
    s = Settings()
    assert s.chat_model == "from-env"
    assert s.judge_model == "from-dotenv"
    assert s.llm_timeout == 7
    assert Settings(chat_model="from-init").chat_model == "from-init"
    assert "scrimmage" in str(Settings().data_dir)  # default: the user's data dir


def test_masked_hides_secrets_and_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-supersecretvalue99")
    monkeypatch.setenv("SCRIMMAGE_DATABASE_URL", "postgresql+psycopg://coach:hunter2@db:5432/scrim")
    shown = Settings().masked()
    assert "supersecret" not in str(shown)
    assert "hunter2" not in str(shown)
    assert shown["database_url"] == "postgresql+psycopg://coach:****@db:5432/scrim"


def test_scenario_dirs_from_env_json(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SCRIMMAGE_SCENARIO_DIRS", f'["{tmp_path}"]')
    assert Settings().scenario_dirs == [tmp_path]


def test_blank_values_mean_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", " ")
    monkeypatch.setenv("OPENAI_BASE_URL", "")
    assert not Settings().llm_configured
