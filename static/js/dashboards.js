/* Charts of the dashboards (Apache ECharts, vendored in static/vendor/echarts). The numbers
   come from the page's json_script block; the same numbers are in the table under each chart,
   so the page reads fine without JavaScript or with a screen reader. */
(function () {
  "use strict";
  var COLORS = { red: "#d92d20", yellow: "#f79009", green: "#17b26a", line: "#175cd3" };

  function data() {
    var el = document.getElementById("dashboard-data");
    return el ? JSON.parse(el.textContent) : null;
  }

  function isEnglish() {
    return (document.documentElement.lang || "").indexOf("en") === 0;
  }

  function label(zh, en) {
    return isEnglish() ? en : zh;
  }

  function stacked(names, d) {
    return [
      { name: label("红色", "Red"), type: "bar", stack: "level", data: d.red, itemStyle: { color: COLORS.red } },
      { name: label("黄色", "Yellow"), type: "bar", stack: "level", data: d.yellow, itemStyle: { color: COLORS.yellow } },
      { name: label("绿色", "Green"), type: "bar", stack: "level", data: d.green, itemStyle: { color: COLORS.green } }
    ];
  }

  function render(el, option) {
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(option);
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function init() {
    var d = data();
    if (!d || !window.echarts) return;
    var grid = { left: 8, right: 8, bottom: 8, top: 40, containLabel: true };
    var legend = { top: 0 };
    var el = document.getElementById("chart-departments");
    if (el) {
      var series = stacked(d.departments, d);
      series.push({
        name: label("节点完成率（%）", "Milestones achieved (%)"), type: "line", yAxisIndex: 1,
        data: d.completion, itemStyle: { color: COLORS.line }
      });
      render(el, {
        animation: false, grid: grid, legend: legend, tooltip: { trigger: "axis" },
        xAxis: { type: "category", data: d.departments, axisLabel: { interval: 0, rotate: 30 } },
        yAxis: [{ type: "value", minInterval: 1 }, { type: "value", max: 100, axisLabel: { formatter: "{value}%" } }],
        series: series
      });
    }
    el = document.getElementById("chart-trend");
    if (el) {
      render(el, {
        animation: false, grid: grid, legend: legend, tooltip: { trigger: "axis" },
        xAxis: { type: "category", data: d.trend_quarters },
        yAxis: { type: "value", minInterval: 1 },
        series: [
          { name: label("红色", "Red"), type: "line", data: d.trend_red, itemStyle: { color: COLORS.red } },
          { name: label("黄色", "Yellow"), type: "line", data: d.trend_yellow, itemStyle: { color: COLORS.yellow } },
          { name: label("绿色", "Green"), type: "line", data: d.trend_green, itemStyle: { color: COLORS.green } }
        ]
      });
    }
    el = document.getElementById("chart-aspects");
    if (el) {
      render(el, {
        animation: false, grid: grid, legend: legend, tooltip: { trigger: "axis" },
        xAxis: { type: "category", data: d.aspects, axisLabel: { interval: 0, rotate: 20 } },
        yAxis: { type: "value", minInterval: 1 },
        series: stacked(d.aspects, d)
      });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
