"""The one place that reads the environment.

Every other module receives a ``Settings`` object (or values taken from one);
nothing else calls ``os.environ``. Precedence, highest first: values passed to
``Settings(...)``, environment variables, a ``.env`` file in the working
directory, then the defaults below. Scrimmage's own variables carry the
``SCRIMMAGE_`` prefix; the OpenAI ones keep their usual names so an existing
key or local server "just works".

With neither ``OPENAI_API_KEY`` nor ``OPENAI_BASE_URL`` set, everything runs on
the offline default: scripted buyer voice, rubric grader, local embeddings,
SQLite and embedded Chroma in the data directory.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import platformdirs
from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from .errors import ScrimmageError

_REPO_SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"


class ConfigError(ScrimmageError, RuntimeError):
    """A setting is missing or unusable; the message says how to fix it."""


def _default_scenario_dirs() -> list[Path]:
    return [_REPO_SCENARIOS] if _REPO_SCENARIOS.is_dir() else [Path.cwd() / "scenarios"]


class Settings(BaseSettings):
    """Effective configuration for the app, the CLI, the evals and the benchmarks."""

    model_config = SettingsConfigDict(
        env_prefix="SCRIMMAGE_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        populate_by_name=True,
    )

    data_dir: Path = Field(default_factory=lambda: Path(platformdirs.user_data_dir("scrimmage")))
    """Where the SQLite database, the Chroma index and demo data live."""

    openai_api_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("OPENAI_API_KEY", "SCRIMMAGE_OPENAI_API_KEY")
    )
    """An OpenAI key. With it (or a base URL) the LLM voice and judge switch on."""

    openai_base_url: str | None = Field(
        default=None, validation_alias=AliasChoices("OPENAI_BASE_URL", "SCRIMMAGE_OPENAI_BASE_URL")
    )
    """Any OpenAI-compatible endpoint (Azure, vLLM, llama.cpp server, Ollama)."""

    chat_model: str = "gpt-4o-mini"
    """Model that voices the buyer."""

    judge_model: str = "gpt-4o-mini"
    """Model that judges rubric checks."""

    llm_timeout: float = Field(default=20.0, gt=0)
    """Seconds before one try of an LLM call is abandoned by the HTTP client (per read, so capped at the
    deadline below; the deadline is what bounds the rep's wait)."""

    llm_max_retries: int = Field(default=2, ge=0, le=10)
    """Retries (with backoff) before falling back to the offline voice or grader."""

    llm_turn_deadline: float = Field(default=15.0, gt=0)
    """Seconds a rep waits at most for one buyer line, every try and backoff wait included (a slow stream
    too); then the offline voice speaks that turn. The rep's wait is bounded by this, not by llm_timeout."""

    llm_grade_deadline: float = Field(default=60.0, gt=0)
    """Seconds a rep waits at most for the LLM judge, every try and sample included; then the offline
    grader scores the attempt."""

    llm_breaker_failures: int = Field(default=3, ge=1, le=100)
    """Failed LLM calls in a row after which the model is skipped (the circuit opens)."""

    llm_breaker_cooldown: float = Field(default=120.0, ge=0)
    """Seconds the model is skipped once the circuit opens (offline voice and grader, with a notice);
    then one call tries it again."""

    llm_calls_per_hour: int = Field(default=150, ge=0)
    """Model calls (buyer turns and gradings) one signed-in person may make in any rolling hour; over it
    the offline voice and grader answer, with a notice saying when AI turns come back. 0: no limit."""

    judge_samples: int = Field(default=1, ge=1, le=9)
    """LLM judge self-consistency: samples per check, majority vote."""

    voice: Literal["auto", "offline", "llm"] = "auto"
    """Buyer voice. `auto` uses the LLM when one is configured."""

    grader: Literal["auto", "offline", "llm"] = "auto"
    """Grader. `auto` uses the LLM judge when one is configured."""

    embedding_backend: Literal["local", "openai", "hash"] = "local"
    """`local` runs sentence-transformers on this machine; `hash` is for tests only."""

    embedding_model: str | None = None
    """A local model folder or a hub model name; default: the packaged all-MiniLM-L6-v2."""

    embedding_runtime: Literal["auto", "onnx", "torch"] = "auto"
    """What runs a local model: ONNX Runtime (same vectors, about twice as fast), torch, or `auto`
    (ONNX when its graph can be exported from the model folder, else torch)."""

    model_cache_dir: Path = Field(default_factory=lambda: Path(platformdirs.user_cache_dir("scrimmage")))
    """Where the local model's ONNX graph is kept after its one-time export (about 90 MB)."""

    openai_embedding_model: str = "text-embedding-3-small"

    database_url: str | None = None
    """SQLAlchemy URL; default: SQLite in the data directory. PostgreSQL: postgresql+psycopg://..."""

    chroma_url: str | None = None
    """A Chroma server (http://host:port); default: embedded Chroma in the data directory."""

    scenario_dirs: list[Path] = Field(default_factory=_default_scenario_dirs)
    """Folders of scenario YAML files that make up the bank (JSON list in the environment)."""

    show_buyer_gauge: bool = False
    """Show the buyer's temperature gauge during a drill (managers usually keep it hidden)."""

    seed_demo: bool = True
    """Seed the demo team on the app's first start when the database is empty."""

    # --- accounts (coach_engine.accounts) ---------------------------------------------

    auth_mode: Literal["auto", "local", "password", "oidc"] = "auto"
    """How people sign in. `local`: one person on this machine, no sign-in (never expose it on a
    network). `password`: accounts in the database (argon2 hashes), invited by link. `oidc`: Streamlit's
    `st.login` with the OpenID Connect provider in .streamlit/secrets.toml, for invited emails. `auto`:
    `local` while the database holds no account, else `password`."""

    oidc_provider: str | None = None
    """The `[auth.<name>]` provider in secrets.toml for `oidc` mode; unset: the `[auth]` section itself."""

    public_url: str = "http://localhost:8501"
    """The app's address as people open it: invite and reset links start with it."""

    demo_mode: bool = True
    """While the demo team is the database's only team, the sign-in page shows the demo accounts'
    password (written by `seed-demo` to the data dir). Off: it is never shown."""

    session_idle_minutes: float = Field(default=120.0, gt=0)
    """A signed-in session ends after this long without use."""

    session_max_hours: float = Field(default=12.0, gt=0)
    """A session ends this long after sign-in, however busy (OIDC: the provider's sign-in is asked again)."""

    remember_sign_in: bool = True
    """Password mode: a reload, a new tab or the other app server keeps the person signed in (the session
    token rides in a ``SameSite=Strict`` cookie until the session ends). Off: every page load asks again
    (a shared kiosk)."""

    invite_ttl_hours: float = Field(default=72.0, gt=0)
    """How long an invite link works (once)."""

    reset_ttl_hours: float = Field(default=24.0, gt=0)
    """How long a password-reset link works (once)."""

    lockout_failures: int = Field(default=5, ge=1, le=100)
    """Wrong passwords in a row that lock an account."""

    lockout_minutes: float = Field(default=15.0, gt=0)
    """How long a locked account stays locked."""

    @field_validator("oidc_provider", mode="before")
    @classmethod
    def _blank_provider_is_none(cls, v: Any) -> Any:
        return None if isinstance(v, str) and not v.strip() else v

    @field_validator("openai_base_url", "chroma_url", "database_url", mode="before")
    @classmethod
    def _blank_is_none(cls, v: Any) -> Any:
        return None if isinstance(v, str) and not v.strip() else v

    @field_validator("openai_api_key", mode="before")
    @classmethod
    def _blank_key_is_none(cls, v: Any) -> Any:
        return None if isinstance(v, str) and not v.strip() else v

    # --- derived values --------------------------------------------------------

    @property
    def llm_configured(self) -> bool:
        return self.openai_api_key is not None or self.openai_base_url is not None

    @property
    def effective_voice(self) -> Literal["offline", "llm"]:
        if self.voice == "auto":
            return "llm" if self.llm_configured else "offline"
        return self.voice

    @property
    def effective_grader(self) -> Literal["offline", "llm"]:
        if self.grader == "auto":
            return "llm" if self.llm_configured else "offline"
        return self.grader

    @cached_property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'scrimmage.db'}"

    @property
    def chroma_path(self) -> Path:
        return self.data_dir / "chroma"

    def require_llm(self) -> None:
        """Raise a helpful error when LLM mode was asked for but nothing is configured."""
        if not self.llm_configured:
            raise ConfigError(
                "LLM mode needs OPENAI_API_KEY (OpenAI) or OPENAI_BASE_URL (any OpenAI-compatible "
                "server, e.g. http://127.0.0.1:8080/v1). Set one, or use the offline default."
            )

    def api_key_value(self) -> str:
        """The key to send; local servers usually accept any non-empty string."""
        if self.openai_api_key is not None:
            return self.openai_api_key.get_secret_value()
        return "not-needed"

    def masked(self) -> dict[str, Any]:
        """Effective settings for display: secrets masked, paths as strings."""
        out: dict[str, Any] = {}
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, SecretStr):
                raw = value.get_secret_value()
                value = f"{raw[:3]}…{raw[-2:]}" if len(raw) > 8 else "****"
            elif isinstance(value, Path):
                value = str(value)
            elif isinstance(value, list):
                value = [str(v) for v in value]
            out[name] = value
        out["database_url"] = _mask_url(self.effective_database_url)
        out["effective_voice"] = self.effective_voice
        out["effective_grader"] = self.effective_grader
        return out


def _mask_url(url: str) -> str:
    """Hide a password inside a database URL."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        user = creds.split(":", 1)[0]
        return f"{scheme}://{user}:****@{host}" if ":" in creds else url
    return url


def get_settings(**overrides: Any) -> Settings:
    """Build settings from the environment, with explicit overrides on top."""
    return Settings(**overrides)
