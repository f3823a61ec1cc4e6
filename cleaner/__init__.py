"""cleaner: rule-based cleaning and deduplication of scraped text, every removal attributed.

    from cleaner import clean
    result = clean("Publié dans Le Matin le 3 mars 2021\\n\\nLe texte de l'article.")
    result.text, result.published, result.edits
"""

from .api import clean
from .config import Config
from .edits import replay
from .engine import Cleaner
from .models import Cleaned, Document, Edit, Rejected
from .packs import RulePackError, load_rules
from .pipeline import Pipeline

__all__ = ["Cleaned", "Cleaner", "Config", "Document", "Edit", "Pipeline", "Rejected", "RulePackError", "clean", "load_rules", "replay"]
__version__ = "0.1.0"
