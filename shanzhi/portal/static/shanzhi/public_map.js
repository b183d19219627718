// The public map of cases: the grid outlines on a plain background (tiles only when a tile
// URL is configured) and one circle per area of about 500 m with the number of cases in
// it. The server sends counts per area, never a case's point.
(function () {
  "use strict";
  function label(text) {
    const span = document.createElement("span");
    span.textContent = text;
    return span;
  }
  function load(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) {
        throw new Error("HTTP " + response.status);
      }
      return response.json();
    });
  }
  function draw(el) {
    const map = L.map(el, { zoomSnap: 0.25 });
    if (el.dataset.tileUrl) {
      L.tileLayer(el.dataset.tileUrl, { attribution: el.dataset.tileAttribution || "" }).addTo(map);
    }
    Promise.all([load(el.dataset.gridsUrl), load(el.dataset.cellsUrl)])
      .then(function (data) {
        const grids = L.geoJSON(data[0], {
          style: { color: "#6c757d", weight: 1, fillOpacity: 0.04 },
          interactive: false,
        }).addTo(map);
        const cells = L.geoJSON(data[1], {
          pointToLayer: function (feature, latlng) {
            const n = feature.properties.count;
            return L.circleMarker(latlng, {
              radius: Math.min(14, 3 + 1.5 * Math.sqrt(n)),
              color: "#dc3545",
              weight: 1,
              fillOpacity: 0.45,
            });
          },
          onEachFeature: function (feature, shape) {
            shape.bindTooltip(label(feature.properties.count + " " + el.dataset.countText));
          },
        }).addTo(map);
        const bounds = grids.getBounds();
        if (bounds.isValid()) {
          map.fitBounds(bounds, { padding: [8, 8] });
        } else if (cells.getBounds().isValid()) {
          map.fitBounds(cells.getBounds(), { padding: [8, 8] });
        } else {
          map.setView([32.05, 118.78], 12);
        }
        el.dataset.cells = String(data[1].features.length);
      })
      .catch(function () {
        el.dataset.cells = "error";
      });
  }
  document.querySelectorAll("[data-public-map]").forEach(draw);
})();
