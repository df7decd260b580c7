"""Detail counts published beside a visible headline: which to hide so that none is 1-9 and none
follows from what stays visible.

A published cell shows headline counts (persons, outcomes, failures: protected by the cell's own
suppression in quality/disclosure.py) and detail counts that split them (censored, excluded,
housing paths). The detail obeys known sums: a *family* is `parent = sum(children) + known`,
where the known part is made of headline counts (left out: only which members are hidden
matters) and a family without a parent sums to a headline count. An attacker knows every family
(they are documented), so hiding one detail count is not enough:

1. **Primary.** A hideable detail count of 1..threshold-1 is hidden.
2. **Family rule.** A family with exactly one hidden member gives it back; a family whose parent
   is known (visible, or a headline) and whose hidden children sum to 1..threshold-1 bounds each
   of them below the threshold. Either way the visible hideable child with the smallest value is
   hidden too (for a small remainder the smallest non-zero one), else the parent when it is a
   hideable detail count.
3. **Determined.** With crossing families (the same count in two families) a hidden count can
   still follow from a chain of them: the linear algebra of quality.disclosure.determined_cells
   finds it, and a member of one of its families is hidden.

What cannot be protected by hiding more detail (a family whose every hideable member is hidden
and which still gives a count away, e.g. a path that is the only failure path and so equals the
visible failure count) is returned: the caller must suppress the headline cell itself.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Hashable, Mapping, Sequence

from quality.disclosure import THRESHOLD, determined_cells


@dataclass(frozen=True)
class Family:
    """parent = sum(children) + counts known to everyone; parent None when the sum is a headline."""
    parent: Hashable | None
    children: tuple[Hashable, ...]

    @property
    def members(self) -> tuple[Hashable, ...]:
        return self.children if self.parent is None else (self.parent, *self.children)

    def hidden_remainder(self, hidden: set, values: Mapping[Hashable, int]) -> int | None:
        """What the hidden children add up to, known to anyone when the parent is known (visible,
        or a headline); None when the parent is hidden too."""
        if self.parent is not None and self.parent in hidden:
            return None
        return sum(values[m] for m in self.children if m in hidden)


@dataclass
class DetailPattern:
    hidden: set                      # detail counts to publish as NULL
    unprotectable: list[int]         # indexes of families hiding more detail cannot protect


def hide_details(values: Mapping[Hashable, int], families: Sequence[Family], *,
                 hideable: set | None = None, hidden: set | None = None,
                 threshold: int = THRESHOLD, max_rounds: int = 1000) -> DetailPattern:
    """The detail counts to hide. `values`: every count in a family that is not a known headline
    (the true values); `hideable`: those that may be hidden (default all); `hidden`: those hidden
    already (e.g. the headline counts of a suppressed cell, which are never visible)."""
    hideable = set(values) if hideable is None else set(hideable)
    hidden = set(hidden or ()) | {k for k in hideable if 1 <= values[k] < threshold}
    unprotectable: set[int] = set()
    def order(nonzero_first: bool):
        return lambda m: (nonzero_first and values[m] <= 0, values[m], str(m))

    def candidate(family: Family, nonzero_first: bool = False) -> Hashable | None:
        """The member to hide next: the smallest visible child (a zero adds nothing to a small
        remainder, but is enough to leave a count undetermined), else the parent."""
        children = sorted((m for m in family.children if m in hideable and m not in hidden),
                          key=order(nonzero_first))
        parent = [family.parent] if family.parent in hideable and family.parent not in hidden else []
        return (children + parent or [None])[0]

    ids = {key: i for i, key in enumerate(values)}  # determined_cells wants comparable cells
    keys = list(values)
    for _ in range(max_rounds):
        added = set()
        for index, family in enumerate(families):
            inside = [m for m in family.members if m in hidden]
            remainder = family.hidden_remainder(hidden, values)
            small = remainder is not None and 0 < remainder < threshold
            if len(inside) == 1 or small:
                pick = candidate(family, nonzero_first=small)
                if pick is None:
                    unprotectable.add(index)
                else:
                    added.add(pick)
        if not added:
            rows = [(index, ids[member], member == family.parent)
                    for index, family in enumerate(families) for member in family.members
                    if member in hidden]
            for member in (keys[i] for i in determined_cells(rows)):
                own = [(i, f) for i, f in enumerate(families) if member in f.members]
                picks = [p for p in (candidate(f) for _, f in own) if p is not None]
                if picks:
                    added.add(min(picks, key=order(False)))
                else:
                    unprotectable.update(i for i, _ in own)
        if not added:
            return DetailPattern(hidden, sorted(unprotectable))
        hidden |= added
    raise RuntimeError(f"detail suppression did not settle in {max_rounds} rounds")
