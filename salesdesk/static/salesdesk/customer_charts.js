// Charts of the customer analytics page, drawn from the JSON the page embeds (#sd-analytics-data).
(function () {
  var source = document.getElementById("sd-analytics-data");
  if (!source || !window.echarts) { return; }
  var data = JSON.parse(source.textContent);
  function bars(id, labels, values, horizontal) {
    var element = document.getElementById(id);
    if (!element) { return; }
    var chart = echarts.init(element);
    var category = { type: "category", data: labels, axisLabel: { interval: 0, hideOverlap: true } };
    var value = { type: "value", minInterval: 1 };
    chart.setOption({
      grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
      tooltip: {},
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? Object.assign({ inverse: true }, category) : value,
      series: [{ type: "bar", data: values, itemStyle: { color: "#1f4e79" } }],
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  bars("chart-dimension", data.dimension.labels, data.dimension.values, true);
  bars("chart-new", data.new.labels, data.new.values, false);
  var funnelElement = document.getElementById("chart-funnel");
  if (funnelElement) {
    var funnel = echarts.init(funnelElement);
    funnel.setOption({
      tooltip: { trigger: "item" },
      series: [{ type: "funnel", sort: "none", left: "10%", width: "80%", label: { formatter: "{b}: {c}" },
                 data: data.funnel }],
    });
    window.addEventListener("resize", function () { funnel.resize(); });
  }
})();
