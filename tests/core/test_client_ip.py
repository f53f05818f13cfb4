"""One client-IP helper with one setting (TRUSTED_PROXY_HOPS); spoofed headers never count."""

import pytest
from django.test import RequestFactory

from core.clientip import client_ip


def request(xff: str = "", remote: str = "10.0.0.2", **extra):
    meta = {"REMOTE_ADDR": remote, **extra}
    if xff:
        meta["HTTP_X_FORWARDED_FOR"] = xff
    return RequestFactory().get("/", **meta)


def test_without_trusted_proxies_the_peer_counts(settings):
    settings.TRUSTED_PROXY_HOPS = 0
    assert client_ip(request("1.2.3.4", remote="198.51.100.7")) == "198.51.100.7"


@pytest.mark.parametrize(
    ("hops", "xff", "expected"),
    [(1, "1.2.3.4, 203.0.113.9", "203.0.113.9"), (2, "1.2.3.4, 203.0.113.9, 10.0.0.5", "203.0.113.9")],
)
def test_the_nth_entry_from_the_right_counts_not_the_spoofed_one(settings, hops, xff, expected):
    settings.TRUSTED_PROXY_HOPS = hops
    assert client_ip(request(xff)) == expected


def test_a_header_shorter_than_the_hops_falls_back_to_the_peer(settings):
    settings.TRUSTED_PROXY_HOPS = 2
    assert client_ip(request("1.2.3.4", remote="10.0.0.2")) == "10.0.0.2"


def test_no_other_header_or_setting_is_read(settings):
    settings.TRUSTED_PROXY_HOPS = 0
    settings.REGISTRATION_RATE_LIMIT_IP_META = "HTTP_X_REAL_IP"
    assert client_ip(request(remote="10.0.0.2", HTTP_X_REAL_IP="1.2.3.4")) == "10.0.0.2"
