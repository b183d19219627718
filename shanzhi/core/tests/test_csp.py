"""The map tile server's origin in the Content Security Policy."""

import pytest

from shanzhi.settings import _tile_origin


@pytest.mark.parametrize(
    ("url", "origin"),
    [
        ("", []),
        ("not a url", []),
        ("https://tiles.example.gov.cn/{z}/{x}/{y}.png", ["https://tiles.example.gov.cn"]),
        (
            "https://t{s}.tianditu.gov.cn/vec_w/wmts?tk=KEY&x={x}&y={y}&l={z}",
            ["https://*.tianditu.gov.cn"],
        ),
        (
            "https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png",
            ["https://*.tile.openstreetmap.org"],
        ),
        ("http://map.{s}.intranet.local:8080/{z}/{x}/{y}.png", ["http://*.intranet.local:8080"]),
        ("http://10.1.2.3:8080/tiles/{z}/{x}/{y}.png", ["http://10.1.2.3:8080"]),
    ],
)
def test_tile_origin(url, origin):
    assert _tile_origin(url) == origin
