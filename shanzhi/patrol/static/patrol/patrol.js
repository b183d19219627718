// Patrol page: the place from the browser's geolocation (the grid's centre stays in the
// form when it is not available), the map of my grids and their open cases, and a queue
// of reports that could not be sent: kept in IndexedDB (fields and the photo as a Blob)
// and sent again when the browser is back online. Each report carries a token, so a
// report sent twice still makes one case on the server.
(function () {
  "use strict";
  const form = document.getElementById("patrol-form");
  if (!form) return;
  const queueBox = document.getElementById("patrol-queue");
  const resultBox = document.getElementById("patrol-result");
  const errorBox = document.getElementById("patrol-errors");
  const where = document.getElementById("patrol-where");
  const DB = "shanzhi-patrol";
  const STORE = "outbox";

  function newToken() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  const tokenInput = form.elements.token;
  if (!tokenInput.value) tokenInput.value = newToken();

  // --- Location ---------------------------------------------------------------------
  if (navigator.geolocation) {
    navigator.geolocation.getCurrentPosition(
      function (pos) {
        form.elements.lon.value = pos.coords.longitude.toFixed(6);
        form.elements.lat.value = pos.coords.latitude.toFixed(6);
        where.textContent = where.dataset.textHere;
        where.dataset.located = "1";
      },
      function () {
        where.textContent = where.dataset.textDenied;
      },
      { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 }
    );
  }

  // --- Map --------------------------------------------------------------------------
  const mapEl = document.getElementById("patrol-map");
  if (mapEl && window.L) {
    const map = L.map(mapEl, { zoomSnap: 0.25 });
    if (mapEl.dataset.tileUrl) {
      L.tileLayer(mapEl.dataset.tileUrl, { attribution: mapEl.dataset.tileAttribution || "" }).addTo(map);
    }
    const shapes = JSON.parse(document.getElementById("patrol-grids").textContent);
    const layer = L.geoJSON({ type: "FeatureCollection", features: shapes }, {
      style: { color: "#0d6efd", weight: 1.5, fillOpacity: 0.12 },
    }).addTo(map);
    if (shapes.length) map.fitBounds(layer.getBounds(), { padding: [8, 8] });
    else map.setView([32.05, 118.78], 12);
    const colours = { red: "#dc3545", yellow: "#ffc107", green: "#198754" };
    const points = JSON.parse(document.getElementById("patrol-points").textContent);
    points.forEach(function (p) {
      const marker = L.circleMarker([p.lat, p.lon], {
        radius: 7,
        color: colours[p.light] || "#6c757d",
        fillOpacity: 0.8,
      }).addTo(map);
      const span = document.createElement("span");
      span.textContent = p.number + " " + p.title;
      marker.bindTooltip(span);
    });
    mapEl.dataset.points = String(points.length);
  }

  // --- Outbox -----------------------------------------------------------------------
  function openDb() {
    return new Promise(function (resolve, reject) {
      const req = indexedDB.open(DB, 1);
      req.onupgradeneeded = function () {
        req.result.createObjectStore(STORE, { keyPath: "token" });
      };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }
  function withStore(mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        const tx = db.transaction(STORE, mode);
        const result = work(tx.objectStore(STORE));
        tx.oncomplete = function () { resolve(result && result.result); };
        tx.onerror = function () { reject(tx.error); };
      });
    });
  }
  function keep(entry) { return withStore("readwrite", (s) => s.put(entry)); }
  function drop(token) { return withStore("readwrite", (s) => s.delete(token)); }
  function all() { return withStore("readonly", (s) => s.getAll()); }

  function show(box, text, danger) {
    box.textContent = text;
    box.classList.remove("d-none");
    if (danger) box.classList.replace("alert-warning", "alert-danger");
  }
  // The page's own CSRF token: a report kept since an earlier page (or session) carries
  // a stale one.
  function csrfToken() {
    return form.elements.csrfmiddlewaretoken.value;
  }
  function post(entry) {
    const data = new FormData();
    Object.keys(entry.fields).forEach((k) => data.append(k, entry.fields[k]));
    data.set("csrfmiddlewaretoken", csrfToken());
    data.append("photo", entry.photo, entry.photoName || "photo.jpg");
    // Not form.action: the submit buttons are named "action" and shadow that property.
    return fetch(form.getAttribute("action") || window.location.pathname, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      redirect: "manual", // a redirect (to the sign-in page) is not an answer to keep
      headers: { Accept: "application/json", "X-CSRFToken": csrfToken() },
    }).then(function (response) {
      const type = response.headers.get("Content-Type") || "";
      if (!type.includes("application/json")) {
        // A proxy's error page, the sign-in page, a refused CSRF token: the server did
        // not read the report. It is kept and sent again.
        return { ok: false, final: false, body: { errors: [String(response.status || "")] } };
      }
      return response.json().then(function (body) {
        // Taken (a case number), or refused for what it says (400): the server's answer.
        const taken = response.ok && Boolean(body.number);
        return { ok: taken, final: taken || response.status === 400, body: body };
      });
    });
  }
  function entryFrom(submitter) {
    const fields = {};
    new FormData(form).forEach(function (value, key) {
      if (key !== "photo") fields[key] = value;
    });
    if (submitter && submitter.name) fields[submitter.name] = submitter.value;
    const file = form.elements.photo.files[0];
    return {
      token: fields.token,
      fields: fields,
      photo: file || new Blob(),
      photoName: file ? file.name : "",
      keptAt: new Date().toLocaleString(),
    };
  }
  function showErrors(errors) {
    errorBox.replaceChildren();
    const box = document.createElement("div");
    box.className = "alert alert-danger";
    errors.forEach(function (text) {
      const line = document.createElement("div");
      line.textContent = text;
      box.appendChild(line);
    });
    errorBox.appendChild(box);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    const entry = entryFrom(event.submitter);
    post(entry)
      .then(function (answer) {
        if (answer.ok) {
          window.location.assign(window.location.pathname);
        } else {
          // The form keeps what was entered: correct it, or sign in again, and resend.
          showErrors(answer.final ? answer.body.errors || [] : [queueBox.dataset.textNotRead]);
        }
      })
      .catch(function () {
        // No network (or no answer): keep the report and send it when the network returns.
        keep(entry).then(function () {
          show(queueBox, queueBox.dataset.textQueued);
          queueBox.dataset.queued = "1";
          form.reset();
          tokenInput.value = newToken();
        });
      });
  });

  // Reports the server refused stay on the phone, with the reason, until the worker
  // discards them: nothing typed or photographed is lost without a decision.
  const refusedList = document.getElementById("patrol-refused");
  function showRefused(entries) {
    refusedList.replaceChildren();
    entries.filter((e) => e.refused).forEach(function (entry) {
      const item = document.createElement("li");
      item.className = "list-group-item small";
      item.dataset.token = entry.token;
      const what = document.createElement("div");
      what.className = "fw-bold";
      what.textContent = (entry.fields.note || entry.photoName || entry.token) + " · " + (entry.keptAt || "");
      const why = document.createElement("div");
      why.className = "text-danger";
      why.textContent = entry.refused.join(" ");
      const discard = document.createElement("button");
      discard.type = "button";
      discard.className = "btn btn-sm btn-outline-danger mt-1";
      discard.textContent = refusedList.dataset.textDiscard;
      discard.addEventListener("click", function () {
        drop(entry.token).then(() => all()).then(showRefused);
      });
      item.append(what, why, discard);
      refusedList.appendChild(item);
    });
    refusedList.classList.toggle("d-none", !refusedList.children.length);
    refusedList.dataset.count = String(refusedList.children.length);
  }

  let flushing = false;
  function flush() {
    if (flushing || !navigator.onLine) return;
    flushing = true;
    all()
      .then(function (entries) {
        return entries.filter((e) => !e.refused).reduce(function (chain, entry) {
          return chain.then(function () {
            return post(entry).then(function (answer) {
              if (answer.ok) {
                show(resultBox, queueBox.dataset.textSent + " " + answer.body.message);
                resultBox.dataset.number = answer.body.number;
                return drop(entry.token);
              }
              if (answer.final) {
                entry.refused = answer.body.errors || [];
                show(queueBox, queueBox.dataset.textFailed + " " + entry.refused.join(" "), true);
                return keep(entry);
              }
              show(queueBox, queueBox.dataset.textNotRead, true);
              return undefined; // kept as it is: sent again next time
            });
          });
        }, Promise.resolve());
      })
      .catch(function () { /* still offline: try again on the next online event */ })
      .finally(function () {
        flushing = false;
        all().then(function (left) {
          showRefused(left);
          if (!left.some((e) => !e.refused)) {
            queueBox.dataset.queued = "";
            if (!queueBox.classList.contains("alert-danger")) queueBox.classList.add("d-none");
          }
        });
      });
  }
  window.addEventListener("online", flush);
  flush();
})();
