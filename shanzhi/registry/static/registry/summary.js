// Draws the charts of a registry summary page with ECharts. The figures and their labels
// come from the JSON block "summary-charts" (translated on the server); every chart has
// the same figures in a table beside it, so nothing is lost where scripts do not run.
// Tooltips are drawn as rich text, not HTML: the page's CSP allows no inline styles.
(function () {
  "use strict";
  const source = document.getElementById("summary-charts");
  if (!source || typeof echarts === "undefined") {
    return;
  }
  const specs = JSON.parse(source.textContent);
  const colours = ["#0d6efd", "#d63384", "#20c997", "#fd7e14", "#6f42c1", "#6c757d"];

  function pyramid(spec) {
    const [men, women] = spec.series;
    return {
      color: colours,
      tooltip: {
        trigger: "axis",
        axisPointer: { type: "shadow" },
        renderMode: "richText",
        valueFormatter: (value) => String(Math.abs(value)),
      },
      legend: { data: [men.name, women.name], top: 0 },
      grid: { left: 8, right: 16, top: 28, bottom: 8, containLabel: true },
      xAxis: { type: "value", axisLabel: { formatter: (value) => String(Math.abs(value)) } },
      yAxis: { type: "category", data: spec.categories, axisTick: { show: false } },
      series: [
        { name: men.name, type: "bar", stack: "sex", data: men.data.map((n) => -n) },
        { name: women.name, type: "bar", stack: "sex", data: women.data },
      ],
    };
  }

  function pie(spec) {
    const [series] = spec.series;
    return {
      color: colours,
      tooltip: { trigger: "item", renderMode: "richText" },
      legend: { bottom: 0, type: "scroll" },
      series: [
        {
          name: series.name,
          type: "pie",
          radius: ["35%", "65%"],
          top: 0,
          bottom: 28,
          label: { formatter: "{c}" },
          data: spec.categories.map((name, i) => ({ name: name, value: series.data[i] })),
        },
      ],
    };
  }

  function bars(spec, stacked) {
    return {
      color: colours,
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, renderMode: "richText" },
      legend: spec.series.length > 1 ? { top: 0 } : { show: false },
      grid: { left: 8, right: 16, top: spec.series.length > 1 ? 28 : 8, bottom: 8, containLabel: true },
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

  const builders = {
    pyramid: pyramid,
    pie: pie,
    bar: (spec) => bars(spec, false),
    stacked: (spec) => bars(spec, true),
  };
  const charts = [];
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    const spec = specs[el.dataset.chart];
    if (!spec || !builders[spec.kind]) {
      return;
    }
    const rows = spec.categories.length;
    const tall = spec.kind === "pie" ? 260 : Math.max(160, 40 + rows * 22);
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
