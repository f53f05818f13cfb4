"""Client IP for rate limits behind trusted proxies (issue 15, point 9): a spoofed X-Forwarded-For
entry sent by the client never becomes the address that is counted."""

from django.test import RequestFactory

from workshops.ratelimit import client_ip


def request(xff: str = "", remote: str = "10.0.0.2"):
    meta = {"REMOTE_ADDR": remote}
    if xff:
        meta["HTTP_X_FORWARDED_FOR"] = xff
    return RequestFactory().get("/", **meta)


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXY_HOPS = 0
    assert client_ip(request("1.2.3.4", remote="198.51.100.7")) == "198.51.100.7"


def test_one_proxy_counts_the_address_it_appended_not_the_spoofed_one(settings):
    settings.TRUSTED_PROXY_HOPS = 1
    # The client sent "X-Forwarded-For: 1.2.3.4"; nginx appended the real address.
    assert client_ip(request("1.2.3.4, 203.0.113.9")) == "203.0.113.9"


def test_two_proxies_count_the_second_entry_from_the_right(settings):
    settings.TRUSTED_PROXY_HOPS = 2
    assert client_ip(request("1.2.3.4, 203.0.113.9, 10.0.0.5")) == "203.0.113.9"


def test_a_header_shorter_than_the_hops_falls_back_to_the_peer(settings):
    settings.TRUSTED_PROXY_HOPS = 2
    assert client_ip(request("1.2.3.4", remote="10.0.0.2")) == "10.0.0.2"
