"""What the registry announces when its records change, for whoever depends on them.

The registry does not know who reads it. The newsroom, whose published
claims cite registry records as evidence, listens to these signals (see
`articles.apps`) and flags what a change affects; nothing in the registry
imports the newsroom.

Both signals are sent with `change`, a `organizations.services.RegistryChange`:

- `registry_changing`: before the first write of a change, while the
  registry is still as it was. Receivers may measure what they need to
  compare afterwards and keep it in `change.notes` under a key of their own.
- `registry_changed`: once the change is written (inside the writer's
  transaction, so what receivers write commits or rolls back with it), with
  `changes`, the records changed as `RecordChange`s, each with its values
  before and after.

Every way of writing the registry sends them: the services in
`organizations.services` (which the admin uses), `load_registry`, and any
`save()` or `delete()` of a registry record through the ORM, from a
management command or the shell included. `QuerySet.update()` and raw SQL
bypass them: write through the services.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models
from django.dispatch import Signal

registry_changing = Signal()
registry_changed = Signal()


@dataclass(frozen=True)
class RecordChange:
    """One registry record before and after a change, as column values by attribute name.

    `before` is None for a record the change created and `after` None for one
    it deleted. A writer that knows only some columns (a bulk import) sends
    those; a column absent from either side did not change as far as it knows.
    """

    model: type[models.Model]
    pk: Any
    before: dict[str, Any] | None
    after: dict[str, Any] | None

    def changed_fields(self) -> set[str]:
        """The attribute names whose value differs between `before` and `after`."""
        if self.before is None or self.after is None:
            return set((self.before or self.after or {}).keys())
        return {
            name
            for name in self.before.keys() & self.after.keys()
            if self.before[name] != self.after[name]
        }
