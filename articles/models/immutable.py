"""What the newsroom's records say when asked to change what must not change."""


class ImmutableRecordError(Exception):
    """Raised when code tries to change a revision, a review log row or a claim set once written."""
