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
  // The composite page's weight sliders: each shows its weight and its share of the total.
  function weights() {
    var outs = document.querySelectorAll("output[data-weight]");
    if (!outs.length) { return; }
    function update() {
      var total = 0;
      outs.forEach(function (o) {
        var box = o.parentNode.querySelector("input[type=checkbox]");
        var r = document.getElementById(o.getAttribute("data-weight"));
        if (box && box.checked) { total += parseFloat(r.value); }
      });
      outs.forEach(function (o) {
        var box = o.parentNode.querySelector("input[type=checkbox]");
        var r = document.getElementById(o.getAttribute("data-weight"));
        var share = box && box.checked && total > 0 ? Math.round(100 * parseFloat(r.value) / total) + "%" : "–";
        o.textContent = r.value + " · " + share;
        r.disabled = !(box && box.checked);
      });
    }
    document.querySelectorAll(".weights input").forEach(function (i) { i.addEventListener("input", update); });
    update();
  }
  function start() { draw(); weights(); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
