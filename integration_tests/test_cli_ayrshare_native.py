"""provider.native_posts against the emulator: profile brand-native (Business plan) has posts made on the networks
besides the ones it sent through Ayrshare (same network ids), YouTube collaborations it does not own and a linked
Pinterest that analytics by social ID refuses; brand-premium is on the Premium plan (social_analytics_emulator/
ayrshare_native.py). One first sync and one second sync from its state, shared by the module; the CLI in process."""
from __future__ import annotations

import copy
from collections import Counter
from datetime import datetime, timedelta, timezone
from typing import Any, Dict, List

import pendulum
import pytest

from integration_tests.conftest import SUITE_CLOCK, emulator_log
from social_analytics_emulator import EmulatorClient
from social_analytics_emulator.ayrshare import API_KEY, NATIVE_PROFILE_KEY, PREMIUM_PROFILE_KEY
from social_analytics_emulator.ayrshare_native import build_native_profiles, native_posts

pytestmark = pytest.mark.integration
PLATFORMS = ["facebook", "instagram", "x", "youtube", "pinterest"]  # provider.platforms (x is Ayrshare's twitter)
LISTS = ["facebook", "instagram", "twitter", "youtube", "pinterest"]
LOOKBACK_DAYS = 7


def _config(emulator, profile_key: str, platforms: List[str]) -> Dict[str, Any]:
    return {
        "provider": {"provider_type": "ayrshare", "api_key": API_KEY, "base_url": f"{emulator.url}/api",
                     "profile_keys": [profile_key], "platforms": platforms, "native_posts": True},
        "start_date": pendulum.today("UTC").subtract(days=60).to_date_string(),
        "lookback_window_days": LOOKBACK_DAYS,
        **SUITE_CLOCK,
    }


def _catalog(*streams: str) -> Dict[str, Any]:
    cursors = {"post_analytics": "published_at", "youtube_playlists": "date"}
    return {"streams": [{"stream": {"name": name, "json_schema": {}, "supported_sync_modes": ["full_refresh", "incremental"]},
                         "sync_mode": "incremental", "destination_sync_mode": "append_dedup", "cursor_field": [cursors[name]]}
                        for name in streams]}


def _social_id_calls(log: List[Dict[str, Any]], platform: str) -> List[Dict[str, Any]]:
    return [e for e in log if e["path"] == "/api/analytics/post" and (e.get("body") or {}).get("platforms") == [platform]]


@pytest.fixture(scope="module")
def brand_native():
    return build_native_profiles(datetime.now(timezone.utc).date())["brand-native"]


@pytest.fixture(scope="module")
def native_config(emulator):
    return _config(emulator, NATIVE_PROFILE_KEY, PLATFORMS)


@pytest.fixture(scope="module")
def first(module_cli, native_config, emulator):
    EmulatorClient(emulator.url).clear_requests()
    result = module_cli.run("read", native_config, _catalog("post_analytics", "youtube_playlists"))
    return result, emulator_log(emulator)


@pytest.fixture(scope="module")
def second(module_cli, native_config, first, emulator):
    EmulatorClient(emulator.url).clear_requests()
    result = module_cli.run("read", native_config, _catalog("post_analytics", "youtube_playlists"), state=first[0].final_states())
    return result, emulator_log(emulator)


def test_the_native_posts_of_several_networks_come_with_their_metrics(first, brand_native):
    result, _ = first
    assert result.returncode == 0 and not result.errors()
    records = result.records("post_analytics")
    by_platform = Counter(r["platform"] for r in records)
    assert {"facebook", "instagram", "x", "youtube"} <= set(by_platform)
    for platform in ("facebook", "instagram", "x"):
        native = [r for r in records if r["platform"] == platform and r["published_via"] == "native"]
        assert native and all(r.get("likes") is not None for r in native), platform
    since = datetime.now(timezone.utc) - timedelta(days=60)
    made_on_instagram = [p for p in native_posts(brand_native, "instagram") if not p.via_ayrshare and p.published >= since]
    assert by_platform["instagram"] - sum(1 for r in records if r["platform"] == "instagram" and r["published_via"] == "ayrshare") == len(made_on_instagram)


def test_a_post_sent_through_ayrshare_and_seen_natively_is_one_record_under_its_ayrshare_id(first, brand_native):
    result, _ = first
    records = result.records("post_analytics")
    keys = [(r["account_id"], r["post_id"], r["platform"], r["platform_post_id"]) for r in records]
    assert len(keys) == len(set(keys))
    by_network_id = Counter((r["platform"], r["platform_post_id"]) for r in records)
    assert max(by_network_id.values()) == 1  # every network post once
    sent = [(p.platform, p.id, p.post.id) for platform in ("facebook", "instagram", "youtube")
            for p in native_posts(brand_native, platform) if p.via_ayrshare]
    assert sent
    for platform, network_id, ayrshare_id in sent:
        [record] = [r for r in records if r["platform"] == platform and r["platform_post_id"] == network_id]
        assert (record["post_id"], record["published_via"]) == (ayrshare_id, "ayrshare")


