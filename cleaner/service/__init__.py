"""The HTTP service (`cleaner serve`): the same pipeline and dedup index as `cleaner run`, over FastAPI.

`create_app(Service(config, index_path))` builds the app; `Service` is the same thing without HTTP.
"""

from .app import create_app
from .backend import Service

__all__ = ["Service", "create_app"]
