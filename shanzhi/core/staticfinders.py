"""Serve only the files we use from the front-end packages in ``node_modules``.

The npm packages ship every build variant (ECharts alone is over 100 MB); collecting all
of them made ``collectstatic`` slow. Each entry maps a URL prefix under ``vendor/`` to a
package folder and the glob patterns of the files to publish (source maps included,
because the minified files refer to them).
"""

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import Error
from django.core.files.storage import FileSystemStorage

VENDOR_FILES = {
    "bootstrap": ("bootstrap/dist", ["css/bootstrap.min.css*", "js/bootstrap.bundle.min.js*"]),
    "htmx": ("htmx.org/dist", ["htmx.min.js"]),
    "leaflet": ("leaflet/dist", ["leaflet.js*", "leaflet.css", "images/*.png"]),
    "echarts": ("echarts/dist", ["echarts.min.js"]),
}


class VendorFinder(BaseFinder):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.root = Path(settings.NODE_MODULES)
        self.files: dict[str, Path] = {}
        for prefix, (folder, patterns) in VENDOR_FILES.items():
            base = self.root / folder
            for pattern in patterns:
                for path in sorted(base.glob(pattern)):
                    self.files[f"vendor/{prefix}/{path.relative_to(base).as_posix()}"] = path

    def check(self, **kwargs):
        missing = [
            p for p, (folder, _) in VENDOR_FILES.items() if not (self.root / folder).is_dir()
        ]
        return [
            Error(f"Front-end package for '{p}' is missing: run `make install`.", id="shanzhi.E001")
            for p in missing
        ]

    def find(self, path, find_all=False, **kwargs):
        found = self.files.get(path)
        if found is None:
            return []  # Django's finders answer "not here" with an empty list
        return [str(found)] if find_all else str(found)

    def list(self, ignore_patterns):
        storages: dict[tuple[Path, str], FileSystemStorage] = {}
        for name, path in self.files.items():
            prefix = name[: -len(path.name)].rstrip("/")
            key = (path.parent, prefix)
            if key not in storages:
                storages[key] = FileSystemStorage(location=str(path.parent))
                storages[key].prefix = prefix  # the attribute collectstatic publishes under
            yield path.name, storages[key]
