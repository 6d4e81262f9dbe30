"""The declarative base every table derives from, and how the store keeps time in SQL.

The tables are declared in several modules (``schema`` and the ones it
gathers), and they must share one ``Base`` (one ``MetaData``: what the Alembic
migrations are compared against) and one rule for times: stored in UTC
(``UTCDateTime``), so SQL compares plain instants on SQLite and PostgreSQL
alike. This module holds those two, and nothing else, so every table module
can import them without importing the others. Migrations import
``UTCDateTime`` from ``schema``, which re-exports it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Date, DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

__all__ = ["Base", "UTCDateTime"]


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out, on SQLite (naive text) and PostgreSQL alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; pass an aware datetime (UTC)")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    type_annotation_map: dict[Any, Any] = {datetime: UTCDateTime, date: Date}  # noqa: RUF012
