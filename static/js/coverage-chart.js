/* The coverage page's bar chart (templates/coverage/coverage.html): data from the
   #coverage-chart-data JSON block. */
(function () {
  "use strict";
  var source = document.getElementById("coverage-chart-data");
  var el = document.getElementById("coverage-chart");
  if (!window.echarts || !source || !el) { return; }
  var d = JSON.parse(source.textContent);
  var chart = echarts.init(el);
  var series = [{ name: d.name, type: "bar", data: d.shares, label: { show: true, position: "top", formatter: "{c}%" } }];
  if (d.path.some(function (v) { return v !== null; })) {
    series.push({ name: d.pathName, type: "line", data: d.path, symbol: "diamond" });
  }
  chart.setOption({
    // the legend above, the bars' labels below it (room for 100%), axis labels inside the box
    tooltip: { trigger: "axis" }, legend: { top: 0 },
    grid: { top: 48, left: 8, right: 8, bottom: 8, containLabel: true },
    xAxis: { type: "category", data: d.labels, axisLabel: { interval: 0, rotate: d.labels.length > 6 ? 30 : 0 } },
    yAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
    series: series
  });
  el.dataset.ready = "1";
  window.addEventListener("resize", function () { chart.resize(); });
})();
