// Draws grid polygons from a GeoJSON URL on every element marked data-map. Works without
// tiles (plain background); a tile layer is added only when a tile URL is configured.
(function () {
  "use strict";
  function label(text) {
    const span = document.createElement("span");
    span.textContent = text;
    return span;
  }
  function draw(el) {
    const map = L.map(el, { zoomSnap: 0.25 });
    if (el.dataset.tileUrl) {
      L.tileLayer(el.dataset.tileUrl, { attribution: el.dataset.tileAttribution || "" }).addTo(map);
    }
    fetch(el.dataset.geojsonUrl, { credentials: "same-origin" })
      .then((response) => response.json())
      .then((data) => {
        const layer = L.geoJSON(data, {
          style: { color: "#0d6efd", weight: 1.5, fillOpacity: 0.12 },
          onEachFeature: function (feature, shape) {
            const props = feature.properties || {};
            shape.bindTooltip(label(props.name + " " + props.code), { sticky: true });
            if (el.dataset.linkBase) {
              shape.on("click", function () {
                window.location.href = el.dataset.linkBase + encodeURIComponent(props.code) + "/";
              });
            }
          },
        }).addTo(map);
        const count = data.features.length;
        if (count) {
          map.fitBounds(layer.getBounds(), { padding: [8, 8] });
        } else {
          map.setView([32.05, 118.78], 12);
        }
        if (el.dataset.point) {
          // After the view is set: Leaflet projects markers against the current view.
          const [lon, lat] = el.dataset.point.split(",").map(Number);
          L.circleMarker([lat, lon], { radius: 7, color: "#dc3545", fillOpacity: 0.8 }).addTo(map);
        }
        el.dataset.features = String(count);
      })
      .catch(function () {
        el.dataset.features = "error";
      });
  }
  document.querySelectorAll("[data-map]").forEach(draw);
})();
