"""Admin change lists over large tables: a count that stops early.

The admin counts the filtered rows on every page of a change list. On 320,000 registrations that count costs
as much as the page itself (a full scan; with a search for a common word, several times more). Beyond a few
thousand rows nobody pages through the list; they filter or search. So the count stops at `cap` rows and the
list says "more than 5,000" (templates `admin/<app>/<model>/pagination.html` and `search_form.html`).
"""

from typing import cast

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property


class CappedCountPaginator(Paginator):
    cap = 5_000

    @cached_property
    def _counted(self) -> int:
        # COUNT(*) over a subquery with LIMIT cap + 1: PostgreSQL stops reading after that many rows.
        queryset = cast(QuerySet, self.object_list)  # the admin paginates querysets
        return queryset.order_by()[: self.cap + 1].count()

    @property
    def count(self) -> int:
        return min(self._counted, self.cap)

    @property
    def capped(self) -> bool:
        """True when there are more rows than were counted."""
        return self._counted > self.cap
