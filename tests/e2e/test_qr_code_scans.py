"""The join QR code scans: decoded with a real decoder (zxing-cpp), it gives the join link.

The browser test photographs the QR codes as Chromium draws them, on the console, the
projector's lobby and the projector's corner badge, and decodes the pictures; the other
tests decode the SVG the server sends, drawn module by module in Python.
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.pages import LAPTOP, PROJECTOR, PageErrors, new_phone, sign_up
from tests.people import Room


def _decoder_missing() -> str | None:
    try:
        import zxingcpp  # noqa: F401
        from PIL import Image  # noqa: F401
    except ImportError as error:
        return (
            f"no QR decoder ({error}): install the dev extra, "
            "`.venv/bin/pip install -e '.[dev]'` (zxing-cpp and pillow)"
        )
    return None


@pytest.fixture(scope="module")
def decoder() -> None:
    """Skip (fail on CI) when zxing-cpp or pillow cannot be imported."""
    if reason := _decoder_missing():
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the QR tests: {reason}")
        pytest.skip(reason)


def decode(image: Any) -> list[str]:
    """Every QR code zxing-cpp finds in a PIL image or PNG bytes, as text."""
    import zxingcpp
    from PIL import Image

    if isinstance(image, bytes):
        image = Image.open(io.BytesIO(image))
    found = zxingcpp.read_barcodes(image.convert("L"), formats=zxingcpp.BarcodeFormat.QRCode)
    return [barcode.text for barcode in found]


def draw_svg(svg: str, scale: int = 8) -> Any:
    """Draw segno's SVG QR code (one path of horizontal runs, one unit per module) as an image.

    Only what segno writes is understood: a viewBox, a filled background path, and the dark
    modules as one stroked path of `M`/`m` moves and `h` runs."""
    from PIL import Image, ImageDraw

    box = re.search(r'viewBox="0 0 (\d+) (\d+)"', svg)
    path = re.search(r'<path[^>]* stroke="[^"]+"[^>]* d="([^"]+)"', svg)
    assert box and path, f"not a segno QR code SVG: {svg[:200]}"
    width, height = int(box.group(1)), int(box.group(2))
    image = Image.new("L", (width * scale, height * scale), 255)
    pen = ImageDraw.Draw(image)
    x = y = 0.0
    for command, numbers in re.findall(r"([MmHh])([-\d. ]+)", path.group(1)):
        values = [float(n) for n in numbers.split()]
        if command == "M":
            x, y = values
        elif command == "m":
            x, y = x + values[0], y + values[1]
        elif command == "h":
            row = int(y)  # a run is drawn along the middle of its row (y = row + 0.5)
            left, right = sorted((x, x + values[0]))
            pen.rectangle(
                (left * scale, row * scale, right * scale - 1, (row + 1) * scale - 1), fill=0
            )
            x += values[0]
        else:
            raise AssertionError(f"unexpected path command {command} in {svg[:200]}")
    return image


@pytest.mark.usefixtures("decoder")
def test_the_server_qr_code_decodes_to_the_join_link(room: Room) -> None:
    phone = room.app.test_client()
    response = phone.get(f"/j/{room.code}/qr.svg")
    assert response.status_code == 200
    join_url = f"http://localhost/j/{room.code}"
    assert decode(draw_svg(response.get_data(as_text=True))) == [join_url]
    # The console shows the same QR code, and the link it decodes to is the join page.
    console = room.facilitator_browser.get(f"/workshops/{room.workshop_id}/console")
    svg = re.search(r'<svg[^>]* class="qr".*?</svg>', console.get_data(as_text=True), re.S)
    assert svg, "the console shows a QR code"
    assert decode(draw_svg(svg.group(0))) == [join_url]
    assert f'href="{join_url}"' in console.get_data(as_text=True)
    page = phone.get(join_url.removeprefix("http://localhost"))
    assert page.status_code == 200 and "Partnering 2027" in page.get_data(as_text=True)


@pytest.mark.usefixtures("decoder")
def test_the_qr_code_follows_the_public_url(room: Room) -> None:
    room.app.config["PUBLIC_URL"] = "https://workshop.example.org"
    svg = room.app.test_client().get(f"/j/{room.code}/qr.svg").get_data(as_text=True)
    assert decode(draw_svg(svg)) == [f"https://workshop.example.org/j/{room.code}"]


@pytest.mark.browser
@pytest.mark.server
@pytest.mark.usefixtures("decoder")
def test_the_qr_codes_on_screen_scan_to_the_join_link(browser, live_url: str, shots: Path) -> None:
    from playwright.sync_api import expect

    problems = PageErrors()
    console = browser.new_context(**LAPTOP).new_page()
    problems.watch(console)
    console.goto(live_url + "/workshops/new")
    sign_up(console)
    console.get_by_label("Workshop title").fill("Harbour Foods: partnering 2027")
    console.get_by_role("button", name="Create workshop").click()
    expect(console.locator("#connection-status")).to_contain_text("Connected")
    code = console.locator("#join-code").inner_text().strip()
    join_url = console.locator("#join-url").get_attribute("href")
    assert join_url == f"{live_url}/j/{code}"
    expect(console.locator("#join-url")).to_have_text(join_url.split("://", 1)[1])

    # The console's QR code, as the facilitator's laptop draws it.
    picture = console.locator(".join-qr").screenshot(path=shots / "console-qr.png")
    assert decode(picture) == [join_url]

    # The projector's lobby: the big QR code, next to the link it spells out.
    projector = browser.new_context(**PROJECTOR).new_page()
    problems.watch(projector)
    projector.goto(console.get_by_role("link", name="Open projector view").get_attribute("href"))
    expect(projector.locator("#lobby-code")).to_have_text(code)
    expect(projector.locator("#lobby-url")).to_have_text(join_url.split("://", 1)[1])
    picture = projector.locator("#lobby-qr").screenshot(path=shots / "projector-lobby-qr.png")
    assert decode(picture) == [join_url]

    # Once the questions start, latecomers scan the small QR code in the corner.
    console.get_by_role("button", name="Start workshop").click()
    badge = projector.locator("#join-badge")
    expect(badge).to_be_visible()
    expect(badge.locator(".join-badge-url")).to_contain_text(join_url.split("://", 1)[1])
    picture = badge.locator(".join-badge-qr").screenshot(path=shots / "projector-badge-qr.png")
    assert decode(picture) == [join_url]

    # A phone that follows the scanned link lands on this workshop's join form.
    phone = new_phone(browser, problems)
    phone.goto(decode(picture)[0])
    expect(phone.locator("#join-title")).to_have_text("Harbour Foods: partnering 2027")
    expect(phone.get_by_role("button", name="Join anonymously")).to_be_visible()

    assert problems.errors == []
