"""YAML content (themes, webinars, contacts, news): the file schema, import and export."""

from bot.content.io import (
    SEED,
    Counts,
    ImportReport,
    dump_yaml,
    export_content,
    export_file,
    import_content,
    import_file,
    load_seed,
    write_yaml,
)
from bot.content.parse import ContentError, load_yaml, read_content, validate

__all__ = [
    "SEED",
    "ContentError",
    "Counts",
    "ImportReport",
    "dump_yaml",
    "export_content",
    "export_file",
    "import_content",
    "import_file",
    "load_seed",
    "load_yaml",
    "read_content",
    "validate",
    "write_yaml",
]
