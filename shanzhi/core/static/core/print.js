// The print button of a printable document (a notice, an opinion, a decision): a
// button marked data-print prints the page (no inline script: the CSP forbids it).
document.querySelectorAll("[data-print]").forEach((button) => {
  button.addEventListener("click", () => window.print());
});
