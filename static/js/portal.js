/* Charts of the public portal (Apache ECharts, vendored in static/vendor/echarts; no request
   leaves the site). The numbers come from the page's json_script block and are also in the
   table under each chart, so the page reads fine without JavaScript or with a screen reader. */
(function () {
  "use strict";
  function render(el, option) {
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(option);
    window.addEventListener("resize", function () { chart.resize(); });
  }
  function init() {
    var source = document.getElementById("portal-chart");
    if (!source || !window.echarts) return;
    var d = JSON.parse(source.textContent);
    var grid = { left: 8, right: 8, bottom: 8, top: 32, containLabel: true };
    var el = document.getElementById("chart-target");
    if (el) {
      render(el, {
        animation: false, grid: grid, tooltip: { trigger: "axis" }, legend: { top: 0 },
        xAxis: { type: "category", data: d.periods },
        yAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
        series: [{ name: d.percent_label, type: "line", data: d.percent, itemStyle: { color: "#175cd3" } }]
      });
    }
    el = document.getElementById("chart-aspects");
    if (el) {
      render(el, {
        animation: false, grid: grid, tooltip: { trigger: "axis" }, legend: { top: 0 },
        xAxis: { type: "category", data: d.aspects, axisLabel: { interval: 0, rotate: 30 } },
        yAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
        series: [{ name: d.percent_label, type: "bar", data: d.aspect_percent, itemStyle: { color: "#175cd3" } }]
      });
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
