"""The newsroom's models, one module per concern, all importable from `articles.models`.

- `editorial`: authors, articles, language versions (translations) and their
  immutable revisions;
- `claims`: claims, their anchors in each version, and their evidence;
- `review`: the append-only review log;
- `evidence`: figure checks and evidence changes (living evidence);
- `search`: the search documents of published versions.
"""

from articles.models.claims import Byline, Claim, ClaimAnchor, ClaimSet, Evidence
from articles.models.editorial import (
    LANGUAGE_CHOICES,
    Article,
    ArticleAuthor,
    Author,
    Revision,
    Translation,
    translation_is_outdated,
)
from articles.models.evidence import (
    FIGURE_MEASURE_PARAMETERS,
    FIGURE_PARAMETERS,
    EvidenceChange,
    FigureCheck,
)
from articles.models.immutable import ImmutableRecordError
from articles.models.review import ReviewLog
from articles.models.search import SearchDocument

__all__ = [
    "FIGURE_MEASURE_PARAMETERS",
    "FIGURE_PARAMETERS",
    "LANGUAGE_CHOICES",
    "Article",
    "ArticleAuthor",
    "Author",
    "Byline",
    "Claim",
    "ClaimAnchor",
    "ClaimSet",
    "Evidence",
    "EvidenceChange",
    "FigureCheck",
    "ImmutableRecordError",
    "ReviewLog",
    "Revision",
    "SearchDocument",
    "Translation",
    "translation_is_outdated",
]
