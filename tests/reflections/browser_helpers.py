"""Keyboard and login helpers shared by the browser tests of the reflections app."""

from django.test import Client

from tests.auth import login_with_mfa


def log_in(page, live_server, user) -> None:
    client = Client()
    login_with_mfa(client, user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def focused(page, expression: str):
    return page.evaluate(f"(() => {{ const el = document.activeElement; return {expression}; }})()")


def tab_to(page, selector: str, *, limit: int = 250, backwards: bool = False) -> None:
    """Press Tab (or Shift+Tab) until the focused element matches `selector`."""
    for _ in range(limit):
        if focused(page, f"el && el.matches({selector!r})"):
            return
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
    raise AssertionError(f"never reached {selector} by keyboard")
