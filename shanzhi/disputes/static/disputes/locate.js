// The place of a finding: the phone's position when the browser gives it (the server
// keeps it only when it lies inside the checklist's grid; otherwise the grid itself).
(function () {
  "use strict";
  const where = document.querySelector("[data-locate]");
  const form = where && where.closest("form");
  if (!form || !navigator.geolocation) return;
  navigator.geolocation.getCurrentPosition(
    function (pos) {
      form.elements.lon.value = pos.coords.longitude.toFixed(6);
      form.elements.lat.value = pos.coords.latitude.toFixed(6);
      where.textContent = where.dataset.textHere;
    },
    function () {},
    { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 }
  );
})();
