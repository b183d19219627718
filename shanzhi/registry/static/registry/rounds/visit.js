// Visit form on a phone: the place where the worker stands, from the browser's
// geolocation, when the phone allows it. Without it the address of the visit stands.
(function () {
  "use strict";
  const form = document.getElementById("visit-form");
  if (!form || !navigator.geolocation) return;
  const where = document.getElementById("visit-where");
  navigator.geolocation.getCurrentPosition(
    function (pos) {
      form.elements.lon.value = pos.coords.longitude.toFixed(6);
      form.elements.lat.value = pos.coords.latitude.toFixed(6);
      where.textContent = where.dataset.textHere;
      where.dataset.located = "1";
    },
    function () {
      where.textContent = where.dataset.textNone;
    },
    { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 }
  );
})();
