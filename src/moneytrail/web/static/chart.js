// The link chart: fetch /api/chart, draw it with Cytoscape.js, expand on double-click,
// colour by account kind or country, export PNG (cy.png) and SVG (our own few lines:
// cytoscape-svg is GPL). Data comes from data-* attributes and the JSON API (no inline script).
"use strict";
(function () {
  var box = document.getElementById("chart");
  if (!box || !window.cytoscape) { return; }
  var KIND_COLOURS = {mobile_money: "#ff7f0e", bank: "#1f77b4", cash: "#2ca02c", hawala: "#9467bd",
    external: "#8c564b", aggregate: "#bdbdbd", other: "#7f7f7f"};
  var PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
    "#17becf", "#bcbd22", "#393b79", "#637939", "#843c39"];
  var lang = window.moneytrail ? window.moneytrail.lang() : "fr";
  var fmt = new Intl.NumberFormat(lang === "fr" ? "fr-FR" : "en-GB", {maximumFractionDigits: 0});
  var mode = "kind";
  var countries = {};

  function kindOf(d) { return KIND_COLOURS[d.kind] ? d.kind : "other"; }
  function countryColour(code) {
    if (!code) { return "#7f7f7f"; }
    if (!(code in countries)) { countries[code] = PALETTE[Object.keys(countries).length % PALETTE.length]; }
    return countries[code];
  }
  function colour(d) {
    if (d.aggregate) { return KIND_COLOURS.aggregate; }
    return mode === "kind" ? KIND_COLOURS[kindOf(d)] : countryColour(d.country);
  }
  function label(d) {
    if (d.aggregate) {
      var total = Number(d.amount_in) + Number(d.amount_out);
      return d.label + " " + box.dataset.counterparties + ", " + fmt.format(total);
    }
    return d.label;
  }
  function elements(data) {
    var out = [];
    data.nodes.forEach(function (n) {
      out.push({group: "nodes", data: Object.assign({}, n, {display: label(n)}),
        classes: (n.seed ? "seed " : "") + (n.aggregate ? "aggregate" : "")});
    });
    data.edges.forEach(function (e) {
      out.push({group: "edges", data: Object.assign({}, e, {width: 1 + Math.log10(1 + Number(e.amount)) / 2}),
        classes: e.aggregate ? "aggregate" : ""});
    });
    return out;
  }
  var cy = window.cytoscape({
    container: box,
    wheelSensitivity: 0.3,
    maxZoom: 2.5,  // a chart of two nodes stays readable instead of filling the box
    style: [
      {selector: "node", style: {"background-color": function (n) { return colour(n.data()); },
        "label": "data(display)", "font-size": 9, "text-wrap": "wrap", "text-max-width": 140,
        "width": function (n) { return 14 + Math.min(30, Math.sqrt(n.data("degree") || 1) * 3); },
        "height": function (n) { return 14 + Math.min(30, Math.sqrt(n.data("degree") || 1) * 3); }}},
      {selector: "node.seed", style: {"border-width": 4, "border-color": "#d62728"}},
      {selector: "node.aggregate", style: {"shape": "round-rectangle", "border-style": "dashed", "border-width": 2}},
      {selector: "edge", style: {"width": "data(width)", "curve-style": "bezier", "line-color": "#90a4ae",
        "target-arrow-shape": "triangle", "target-arrow-color": "#90a4ae", "arrow-scale": 0.8}},
      {selector: "edge.aggregate", style: {"line-style": "dashed", "target-arrow-shape": "none"}}
    ]
  });

  function ready() { document.body.dataset.ready = "1"; }
  function query(extra) {
    var p = new URLSearchParams({seed: box.dataset.seed, hops: box.dataset.hops, hub: box.dataset.hub});
    Object.keys(extra || {}).forEach(function (k) { p.set(k, extra[k]); });
    return "/api/chart?" + p.toString();
  }
  function load(extra, layoutAll) {
    document.body.dataset.ready = "0";
    return fetch(query(extra), {credentials: "same-origin", headers: {Accept: "application/json"}})
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (data) {
        if (extra && extra.expand && extra.expand.indexOf("agg|") === 0) { cy.remove(cy.getElementById(extra.expand)); }
        var fresh = elements(data).filter(function (el) { return cy.getElementById(el.data.id).empty(); });
        var added = cy.add(fresh);
        var layout = (layoutAll ? cy.elements() : cy.elements()).layout({name: "cose", animate: false,
          randomize: !!layoutAll, nodeDimensionsIncludeLabels: true});
        layout.one("layoutstop", ready);
        layout.run();
        legend();
        return added;
      })
      .catch(function () { box.textContent = box.dataset.error; ready(); });
  }
  function legend() {
    var list = document.getElementById("chart-legend");
    if (!list) { return; }
    list.querySelectorAll("li[data-country]").forEach(function (li) { li.remove(); });
    list.querySelectorAll("li[data-kind]").forEach(function (li) {
      li.hidden = mode !== "kind" && li.dataset.kind !== "aggregate";
      li.querySelector(".swatch").style.backgroundColor = KIND_COLOURS[li.dataset.kind];
    });
    if (mode === "country") {
      var seen = {};
      cy.nodes().forEach(function (n) { if (!n.data("aggregate")) { seen[n.data("country") || "?"] = true; } });
      Object.keys(seen).sort().forEach(function (code) {
        var li = document.createElement("li");
        li.dataset.country = code;
        var sw = document.createElement("span");
        sw.className = "swatch";
        sw.style.backgroundColor = countryColour(code === "?" ? null : code);
        li.appendChild(sw);
        li.appendChild(document.createTextNode(code));
        list.appendChild(li);
      });
    }
  }
  cy.on("dbltap", "node", function (evt) { load({expand: evt.target.id()}, false); });
  cy.on("tap", "node", function (evt) {
    var d = evt.target.data();
    var details = document.getElementById("chart-details");
    if (!details) { return; }
    details.textContent = d.aggregate ? label(d) :
      [d.label, d.kind || "", d.country || "", "⇣ " + fmt.format(Number(d.amount_in)),
        "⇡ " + fmt.format(Number(d.amount_out)), "deg " + d.degree].join(" · ");
  });
  document.querySelectorAll("input[name=colour]").forEach(function (input) {
    input.addEventListener("change", function () {
      mode = input.value;
      cy.style().update();
      legend();
    });
  });

  function escapeXml(text) {
    return String(text).replace(/[<>&"']/g, function (c) {
      return {"<": "&lt;", ">": "&gt;", "&": "&amp;", "\"": "&quot;", "'": "&apos;"}[c];
    });
  }
  function toSvg() {
    var bb = cy.elements().boundingBox({includeLabels: true});
    var pad = 20;
    var parts = ['<svg xmlns="http://www.w3.org/2000/svg" width="' + Math.ceil(bb.w + 2 * pad) +
      '" height="' + Math.ceil(bb.h + 2 * pad) + '" viewBox="' + (bb.x1 - pad) + " " + (bb.y1 - pad) +
      " " + (bb.w + 2 * pad) + " " + (bb.h + 2 * pad) + '" font-family="DejaVu Sans, sans-serif">',
      '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse">' +
      '<path d="M 0 0 L 10 5 L 0 10 z" fill="#90a4ae"/></marker></defs>'];
    cy.edges().forEach(function (e) {
      var s = e.sourceEndpoint(), t = e.targetEndpoint();
      parts.push('<line x1="' + s.x + '" y1="' + s.y + '" x2="' + t.x + '" y2="' + t.y +
        '" stroke="#90a4ae" stroke-width="' + e.data("width") + '"' +
        (e.data("aggregate") ? ' stroke-dasharray="4 3"' : ' marker-end="url(#arrow)"') + "/>");
    });
    cy.nodes().forEach(function (n) {
      var p = n.position(), r = n.width() / 2, d = n.data();
      parts.push('<circle cx="' + p.x + '" cy="' + p.y + '" r="' + r + '" fill="' + colour(d) + '"' +
        (d.seed ? ' stroke="#d62728" stroke-width="4"' : "") + "/>");
      parts.push('<text x="' + p.x + '" y="' + (p.y + r + 11) + '" font-size="9" text-anchor="middle">' +
        escapeXml(d.display) + "</text>");
    });
    parts.push("</svg>");
    return parts.join("\n");
  }
  function stem() { return "chart-" + (box.dataset.seed || "seed").replace(/[^A-Za-z0-9_-]+/g, "_").slice(0, 60); }
  var png = document.getElementById("chart-export-png");
  if (png) {
    png.addEventListener("click", function () {
      window.moneytrail.download(stem() + ".png", cy.png({output: "blob", full: true, scale: 2, bg: "#ffffff"}));
    });
  }
  var svg = document.getElementById("chart-export-svg");
  if (svg) {
    svg.addEventListener("click", function () {
      window.moneytrail.download(stem() + ".svg", new Blob([toSvg()], {type: "image/svg+xml"}));
    });
  }
  window.moneytrailChart = {cy: cy, svg: toSvg};
  load({}, true);
})();
