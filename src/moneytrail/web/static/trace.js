// The trace's Sankey: fetch /api/trace (the page's query) and draw it with plotly.js. One node
// per account, so money that went round (A -> B -> C -> A) is a cycle of links, which plotly's
// Sankey draws as circular bands. Node ids are never merged by label (two holders may share one).
"use strict";
(function () {
  var box = document.getElementById("sankey");
  if (!box || !window.Plotly) { return; }
  var CHANNEL = {bank: "rgba(31,119,180,0.45)", mobile_money: "rgba(255,127,14,0.45)",
    cash: "rgba(44,160,44,0.45)", hawala: "rgba(148,103,189,0.45)", crypto: "rgba(140,86,75,0.45)",
    other: "rgba(158,158,158,0.45)"};
  var END = {cash: "#2ca02c", abroad: "#d62728", exchange: "#8c564b", sanctioned: "#000000",
    held: "#1f77b4", unexplained: "#9e9e9e"};
  var lang = window.moneytrail ? window.moneytrail.lang() : "fr";
  var fmt = new Intl.NumberFormat(lang === "fr" ? "fr-FR" : "en-GB", {maximumFractionDigits: 2});
  var d = box.dataset;

  // An endpoint on an account the diagram already draws is labelled by its kind only ("Still
  // held"): the band from that account says whose it is, and the account's own label, one
  // column to the left, would otherwise run into it. Its hover still names the account.
  var drawn = {};
  function endKind(n) { return d["end" + n.kind.charAt(0).toUpperCase() + n.kind.slice(1)] || n.kind; }
  function nodeLabel(n) {
    if (n.role === "outside") { return d.outside; }
    if (n.role === "others") { return d.others; }
    if (n.role === "endpoint") {
      var kind = endKind(n);
      if (n.account_id && drawn[n.account_id]) { return kind; }
      return n.label ? kind + " — " + n.label : kind;
    }
    return n.label;
  }
  function nodeColour(n) {
    if (n.role === "endpoint") { return END[n.kind] || "#9e9e9e"; }
    return n.seed ? "#d62728" : "#37474f";
  }
  // Hover texts carry what a requisition quotes: the account's country and agent's place,
  // the bank references (ext_id) behind a link. Plotly reads customdata as HTML: escape it.
  function esc(text) {
    return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }
  function nodeFacts(n) {
    var named = n.role === "endpoint" && n.account_id && drawn[n.account_id] && n.label;
    var parts = [named ? n.label : "", n.country, n.place].filter(function (p) { return p; });
    return parts.length ? " · " + esc(parts.join(" · ")) : "";
  }
  var SHOWN_REFS = 5;
  function linkRefs(l) {
    var refs = l.references || [];
    if (!refs.length) { return ""; }
    var shown = refs.slice(0, SHOWN_REFS).map(esc).join(", ");
    var more = refs.length > SHOWN_REFS ? " … (+" + (refs.length - SHOWN_REFS) + ")" : "";
    return "<br>" + esc(d.refs) + " " + shown + more;
  }
  function draw(data) {
    var index = {};
    data.nodes.forEach(function (n, i) {
      index[n.id] = i;
      if (n.role === "account" && n.account_id) { drawn[n.account_id] = true; }
    });
    var currency = data.currency || "";
    var trace = {
      type: "sankey",
      arrangement: "freeform",
      valueformat: ",.0f",
      node: {
        label: data.nodes.map(nodeLabel),
        color: data.nodes.map(nodeColour),
        customdata: data.nodes.map(nodeFacts),
        hovertemplate: "%{label}%{customdata}<br>%{value} " + currency + "<extra></extra>",
        pad: 12, thickness: 14
      },
      link: {
        source: data.links.map(function (l) { return index[l.source]; }),
        target: data.links.map(function (l) { return index[l.target]; }),
        value: data.links.map(function (l) { return Number(l.amount); }),
        color: data.links.map(function (l) { return CHANNEL[l.channel] || CHANNEL.other; }),
        customdata: data.links.map(function (l) {
          return fmt.format(Number(l.amount)) + " " + currency + " · " + l.channel + linkRefs(l);
        }),
        hovertemplate: "%{source.label} → %{target.label}<br>%{customdata}<extra></extra>"
      }
    };
    var height = Math.max(420, Math.min(1400, 26 * data.nodes.length));
    return window.Plotly.newPlot(box, [trace], {height: height, margin: {l: 10, r: 10, t: 10, b: 10},
      font: {size: 11}}, {responsive: true, displaylogo: false});
  }
  var params = new URLSearchParams({seed: d.seed, direction: d.direction, policy: d.policy, hops: d.hops});
  if (d.window) { params.set("window_days", d.window); }
  document.body.dataset.ready = "0";
  fetch("/api/trace?" + params.toString(), {credentials: "same-origin", headers: {Accept: "application/json"}})
    .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
    .then(draw)
    .then(function () { document.body.dataset.ready = "1"; })
    .catch(function () { box.textContent = d.error; document.body.dataset.ready = "1"; });
})();
