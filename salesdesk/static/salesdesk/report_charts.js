// Charts of the report pages, drawn from the JSON each page embeds (#sd-report-data, #sd-execution-data).
(function () {
  if (!window.echarts) { return; }
  var palette = ["#1f4e79", "#2e86c1", "#f39c12", "#27ae60"];
  function draw(id, option) {
    var element = document.getElementById(id);
    if (!element) { return; }
    var chart = echarts.init(element);
    chart.setOption(Object.assign({ color: palette, tooltip: { trigger: "axis" },
      grid: { left: 8, right: 16, top: 28, bottom: 8, containLabel: true } }, option));
    window.addEventListener("resize", function () { chart.resize(); });
  }
  var report = document.getElementById("sd-report-data");
  if (report) {
    var data = JSON.parse(report.textContent);
    draw("chart-periods", { xAxis: { type: "category", data: data.periods }, yAxis: { type: "value" },
      series: [{ name: data.measure, type: "bar", data: data.totals }] });
    draw("chart-rows", { xAxis: { type: "value" }, yAxis: { type: "category", inverse: true, data: data.rows,
      axisLabel: { width: 110, overflow: "truncate" } }, series: [{ name: data.measure, type: "bar", data: data.rowTotals }] });
  }
  // The contract execution statistics arrive after the page (an htmx fragment): drawn when they do.
  function drawExecution() {
    var execution = document.getElementById("sd-execution-data");
    if (!execution || execution.dataset.drawn) { return; }
    execution.dataset.drawn = "1";
    var figures = JSON.parse(execution.textContent);
    var series = Object.keys(figures.series).map(function (name) {
      return { name: name, type: "bar", data: figures.series[name] };
    });
    draw("chart-execution", { legend: { top: 0 }, xAxis: { type: "category", data: figures.periods },
      yAxis: { type: "value" }, series: series });
  }
  drawExecution();
  document.body.addEventListener("htmx:afterSettle", drawExecution);
})();
