from django.contrib.staticfiles import finders

from shanzhi.core.staticfinders import VendorFinder


def test_vendor_files_are_found_in_node_modules():
    for path in (
        "vendor/bootstrap/css/bootstrap.min.css",
        "vendor/bootstrap/js/bootstrap.bundle.min.js",
        "vendor/htmx/htmx.min.js",
        "vendor/leaflet/leaflet.js",
        "vendor/leaflet/images/marker-icon.png",
        "vendor/echarts/echarts.min.js",
    ):
        found = finders.find(path)
        assert found and "node_modules" in found, path


def test_only_the_listed_files_are_published():
    names = {name for name, _storage in VendorFinder().list([])}
    assert "echarts.esm.js" not in names
    assert finders.find("vendor/echarts/echarts.esm.js") is None


def test_listed_files_keep_their_vendor_prefix():
    prefixes = {storage.prefix for _name, storage in VendorFinder().list([])}
    assert {"vendor/htmx", "vendor/leaflet", "vendor/leaflet/images"} <= prefixes
