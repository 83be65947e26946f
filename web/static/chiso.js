// Draws every chart of the page from the ECharts option embedded beside it.
(function () {
  "use strict";
  function list(v) { return v == null ? [] : (Array.isArray(v) ? v : [v]); }

  // fit lays a chart out for the size of its box: a one-line title on top, a one-line
  // scrolling legend and the colour scale at the bottom, the plot in between, so that
  // neither title nor legend ever covers the plot, from 300×300 to any size.
  function fit(opt, el) {
    var w = el.clientWidth || 600, h = el.clientHeight || 400, small = w < 520;
    var fs = small ? 12 : 14, top = 8, bottom = 6;
    list(opt.title).forEach(function (t) {
      t.top = 4; t.left = 8;
      t.textStyle = t.textStyle || {};
      t.textStyle.fontSize = fs; t.textStyle.width = w - 16; t.textStyle.overflow = "truncate";
      top = fs + 16;
    });
    list(opt.legend).forEach(function (l) {
      if (l.show === false) { return; }
      l.type = "scroll"; l.bottom = 2; l.left = "center"; delete l.right; delete l.top;
      l.width = w - 24; l.itemGap = small ? 6 : 10; l.itemWidth = 18; l.itemHeight = 10;
      l.textStyle = { fontSize: small ? 10 : 12 };
      bottom += 26;
    });
    list(opt.visualMap).forEach(function (v) {
      v.orient = "horizontal"; v.left = "center"; v.bottom = bottom; delete v.top; delete v.right;
      v.itemWidth = 10; v.itemHeight = Math.max(60, Math.min(160, w * 0.35));
      v.textStyle = { fontSize: 10 };
      bottom += 34;
    });
    // Axis names: the y name starts at the axis and reads rightwards (never cut at the left
    // edge); the x name sits under the axis labels, centred.
    list(opt.yAxis).forEach(function (a) {
      if (a.name && a.nameLocation !== "middle") {
        a.nameTextStyle = { align: "left", fontSize: 11, width: Math.max(60, w - 70), overflow: "truncate" };
        if (a.inverse) { a.nameLocation = "start"; } // the top of an inverted (rank) axis
      }
    });
    list(opt.xAxis).forEach(function (a) {
      if (a.name) {
        a.nameLocation = "middle"; a.nameGap = a.type === "category" || !a.type ? 24 : 26;
        a.nameTextStyle = { fontSize: 11, width: Math.max(60, w - 40), overflow: "truncate" };
      }
    });
    var yName = list(opt.yAxis).some(function (a) { return a.name && a.show !== false && a.nameLocation !== "middle"; });
    var xName = list(opt.xAxis).some(function (a) { return a.name && a.show !== false; });
    var tiles = list(opt.series).filter(function (s) { return s.symbol === "rect"; });
    list(opt.grid).forEach(function (g) {
      if (tiles.length) {
        var xa = list(opt.xAxis)[0] || {}, ya = list(opt.yAxis)[0] || {};
        var cols = Math.round((xa.max || 0) + 0.5), rows = Math.round((ya.max || 0) + 0.5);
        var cell = Math.max(6, Math.floor(Math.min((w - 12) / Math.max(cols, 1), (h - top - bottom - 6) / Math.max(rows, 1))));
        g.width = cols * cell; g.height = rows * cell; g.left = "center"; g.top = top + 4; delete g.bottom;
        tiles.forEach(function (s) {
          s.symbolSize = cell - 2;
          if (s.label) { s.label.show = cell >= 18; s.label.fontSize = cell >= 26 ? 9 : 7; }
        });
        return;
      }
      g.top = top + (yName ? 22 : 6);
      g.bottom = bottom + (xName ? 22 : 4);
      if (g.containLabel === undefined && g.right && +g.right > 100) { g.right = small ? 96 : g.right; }
      if (small) { g.left = g.containLabel ? 4 : Math.min(+g.left || 40, 40); }
    });
    list(opt.radar).forEach(function (r) {
      var avail = Math.min(w, h - top - bottom);
      r.center = [w / 2, top + (h - top - bottom) / 2];
      r.radius = Math.max(30, avail / 2 - (small ? 34 : 44));
      r.axisName = { fontSize: small ? 10 : 12, color: "#333" };
    });
    // Numbers as the page's language writes them: 63,8 in Vietnamese, 63.8 in English.
    var lang = document.documentElement.lang === "en" ? "en-US" : "vi-VN";
    var num = function (v) {
      return typeof v === "number" ? v.toLocaleString(lang, { maximumFractionDigits: 4 }) : v;
    };
    list(opt.tooltip).forEach(function (t) { t.valueFormatter = num; });
    list(opt.xAxis).concat(list(opt.yAxis)).forEach(function (a) {
      if (a.type === "category" || a.data) { return; }
      a.axisLabel = a.axisLabel || {};
      if (!a.axisLabel.formatter) { a.axisLabel.formatter = num; }
    });
    list(opt.series).forEach(function (s) {
      if (s.markLine && s.markLine.label) { s.markLine.label.position = "insideEndTop"; s.markLine.label.fontSize = 10; }
    });
    return opt;
  }

  function draw() {
    var charts = [];
    document.querySelectorAll(".chart[data-option]").forEach(function (el) {
      var src = document.getElementById(el.getAttribute("data-option"));
      if (!src || typeof echarts === "undefined") { return; }
      var chart = echarts.init(el, null, { renderer: "canvas" });
      var text = src.textContent;
      chart.setOption(fit(JSON.parse(text), el));
      // On a page, a province's bar, tile or dot opens its profile.
      if (/kind-(ranking|map|interval)/.test(el.className)) {
        chart.on("click", function (p) {
          if (p.name) { window.location.href = "/provinces/" + encodeURIComponent(p.name) + "?lang=" + (document.documentElement.lang || "vi"); }
        });
      }
      charts.push({ chart: chart, el: el, text: text });
    });
    var timer;
    window.addEventListener("resize", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        charts.forEach(function (c) { c.chart.resize(); c.chart.setOption(fit(JSON.parse(c.text), c.el), true); });
      }, 100);
    });
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
