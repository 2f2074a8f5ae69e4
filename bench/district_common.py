"""Shared by the district benchmarks: a fresh district on SQLite or PostgreSQL, and members."""

from __future__ import annotations

import argparse
import random
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg

from district.registry.towns import WUZHONG_TOWNS
from district.service import District
from district.settings import Settings

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
NOW = 1_795_000_000
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = "建国秀英伟芳敏静磊军洋勇艳杰娟涛明超兰霞平刚志强丽华国良美玲"


def add_backend_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--pg-url", default=PG_URL,
                        help="PostgreSQL server (a schema is made and dropped)")


def backends(choice: str) -> list[str]:
    return ["sqlite", "postgresql"] if choice == "both" else [choice]


@contextmanager
def fresh_district(backend: str, pg_url: str = PG_URL) -> Iterator[District]:
    """An initialized district in a temporary SQLite file or a temporary PostgreSQL schema."""
    with tempfile.TemporaryDirectory() as tmp:
        schema = f"bench_{uuid.uuid4().hex[:10]}"
        conninfo = pg_url.replace("postgresql+psycopg://", "postgresql://", 1)
        url = f"sqlite:///{tmp}/district.db"
        if backend == "postgresql":
            with psycopg.connect(conninfo, autocommit=True) as conn:
                conn.execute(f"CREATE SCHEMA {schema}")
            url = f"{pg_url}?options=-csearch_path%3D{schema}"
        district = District.open(Settings(Path(tmp), url, "bench passphrase"))
        try:
            district.initialize("bench", NOW)
            yield district
        finally:
            district.close()
            if backend == "postgresql":
                with psycopg.connect(conninfo, autocommit=True) as conn:
                    conn.execute(f"DROP SCHEMA {schema} CASCADE")


def member_rows(count: int, seed: int = 2014) -> list[list[str]]:
    """`count` plausible registry rows spread over the towns, ~40 unions a town, some titles."""
    rng = random.Random(seed)
    titles = ("蓝领之星", "劳动模范", "蓝领之友", "蓝领之星;劳动模范")
    rows = []
    for n in range(count):
        town_id, town_name, _ = WUZHONG_TOWNS[n % len(WUZHONG_TOWNS)]
        name = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2))))
        id_last4 = f"{rng.randrange(1000):03d}{rng.choice('0123456789X')}"
        union = f"{town_name}第{rng.randrange(40) + 1}企业工会"
        rows.append([f"WZ{n + 1:08d}", name, id_last4, town_id, union,
                     rng.choice(titles) if rng.random() < 0.05 else "", "active"])
    return rows
