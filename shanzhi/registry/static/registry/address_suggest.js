// Address autocompletion from the registry of buildings (building addresses are not
// personal data). An input with data-address-suggest="<url>" gets a datalist of the
// addresses that start with, or contain, what was typed (spelled any usual way: 3号楼,
// 3栋, 三幢 …). Choosing one fills the form's lon and lat (data-lon-input,
// data-lat-input: the ids of those inputs) with the building's point, or its grid's,
// and announces the change so that the duplicate suggestions follow.
(function () {
  "use strict";
  document.querySelectorAll("input[data-address-suggest]").forEach(function (input) {
    const url = input.dataset.addressSuggest;
    const list = document.createElement("datalist");
    list.id = input.id + "-options";
    input.after(list);
    input.setAttribute("list", list.id);
    input.setAttribute("autocomplete", "off");
    const points = new Map();
    let timer = null;
    let asked = "";

    function fill(results) {
      list.replaceChildren();
      points.clear();
      results.forEach(function (row) {
        const option = document.createElement("option");
        option.value = row.address;
        option.label = row.grid;
        list.appendChild(option);
        points.set(row.address, row);
      });
      input.dataset.suggestions = String(results.length);
    }
    function ask() {
      const q = input.value.trim();
      if (q.length < 2 || q === asked || points.has(q)) return;
      asked = q;
      fetch(url + "?q=" + encodeURIComponent(q), {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
        .then((response) => (response.ok ? response.json() : { results: [] }))
        .then((body) => { if (input.value.trim() === q) fill(body.results || []); })
        .catch(function () { /* no network: the address is typed by hand */ });
    }
    function choose() {
      const row = points.get(input.value.trim());
      if (!row || row.lon === null) return;
      ["lon", "lat"].forEach(function (name) {
        const target = document.getElementById(input.dataset[name + "Input"]);
        if (!target) return;
        target.value = row[name].toFixed(6);
        target.dispatchEvent(new Event("change", { bubbles: true }));
      });
      input.dataset.chosen = row.address;
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      if (points.has(input.value.trim())) { choose(); return; }
      timer = setTimeout(ask, 250);
    });
    input.addEventListener("change", choose);
  });
})();
