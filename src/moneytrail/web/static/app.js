// moneytrail workbench: the little glue every page shares (no inline scripts: the CSP forbids
// them). htmx requests carry the session's CSRF token in a header, as forms carry it in a field.
"use strict";
document.addEventListener("htmx:configRequest", function (event) {
  event.detail.headers["X-CSRF-Token"] = document.body.dataset.csrf;
});
window.moneytrail = {
  csrf: function () { return document.body.dataset.csrf; },
  lang: function () { return document.body.dataset.lang || "fr"; },
  download: function (name, blob) {
    var url = URL.createObjectURL(blob);
    var a = document.createElement("a");
    a.href = url; a.download = name; document.body.appendChild(a); a.click();
    setTimeout(function () { URL.revokeObjectURL(url); a.remove(); }, 0);
  }
};
