"""The declarative schema model and the Mentara tables."""

from seedsnap.schema.ddl import DIALECTS, render
from seedsnap.schema.mentara import MENTARA
from seedsnap.schema.model import Column, ForeignKey, Index, Schema, Table

__all__ = ["DIALECTS", "MENTARA", "Column", "ForeignKey", "Index", "Schema", "Table", "render"]
