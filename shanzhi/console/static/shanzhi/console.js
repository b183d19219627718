// The hotline console: records when the form was opened (for the handling time), narrows
// the category list as the operator types, and copies an earlier answer into the answer box.
(function () {
  const form = document.querySelector("[data-console-form]");
  if (!form) return;
  const opened = form.querySelector("[name=opened_at]");
  if (opened && !opened.value) opened.value = String(Date.now());

  const select = form.querySelector("#id_category");
  const search = form.querySelector("#category-search");
  const options = Array.from(select.options).filter((o) => o.value);
  search.addEventListener("input", () => {
    const words = search.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    let first = null;
    for (const option of options) {
      const text = option.textContent.toLowerCase();
      const match = words.every((w) => text.includes(w));
      option.hidden = !match;
      if (match && !first) first = option;
    }
    if (words.length && first && (!select.value || select.selectedOptions[0].hidden)) {
      select.value = first.value;
      select.dispatchEvent(new Event("change", { bubbles: true }));
    }
  });
  search.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
      select.focus();
    }
  });

  // Ask for duplicates only once the coordinates are complete: half a point is the
  // operator still typing, not a mistake to report.
  const lon = form.querySelector("#id_lon");
  const lat = form.querySelector("#id_lat");
  form.querySelector("#similar-cases").addEventListener("htmx:confirm", (event) => {
    if (!lon.value.trim() !== !lat.value.trim()) event.preventDefault();
  });

  // Alt+D dispatches, Alt+A answers, wherever the focus is: the buttons' accesskey is
  // bound to other modifiers in some browsers.
  document.addEventListener("keydown", (event) => {
    if (!event.altKey || event.ctrlKey || event.metaKey) return;
    const key = event.key.toLowerCase();
    const action = key === "d" || event.code === "KeyD" ? "dispatch" : key === "a" || event.code === "KeyA" ? "answer" : null;
    if (!action) return;
    event.preventDefault();
    form.requestSubmit(form.querySelector(`button[name=do][value=${action}]`));
  });

  form.addEventListener("click", (event) => {
    const button = event.target.closest("[data-copy-answer]");
    if (!button) return;
    const answer = form.querySelector("#id_answer");
    answer.value = button.dataset.copyAnswer;
    answer.focus();
  });
})();
