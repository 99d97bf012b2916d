"""A Vietnamese question-answering assistant that answers only by quoting its documents."""
from .answering import Answer, Quote
from .chunking import Chunk
from .config import NOT_FOUND, Settings
from .loaders import Document, DocumentError
from .pipeline import Assistant

__all__ = ["Answer", "Assistant", "Chunk", "Document", "DocumentError", "NOT_FOUND", "Quote", "Settings"]
__version__ = "0.1.0"
