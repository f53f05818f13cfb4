"""A wide table scrolls inside its `.table-wrap` on a phone; nothing in it widens the page (no sideways
scrolling of the whole page, WCAG 1.4.10), not even a visually hidden label in its last column."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDE_TABLE = """
const wrap = document.createElement('div');
wrap.className = 'table-wrap';
wrap.innerHTML = '<table><tr>' + '<td>Spalte mit Inhalt</td>'.repeat(8)
  + '<td><a href="#">PDF <span class="visually-hidden">herunterladen</span></a></td></tr></table>';
document.querySelector('main').appendChild(wrap);
"""


def test_a_visually_hidden_text_in_a_wide_table_does_not_widen_the_page(phone_page):
    phone_page.goto("/barrierefreiheit/")
    phone_page.evaluate(WIDE_TABLE)
    width, viewport = phone_page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert width == viewport


TWO_COLUMNS = """
const layout = document.createElement('div');
layout.className = 'two-col';
layout.innerHTML = '<div><div class="table-wrap"><table><tr>' + '<td>Spalte&nbsp;mit&nbsp;Inhalt</td>'.repeat(8)
  + '</tr></table></div></div><aside>Auf einen Blick</aside>';
document.querySelector('main').appendChild(layout);
"""


def test_a_wide_table_in_the_two_column_layout_does_not_widen_the_page(phone_page):
    phone_page.goto("/barrierefreiheit/")
    phone_page.evaluate(TWO_COLUMNS)
    width, viewport = phone_page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert width == viewport
