"""The servicer is one class made of its parts' mixins: a helper of one part must never shadow
another part's (Python would silently call the first in the MRO with the wrong arguments)."""

from itertools import combinations

from sales_service.api_activities import ActivityRpcs
from sales_service.api_deals import DealRpcs
from sales_service.api_leads import LeadRpcs


def test_no_part_shadows_another_parts_method():
    parts = {part: {name for name in vars(part) if not name.startswith("__")}
             for part in (LeadRpcs, DealRpcs, ActivityRpcs)}
    for (one, ones), (other, others) in combinations(parts.items(), 2):
        assert not ones & others, (one.__name__, other.__name__, ones & others)
