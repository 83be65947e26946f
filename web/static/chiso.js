// Draws every chart of the page from the ECharts option embedded beside it.
(function () {
  "use strict";
  function draw() {
    var charts = [];
    document.querySelectorAll(".chart[data-option]").forEach(function (el) {
      var src = document.getElementById(el.getAttribute("data-option"));
      if (!src || typeof echarts === "undefined") { return; }
      var chart = echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(JSON.parse(src.textContent));
      charts.push(chart);
    });
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
