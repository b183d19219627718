// Draws the charts of the enforcement supervision page with ECharts. The figures and
// their labels come from the JSON block "supervision-charts" (translated on the server);
// every chart has the same figures in a table beside it, so nothing is lost where
// scripts do not run. Tooltips are rich text, not HTML: the CSP allows no inline styles.
(function () {
  "use strict";
  const source = document.getElementById("supervision-charts");
  if (!source || typeof echarts === "undefined") {
    return;
  }
  const specs = JSON.parse(source.textContent);
  const colours = ["#0d6efd", "#fd7e14", "#dc3545", "#20c997", "#6f42c1", "#d63384", "#6c757d"];

  function bars(spec, stacked) {
    return {
      color: colours,
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, renderMode: "richText" },
      legend: { top: 0, type: "scroll" },
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: spec.categories, inverse: true, axisTick: { show: false } },
      series: spec.series.map((s) => ({
        name: s.name,
        type: "bar",
        stack: stacked ? "all" : undefined,
        data: s.data,
      })),
    };
  }

  function line(spec) {
    return {
      color: colours,
      tooltip: { trigger: "axis", renderMode: "richText" },
      legend: { top: 0, type: "scroll" },
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: spec.categories, boundaryGap: false },
      yAxis: { type: "value", minInterval: 1 },
      series: spec.series.map((s) => ({ name: s.name, type: "line", data: s.data })),
    };
  }

  const builders = {
    bar: (spec) => bars(spec, false),
    stacked: (spec) => bars(spec, true),
    line: line,
  };
  const charts = [];
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    const spec = specs[el.dataset.chart];
    if (!spec || !builders[spec.kind] || spec.categories.length === 0) {
      return;
    }
    const rows = spec.categories.length;
    const tall = spec.kind === "line" ? 280 : Math.max(180, 60 + rows * 28);
    el.style.height = tall + "px"; // CSSOM, which the CSP allows (no style attribute)
    const chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption(builders[spec.kind](spec));
    charts.push(chart);
    el.dataset.rendered = "true";
  });
  window.addEventListener("resize", function () {
    charts.forEach((chart) => chart.resize());
  });
})();
