"""The exact A/B split of a campaign's audience over its variants. Pure.

Weights are whole percentages adding up to 100. The count of each variant is its exact share
of the audience rounded by largest remainder (Hamilton): every variant first gets the floor of
its share, the customers left over go one each to the variants with the largest remainders
(ties to the earlier variant), so the counts always add up to the audience and no variant is
more than one customer away from its exact share.

Who gets which variant is decided by a hash of campaign id and customer id: the audience is
ordered by it and cut into consecutive runs of those counts. The order does not depend on the
order the audience was read in, so a relaunch (or a recount) of the same audience gives every
customer the same variant, and it is unrelated to customer ids, so no variant gets, say, the
oldest customers.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

TOTAL_PERCENT = 100


def weight_problems(weights: Sequence[int]) -> list[str]:
    """What is wrong with a list of variant weights (empty when it is a valid split)."""
    problems = []
    if not weights:
        return ["a campaign needs at least one variant"]
    if any(weight <= 0 or weight > TOTAL_PERCENT for weight in weights):
        problems.append("every weight must be 1..100 percent")
    if sum(weights) != TOTAL_PERCENT:
        problems.append(f"weights must add up to 100 (they add up to {sum(weights)})")
    return problems


def largest_remainder(total: int, weights: Sequence[int]) -> list[int]:
    """``total`` (customers, minor units of money) apportioned to ``weights`` (any
    non-negative numbers, not all 0): each share is the floor of its exact part, the units
    left over go one each to the largest remainders, ties to the earlier weight."""
    whole = sum(weights)
    if total < 0 or whole <= 0 or any(weight < 0 for weight in weights):
        raise ValueError("a non-negative total over non-negative weights, not all zero")
    exact = [weight * total for weight in weights]  # in units of 1/whole
    shares = [part // whole for part in exact]
    left_over = total - sum(shares)
    by_remainder = sorted(range(len(weights)), key=lambda index: (-(exact[index] % whole), index))
    for index in by_remainder[:left_over]:
        shares[index] += 1
    return shares


def split_counts(weights: Sequence[int], audience_size: int) -> list[int]:
    """How many customers each variant gets: largest remainder over ``audience_size``."""
    if weight_problems(weights):
        raise ValueError("; ".join(weight_problems(weights)))
    if audience_size < 0:
        raise ValueError("audience_size must not be negative")
    return largest_remainder(audience_size, weights)


def order_key(campaign_id: str, customer_id: str) -> str:
    """A customer's place in a campaign's split order."""
    return hashlib.sha256(f"{campaign_id}:{customer_id}".encode()).hexdigest()


def assign(campaign_id: str, customer_ids: Iterable[str],
           variants: Sequence[tuple[str, int]]) -> dict[str, str]:
    """``customer id -> variant id`` for ``variants`` given as ``(id, weight)`` in order."""
    ordered = sorted(dict.fromkeys(customer_ids),
                     key=lambda customer_id: (order_key(campaign_id, customer_id), customer_id))
    counts = split_counts([weight for _, weight in variants], len(ordered))
    allotted: dict[str, str] = {}
    start = 0
    for (variant_id, _), count in zip(variants, counts, strict=True):
        for customer_id in ordered[start:start + count]:
            allotted[customer_id] = variant_id
        start += count
    return allotted
