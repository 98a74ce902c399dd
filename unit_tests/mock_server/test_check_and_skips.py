"""Check with working credentials and nothing to read yet; a post the vendor no longer knows is skipped."""
from __future__ import annotations

import json
import logging
from unittest import TestCase

from airbyte_cdk.models import Status
from airbyte_cdk.test.mock_http import HttpMocker, HttpRequest, HttpResponse

from source_social_analytics.source import SourceSocialAnalytics
from unit_tests.mock_server.test_postpost import ACCOUNTS, BASE, KEY, config, group, list_page, run, stats_request


class CheckTest(TestCase):
    @HttpMocker()
    def test_a_postpost_account_without_linkedin_connections_passes_check_with_a_warning(self, http_mocker: HttpMocker) -> None:
        """The authenticated call answered (the key works); there is simply no LinkedIn account to read yet."""
        http_mocker.get(HttpRequest(f"{BASE}/platform-connections", headers={"x-api-key": KEY}),
                        HttpResponse(json.dumps({"success": True, "connections": [{"platformId": "twitter-123"}]})))
        cfg = config()
        with self.assertLogs("airbyte", level="WARNING") as logs:
            status = SourceSocialAnalytics(config=cfg).check(logging.getLogger("airbyte"), cfg)
        assert status.status == Status.SUCCEEDED, status.message
        assert any("the credentials work, but there is nothing to read yet" in line for line in logs.output)

    @HttpMocker()
    def test_a_rejected_key_still_fails_check(self, http_mocker: HttpMocker) -> None:
        """(Publora's host: parent responses are cached within a process, so this test uses its own URL.)"""
        publora = "https://api.publora.com/api/v1"
        http_mocker.get(HttpRequest(f"{publora}/platform-connections"), HttpResponse(json.dumps({"error": "Invalid API key"}), 401))
        cfg = config()
        cfg["provider"]["base_url"] = publora
        status = SourceSocialAnalytics(config=cfg).check(logging.getLogger("airbyte"), cfg)
        assert status.status == Status.FAILED and "provider.api_key" in status.message


class PostGoneTest(TestCase):
    def test_a_404_on_one_post_is_skipped_with_a_warning_and_the_others_are_read(self) -> None:
        """CONTRACT §4: a 404 on one post's statistics skips that post, whatever the message: "Post not found",
        or "LinkedIn connection not found" for a post of an account disconnected since."""
        for message in ("Post not found", "LinkedIn connection not found"):
            with self.subTest(message=message), HttpMocker() as http_mocker:
                self._one_post_gone(http_mocker, message)

    def _one_post_gone(self, http_mocker: HttpMocker, message: str) -> None:
        items = [group(1), group(2)]
        http_mocker.get(list_page(1), HttpResponse(json.dumps({"success": True, "posts": items, "pagination": {"page": 1, "hasNextPage": False}})))
        for item in items:
            n = int(item["postGroupId"], 16)
            entry = {"_id": "e", "platform": "linkedin", "platformId": ACCOUNTS[0][len("linkedin-"):], "status": "published", "postedId": f"urn:li:share:{n}"}
            http_mocker.get(HttpRequest(f"{BASE}/get-post/{item['postGroupId']}"),
                            HttpResponse(json.dumps({"success": True, "postGroupId": item["postGroupId"], "posts": [entry]})))
        gone = stats_request("urn:li:share:1")
        http_mocker.post(gone, HttpResponse(json.dumps({"error": message}), 404))
        http_mocker.post(stats_request("urn:li:share:2"), HttpResponse(json.dumps(
            {"success": True, "metrics": {"IMPRESSION": 5, "MEMBERS_REACHED": 3, "REACTION": 1, "COMMENT": 0, "RESHARE": 0}})))

        output = run("post_analytics", config())

        assert not output.errors
        assert [r.record.data["platform_post_id"] for r in output.records] == ["urn:li:share:2"]
        http_mocker.assert_number_of_calls(gone, 1)  # skipped, not retried
        warnings = [m.log.message for m in output.logs if m.log.level.value == "WARN" and "Skipping a PostPost post" in m.log.message]
        assert len(warnings) == 1 and message in warnings[0]
