"""A large synthetic structure for benchmarks: thousands of streets' worth of grids,
written with bulk inserts (the shapes come from the generator and are valid by
construction, so the per-unit checks of the normal actions are skipped)."""

import math

from django.db import transaction

from shanzhi.core import audit
from shanzhi.demo.synth import iter_regions, synthetic_district
from shanzhi.org.actions import bump_grid_index
from shanzhi.org.models import Region

LARGE_DISTRICT_CODE = "990199"
GRIDS_PER_COMMUNITY = 25
COMMUNITIES_PER_STREET = 40


@transaction.atomic
def load_large(grids: int) -> int:
    if Region.objects.filter(code=LARGE_DISTRICT_CODE).exists():
        return Region.objects.filter(code__startswith=LARGE_DISTRICT_CODE, level="grid").count()
    streets = max(1, math.ceil(grids / (GRIDS_PER_COMMUNITY * COMMUNITIES_PER_STREET)))
    root = synthetic_district(
        streets=streets,
        communities_per_street=COMMUNITIES_PER_STREET,
        grids_per_community=GRIDS_PER_COMMUNITY,
        district_code=LARGE_DISTRICT_CODE,
        origin=(119.5, 32.5),
    )
    synth_by_code, parent_code = {}, {}
    for node in iter_regions(root):
        synth_by_code[node.code] = node
        for child in node.children:
            parent_code[child.code] = node.code
    saved: dict[str, Region] = {}
    for level in ("district", "street", "community", "grid"):
        batch = [
            Region(
                level=level,
                code=code,
                name=f"{node.name}（虚构）" if level == "district" else node.name,
                geometry=node.polygon,
                parent_id=saved[parent_code[code]].pk if code in parent_code else None,
            )
            for code, node in synth_by_code.items()
            if node.level == level
        ]
        for region in Region.objects.bulk_create(batch, batch_size=2000):
            saved[region.code] = region
    for region in saved.values():
        parent = saved.get(parent_code.get(region.code, ""))
        region.path = f"{parent.path if parent else '/'}{region.pk}/"
    Region.objects.bulk_update(saved.values(), ["path"], batch_size=2000)
    bump_grid_index()
    count = sum(1 for r in saved.values() if r.level == "grid")
    audit.record(
        None,
        "demo.synthetic_structure",
        saved[LARGE_DISTRICT_CODE],
        after={"grids": count, "streets": streets},
        note="示范数据（虚构）: generated for benchmarks",
        scope_path=saved[LARGE_DISTRICT_CODE].path,
    )
    return count