def test_youtube_videos_the_channel_does_not_own_have_null_metrics_not_zeros(first, brand_native):
    result, _ = first
    collabs = {p.id for p in native_posts(brand_native, "youtube") if p.owner is not None}
    assert collabs
    records = {r["platform_post_id"]: r for r in result.records("post_analytics") if r["platform"] == "youtube"}
    for video in collabs:
        assert all(records[video].get(column) is None for column in ("views", "likes", "comments", "shares", "video_watch_time_ms"))
        assert records[video]["metric_errors"][0]["metric"] == "*"
    owned = [r for video, r in records.items() if video not in collabs]
    assert owned and all(isinstance(r["views"], int) and r["views"] > 0 for r in owned)


def test_a_network_analytics_by_social_id_refuses_is_skipped_with_one_warning(first):
    result, log = first
    assert result.returncode == 0 and not result.errors()
    assert len(_social_id_calls(log, "pinterest")) == 1  # refused once, not asked again
    assert [w for w in result.logs("WARN") if "pinterest" in w and "social ID" in w] != []
    assert len([w for w in result.logs("WARN") if "pinterest" in w]) == 1
    assert not [r for r in result.records("post_analytics") if r["platform"] == "pinterest"]


def test_youtube_playlists_are_read_for_the_profile(first):
    result, log = first
    playlists = result.records("youtube_playlists")
    assert len(playlists) == 3 and all(p["views"] is not None and p["raw"]["id"] == p["playlist_id"] for p in playlists)
    assert sum(1 for e in log if e["path"] == "/api/analytics/youTubePlaylists") == 1


def test_a_second_sync_reads_only_the_lookback_window(first, second, brand_native):
    """Per profile and network the state holds the newest post; the second sync reads each list once (one page, no
    `next`), facebook from (its cursor - 7 days), and asks by social id only the window's YouTube videos (and pinterest
    once, refused again). GET /history (which posts went through Ayrshare) is one request per sync."""
    result, log = second
    assert result.returncode == 0 and not result.errors()
    first_log = first[1]
    state = next(s for s in first[0].final_states() if s["stream"]["stream_descriptor"]["name"] == "post_analytics")
    cursors = {e["partition"]["platform"]: e["cursor"]["published_at"] for e in state["stream"]["stream_state"]["states"]}
    assert set(cursors) == set(LISTS)

    listing = [e for e in log if e["path"].startswith("/api/history/")]
    assert Counter(e["path"] for e in listing) == Counter(f"/api/history/{p}" for p in LISTS)
    assert all("next" not in e["query"] for e in listing)
    facebook_start = pendulum.parse(cursors["facebook"]).subtract(days=LOOKBACK_DAYS)
    [facebook] = [e for e in listing if e["path"] == "/api/history/facebook"]
    assert facebook["query"]["since"] == facebook_start.to_date_string()
    assert sum(1 for e in log if e["path"] == "/api/history") == 1

    youtube_start = pendulum.parse(cursors["youtube"]).subtract(days=LOOKBACK_DAYS)
    in_window = {p.id for p in native_posts(brand_native, "youtube") if p.published >= youtube_start}
    assert {e["body"]["id"] for e in _social_id_calls(log, "youtube")} == in_window
    assert len(_social_id_calls(log, "pinterest")) == 1
    assert len(log) == 1 + len(LISTS) + len(in_window) + 1 + 1  # /history, the lists, youtube, pinterest, playlists
    assert len(log) < len(first_log)
    reread = {r["platform_post_id"] for r in result.records("post_analytics")}
    assert in_window <= reread


def test_a_403_for_the_plan_is_a_config_error_naming_native_posts(cli, api, emulator):
    """The emulator's Business profile, with analytics by social ID answering what a lower plan gets (403)."""
    api.fault("/api/analytics/post", 403, times=5, body={
        "action": "analytics", "status": "error", "code": 403,
        "message": "Access Denied - the request is not allowed. Analytics by social ID is available on the Business and Enterprise plans."})
    result = cli.run("read", _config(emulator, NATIVE_PROFILE_KEY, ["youtube"]), _catalog("post_analytics"))
    assert result.returncode == 1
    [error] = result.errors()[:1]
    assert error["failure_type"] == "config_error"
    assert "provider.native_posts" in error["message"] and "Business" in error["message"]
    assert len(api.requests("/api/analytics/post")) == 1  # not retried


def test_the_premium_profile_reads_its_native_posts_without_analytics_by_social_id(cli, api, emulator):
    """brand-premium's Facebook and Instagram posts carry their metrics in the lists: no call needs the Business plan."""
    result = cli.run("read", _config(emulator, PREMIUM_PROFILE_KEY, ["facebook", "instagram"]), _catalog("post_analytics"))
    assert result.returncode == 0 and not result.errors()
    assert Counter(r["published_via"] for r in result.records("post_analytics")) == Counter({"ayrshare": 5, "native": 6})
    assert api.requests("/api/analytics/post") == []
