// The resident report form: a search over the category list with its plain-language
// hints and emergency warning, a map to set the point (tap, or the browser's location),
// and photos made smaller before upload. Everything also works without this file.
(function () {
  "use strict";
  const form = document.querySelector("[data-report-form]");
  if (!form) return;
  const select = form.querySelector("#id_category");
  const search = form.querySelector("#category-search");
  const hint = form.querySelector("#category-hint");
  const emergency = form.querySelector("#category-emergency");
  const lon = form.querySelector("#id_lon");
  const lat = form.querySelector("#id_lat");
  const gcj02 = form.querySelector("#id_gcj02");
  const MAX_SIDE = 1600;

  // Category: typing filters the options (the "I don't know" option always stays).
  if (select && search) {
    search.addEventListener("input", function () {
      const words = search.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
      let first = null;
      Array.from(select.options).forEach(function (option) {
        const text = (option.text + " " + (option.dataset.hint || "")).toLowerCase();
        const shown = !option.value || words.every((w) => text.includes(w));
        option.hidden = !shown;
        option.disabled = !shown;
        if (shown && option.value && !first) first = option;
      });
      const current = select.selectedOptions[0];
      if (first && (!select.value || !current || current.hidden)) {
        select.value = first.value;
        select.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
  }
  function describe() {
    const option = select.selectedOptions[0];
    hint.textContent = (option && option.dataset.hint) || "";
    const number = option && option.dataset.emergencyNumber;
    const channel = option && option.dataset.redirect;
    if (number) {
      emergency.textContent = emergency.dataset.text + " " + number;
    } else if (channel) {
      emergency.textContent = emergency.dataset.textOther + " " + channel;
    }
    emergency.classList.toggle("d-none", !(number || channel));
  }
  if (select && hint && emergency) {
    select.addEventListener("change", describe);
    describe();
  }

  // The point: a tap on the map or the browser's location, both WGS84.
  function setPoint(lng, lt) {
    lon.value = lng.toFixed(6);
    lat.value = lt.toFixed(6);
    if (gcj02) gcj02.checked = false;
    lon.dispatchEvent(new Event("change", { bubbles: true }));
    lat.dispatchEvent(new Event("change", { bubbles: true }));
  }
  const mapEl = form.querySelector("[data-report-map]");
  let map = null;
  let marker = null;
  function showPoint() {
    if (!map || lon.value === "" || lat.value === "") return;
    const at = [Number(lat.value), Number(lon.value)];
    if (Number.isNaN(at[0]) || Number.isNaN(at[1])) return;
    if (marker) marker.setLatLng(at);
    else marker = L.circleMarker(at, { radius: 8, color: "#dc3545", fillOpacity: 0.8 }).addTo(map);
  }
  if (mapEl && window.L && lon && lat) {
    map = L.map(mapEl, { zoomSnap: 0.25 });
    if (mapEl.dataset.tileUrl) {
      L.tileLayer(mapEl.dataset.tileUrl, { attribution: mapEl.dataset.tileAttribution || "" }).addTo(map);
    }
    map.setView([32.05, 118.78], 12);
    fetch(mapEl.dataset.geojsonUrl, { credentials: "same-origin" })
      .then((response) => response.json())
      .then((data) => {
        const layer = L.geoJSON(data, {
          style: { color: "#0d6efd", weight: 1, fillOpacity: 0.08 },
          interactive: false,
        }).addTo(map);
        if (data.features.length) map.fitBounds(layer.getBounds(), { padding: [8, 8] });
        showPoint();
        mapEl.dataset.ready = "1";
      })
      .catch(function () {
        mapEl.dataset.ready = "error";
      });
    map.on("click", function (event) {
      setPoint(event.latlng.lng, event.latlng.lat);
      showPoint();
    });
    lon.addEventListener("change", showPoint);
    lat.addEventListener("change", showPoint);
  }
  const locate = form.querySelector("#use-my-location");
  const locationError = form.querySelector("#location-error");
  if (locate && lon && lat) {
    locate.addEventListener("click", function () {
      locationError.textContent = "";
      if (!navigator.geolocation) {
        locationError.textContent = locate.dataset.error;
        return;
      }
      navigator.geolocation.getCurrentPosition(
        function (position) {
          setPoint(position.coords.longitude, position.coords.latitude);
          showPoint();
          if (map) map.setView([position.coords.latitude, position.coords.longitude], 17);
        },
        function () {
          locationError.textContent = locate.dataset.error;
        },
        { enableHighAccuracy: true, timeout: 15000 }
      );
    });
  }

  // Photos: JPEG, PNG and WebP are redrawn as JPEG at most MAX_SIDE pixels on a side,
  // when that makes them smaller. PDFs and anything that fails are sent as they are; the
  // server checks every file either way.
  const files = form.querySelector("#id_attachments");
  function shrink(file) {
    if (!/^image\/(jpeg|png|webp)$/.test(file.type) || !window.createImageBitmap) {
      return Promise.resolve(file);
    }
    return createImageBitmap(file).then(function (bitmap) {
      const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
      const canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      return new Promise(function (resolve) {
        canvas.toBlob(
          function (blob) {
            if (!blob || blob.size >= file.size) {
              resolve(file);
              return;
            }
            const name = file.name.replace(/\.[^.]*$/, "") + ".jpg";
            resolve(new File([blob], name, { type: "image/jpeg" }));
          },
          "image/jpeg",
          0.82
        );
      });
    });
  }
  if (files && window.DataTransfer) {
    files.addEventListener("change", function () {
      if (files.dataset.shrunk === "1") {
        files.dataset.shrunk = "";
        return;
      }
      const chosen = Array.from(files.files);
      Promise.all(chosen.map((file) => shrink(file).catch(() => file))).then(function (smaller) {
        const transfer = new DataTransfer();
        smaller.forEach((file) => transfer.items.add(file));
        files.dataset.shrunk = "1";
        files.files = transfer.files;
        files.dispatchEvent(new Event("change", { bubbles: true }));
      });
    });
  }
})();
