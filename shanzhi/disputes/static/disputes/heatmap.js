// The heat map: the grids of the viewer's area coloured by the number of open risk
// reports and open disputes in each (plain background; tiles only when configured). The
// server sends one count per grid and nothing else.
(function () {
  "use strict";
  const SHADES = ["#f8f9fa", "#ffe5b4", "#ffc078", "#fd7e14", "#e8590c", "#c92a2a"];
  function shade(n) {
    if (n <= 0) return SHADES[0];
    if (n === 1) return SHADES[1];
    if (n <= 3) return SHADES[2];
    if (n <= 6) return SHADES[3];
    if (n <= 10) return SHADES[4];
    return SHADES[5];
  }
  function label(el, props) {
    const span = document.createElement("span");
    span.textContent =
      props.name + " · " + el.dataset.risksText + " " + props.risks + " · " + el.dataset.disputesText + " " + props.disputes;
    return span;
  }
  function draw(el) {
    const map = L.map(el, { zoomSnap: 0.25 });
    if (el.dataset.tileUrl) {
      L.tileLayer(el.dataset.tileUrl, { attribution: el.dataset.tileAttribution || "" }).addTo(map);
    }
    fetch(el.dataset.url, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (data) {
        const layer = L.geoJSON(data, {
          style: function (feature) {
            const p = feature.properties;
            return { color: "#495057", weight: 1, fillColor: shade(p.risks + p.disputes), fillOpacity: 0.75 };
          },
          onEachFeature: function (feature, shape) {
            shape.bindTooltip(label(el, feature.properties), { sticky: true });
          },
        }).addTo(map);
        if (data.features.length) {
          map.fitBounds(layer.getBounds(), { padding: [8, 8] });
        } else {
          map.setView([32.05, 118.78], 12);
        }
        el.dataset.grids = String(data.features.length);
        el.dataset.total = String(
          data.features.reduce(function (sum, f) { return sum + f.properties.risks + f.properties.disputes; }, 0)
        );
      })
      .catch(function () {
        el.dataset.grids = "error";
      });
  }
  document.querySelectorAll("[data-heat-map]").forEach(draw);
})();
