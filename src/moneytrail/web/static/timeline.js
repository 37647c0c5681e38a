// The timeline: fetch /api/timeline (the page's query) and draw a plotly scatter, time against
// amount, one colour per direction; the hover names the counterparty and the bank reference.
"use strict";
(function () {
  var box = document.getElementById("timeline-plot");
  if (!box || !window.Plotly) { return; }
  var d = box.dataset;
  var COLOURS = {in: "#2ca02c", out: "#d62728", internal: "#7f7f7f"};
  function series(rows, direction) {
    var mine = rows.filter(function (r) { return r.direction === direction; });
    return {
      type: "scatter", mode: "markers", name: d[direction],
      x: mine.map(function (r) { return r.ts; }),
      y: mine.map(function (r) { return Number(r.amount); }),
      marker: {color: COLOURS[direction], size: 8, opacity: 0.8},
      customdata: mine.map(function (r) {
        return [(r.counterparty_number || "—") + (r.counterparty_holder ? " " + r.counterparty_holder : ""),
          r.ext_id || "", r.currency, r.channel];
      }),
      hovertemplate: "%{x}<br>%{y:,.0f} %{customdata[2]} · %{customdata[3]}<br>%{customdata[0]}<br>%{customdata[1]}<extra></extra>"
    };
  }
  var params = new URLSearchParams({subject: d.subject});
  if (d.from) { params.set("from", d.from); }
  if (d.to) { params.set("to", d.to); }
  document.body.dataset.ready = "0";
  fetch("/api/timeline?" + params.toString(), {credentials: "same-origin", headers: {Accept: "application/json"}})
    .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
    .then(function (data) {
      var traces = ["in", "out", "internal"].map(function (k) { return series(data.rows, k); })
        .filter(function (s) { return s.x.length; });
      return window.Plotly.newPlot(box, traces, {height: 380, margin: {l: 70, r: 10, t: 10, b: 40},
        yaxis: {title: {text: d.amount}, type: "log"}, xaxis: {type: "date"}, legend: {orientation: "h"}},
        {responsive: true, displaylogo: false});
    })
    .then(function () { document.body.dataset.ready = "1"; })
    .catch(function () { box.textContent = d.error; document.body.dataset.ready = "1"; });
})();
