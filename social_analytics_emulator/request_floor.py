"""The fewest requests each provider's API allows for what a sync read, judged from the emulator's log.

``minimum_requests(log)`` counts the *units of work* the log shows, each needing exactly one request:

- a request is one unit, except that a request repeated (same method, path, query, body, profile) is the
  same unit again: a parent list read per stream, a page read twice, a retry after nothing went wrong;
- a list page asked below the endpoint's maximum page size (Ayrshare ``/history`` 500, Mosaic
  ``/social/posts`` 100, PostPost ``/list-posts`` 100) costs ``max/asked`` times the pages: the minimum
  counts it as that fraction of a unit;
- batchable work counts once per batch: all platforms of an Ayrshare post are one
  ``/analytics/post`` unit (by post id), all metrics of a PostPost post one ``/linkedin-post-statistics``
  unit (by post), and HighLevel's ``/statistics`` needs ceil(profiles / 100) units per period.

The connector is at the minimum when ``len(log) == minimum_requests(log)``. The benchmark and
``integration_tests/test_request_counts.py`` share this.
"""
from __future__ import annotations

import json
import math
from collections import defaultdict
from typing import Any, Dict, Iterable, List, Mapping, Tuple

# path suffix -> (page-size parameter, the API's maximum)
LIST_PAGE_SIZES: Dict[str, Tuple[str, int]] = {
    "/history": ("limit", 500),
    "/social/posts": ("limit", 100),
    "/list-posts": ("limit", 100),
}
HIGHLEVEL_BATCH = 100


def _key(entry: Mapping[str, Any], body: Any = None) -> str:
    body = entry.get("body") if body is None else body
    return json.dumps([entry["method"], entry["path"], entry.get("query"), body, entry.get("profile_key")], sort_keys=True)


def minimum_requests(log: Iterable[Mapping[str, Any]]) -> int:
    units: set = set()
    list_pages: Dict[str, float] = {}
    highlevel: Dict[str, set] = defaultdict(set)
    for entry in log:
        path, body = entry["path"], entry.get("body")
        page = next((size for suffix, size in LIST_PAGE_SIZES.items() if path.endswith(suffix)), None)
        if page is not None:
            asked = int((entry.get("query") or {}).get(page[0]) or 1)
            list_pages[_key(entry)] = min(1.0, asked / page[1])
        elif path.endswith("/analytics/post") and isinstance(body, dict):
            units.add(_key(entry, {"id": body.get("id")}))
        elif path.endswith("/linkedin-post-statistics") and isinstance(body, dict):
            units.add(_key(entry, {k: v for k, v in body.items() if k not in ("queryType", "queryTypes")}))
        elif path.endswith("/social-media-posting/statistics") and isinstance(body, dict):
            period = _key(entry, {k: v for k, v in body.items() if k != "profileIds"})
            highlevel[period].update(body.get("profileIds") or [])
        else:
            units.add(_key(entry))
    batches = sum(max(1, math.ceil(len(profiles) / HIGHLEVEL_BATCH)) for profiles in highlevel.values())
    return len(units) + batches + math.ceil(sum(list_pages.values()) - 1e-9)


def by_endpoint(log: Iterable[Mapping[str, Any]]) -> Dict[str, int]:
    """Requests per endpoint, ids folded ("/social/post/{id}/analytics"), for the report."""
    counts: Dict[str, int] = defaultdict(int)
    for entry in log:
        parts = ["{id}" if any(c.isdigit() for c in part) and len(part) > 12 else part for part in entry["path"].split("/")]
        counts[f"{entry['method']} {'/'.join(parts)}"] += 1
    return dict(counts)


def analytics_posts(log: Iterable[Mapping[str, Any]]) -> int:
    """How many distinct posts a read asked the analytics of: Ayrshare ``POST /analytics/post`` (body ``id``),
    Mosaic ``GET /social/post/{id}/analytics``, PostPost ``POST /linkedin-post-statistics`` (body ``postedId``).
    The benchmark's unit of post_analytics work: the same for two clients whatever records they make of it."""
    posts: set = set()
    for entry in log:
        path, body = entry["path"], entry.get("body") if isinstance(entry.get("body"), dict) else {}
        if path.endswith("/analytics/post"):
            posts.add(("ayrshare", entry.get("profile_key"), body.get("id")))
        elif path.endswith("/analytics") and "/social/post/" in path:
            posts.add(("mosaic", path.split("/social/post/")[1].split("/")[0]))
        elif path.endswith("/linkedin-post-statistics"):
            posts.add(("postpost", body.get("platformId"), body.get("postedId")))
    return len(posts)


def repeated(log: List[Mapping[str, Any]]) -> List[str]:
    seen: Dict[str, int] = defaultdict(int)
    for entry in log:
        seen[_key(entry)] += 1
    return [key for key, count in seen.items() if count > 1]
