/* The quality-cost chart (templates/evaluation/quality.html): stacked cost categories per
   period and their share of revenue; data from the #cost-chart-data JSON block, axis names from
   the chart element's data-share-name and data-unit attributes (translated on the server). */
(function () {
  "use strict";
  var source = document.getElementById("cost-chart-data");
  var el = document.getElementById("cost-chart");
  if (!window.echarts || !source || !el) { return; }
  var d = JSON.parse(source.textContent);
  var chart = echarts.init(el);
  var series = d.series.map(function (s) { return { name: s.name, type: "bar", stack: "cost", data: s.data.map(Number) }; });
  series.push({ name: el.dataset.shareName, type: "line", yAxisIndex: 1, data: d.share.map(function (v) { return v === null ? null : Number(v); }) });
  chart.setOption({
    tooltip: { trigger: "axis" }, legend: {},
    xAxis: { type: "category", data: d.periods },
    yAxis: [{ type: "value", name: el.dataset.unit }, { type: "value", name: "%", axisLabel: { formatter: "{value}%" } }],
    series: series
  });
  el.dataset.ready = "1";
  window.addEventListener("resize", function () { chart.resize(); });
})();
