"""seedsnap: deterministic seed data for the Mentara database, as Parquet snapshots."""

__version__ = "0.18.0"
