"""What a person on a phone notices about layout, measured so that the installed fonts do not decide the result.

Text metrics differ from machine to machine by a few pixels; what matters is that the page never scrolls
sideways and that no visible element sticks out past the screen (except inside a container that is meant to
scroll, such as a wide table in a scroll box). One pixel is allowed for sub-pixel rounding.
"""

from __future__ import annotations

from playwright.sync_api import Page

ROUNDING_PX = 1

_CUT_OFF = """(limit) => {
  const width = document.documentElement.clientWidth;
  const scrolls = (el) => { for (let p = el.parentElement; p; p = p.parentElement) {
      const x = getComputedStyle(p).overflowX; if (x === 'auto' || x === 'scroll' || x === 'hidden') return true; }
    return false; };
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (!box.width || !box.height || style.visibility === 'hidden' || style.position === 'fixed') continue;
    if (el.closest('.visually-hidden, .skip-link')) continue;
    if ((box.right > width + limit || box.left < -limit) && !scrolls(el)) {
      out.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.className ? '.' + el.className : ''}`
        + ` [${Math.round(box.left)}..${Math.round(box.right)}]`);
    }
  }
  return out.slice(0, 10);
}"""


def assert_fits_the_screen(page: Page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= ROUNDING_PX, f"the page scrolls sideways by {overflow}px"
    cut_off = page.evaluate(_CUT_OFF, ROUNDING_PX)
    assert not cut_off, f"elements stick out past the {page.viewport_size}-wide screen: {cut_off}"
