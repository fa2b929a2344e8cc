/* The fleet report's behaviour (inlined; its sha256 is in the page's CSP).
   Data from hosts reaches the page as text only: the history is JSON read with JSON.parse and
   handed to Chart.js (which draws it on a canvas); filters compare indexes and data attributes
   and toggle `hidden` on rows built once in the HTML. Nothing here writes HTML. */
(function () {
  "use strict";
  var byId = function (id) { return document.getElementById(id); };

  // --- drift over time ------------------------------------------------------------------------
  var hist = JSON.parse(byId("history-data").textContent);
  var canvas = byId("drift-chart");
  if (canvas && window.Chart) {
    var line = function (label, data, color, dash) {
      return { type: "line", label: label, data: data, borderColor: color, backgroundColor: color,
               borderDash: dash || [], tension: 0, pointRadius: data.length > 60 ? 0 : 3,
               yAxisID: "y" };
    };
    var bar = function (label, data, color) {
      return { type: "bar", label: label, data: data, backgroundColor: color, yAxisID: "y" };
    };
    new window.Chart(canvas, {
      data: {
        labels: hist.labels,
        datasets: [
          line("failing findings", hist.findings, "#c62828"),
          line("drifted hosts", hist.drifted, "#1d4ed8"),
          line("unreachable hosts", hist.unreachable, "#b26a00", [5, 4]),
          bar("new", hist["new"], "rgba(216, 67, 21, 0.45)"),
          bar("resolved", hist.resolved, "rgba(46, 125, 50, 0.45)")
        ]
      },
      options: {
        animation: false, responsive: true, maintainAspectRatio: false,
        interaction: { mode: "index", intersect: false },
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } },
                  x: { ticks: { maxRotation: 0, autoSkip: true, maxTicksLimit: 8 } } },
        plugins: {
          legend: { position: "bottom", labels: { boxWidth: 12 } },
          tooltip: { callbacks: { title: function (items) {
            var i = items.length ? items[0].dataIndex : 0;
            return "run " + hist.run_ids[i] + " · " + hist.labels[i];
          } } }
        }
      }
    });
  }

  // --- host filters ---------------------------------------------------------------------------
  var hostSel = byId("f-host"), stateSel = byId("f-state"), kindSel = byId("f-kind");
  var newBox = byId("f-new"), search = byId("f-search"), count = byId("f-count");
  var hosts = Array.prototype.map.call(document.querySelectorAll("#host-list > details.host"),
    function (el) {
      return {
        el: el, idx: el.getAttribute("data-idx"), state: el.getAttribute("data-state"),
        name: el.querySelector(".host-name").textContent.toLowerCase(),
        wasOpen: el.open,
        rows: Array.prototype.map.call(el.querySelectorAll("tr.finding"), function (tr) {
          return { el: tr, kind: tr.getAttribute("data-kind"),
                   isNew: tr.getAttribute("data-new") === "1",
                   text: tr.textContent.toLowerCase() };
        })
      };
    });

  function apply() {
    var host = hostSel.value, state = stateSel.value, kind = kindSel.value;
    var newOnly = newBox.checked, q = search.value.trim().toLowerCase();
    var active = !!(host || state || kind || newOnly || q);
    var shown = 0;
    for (var i = 0; i < hosts.length; i++) {
      var h = hosts[i];
      var ok = (!host || h.idx === host) && (!state || h.state === state);
      var nameHit = !!q && h.name.indexOf(q) !== -1;
      var needRow = !!(kind || newOnly || (q && !nameHit));
      var anyRow = false;
      for (var j = 0; j < h.rows.length; j++) {
        var r = h.rows[j];
        var rowOk = ok && (!kind || r.kind === kind) && (!newOnly || r.isNew) &&
                    (!q || nameHit || r.text.indexOf(q) !== -1);
        if (r.el.hidden === rowOk) { r.el.hidden = !rowOk; }
        anyRow = anyRow || rowOk;
      }
      var visible = ok && (!needRow || anyRow);
      if (h.el.hidden === visible) { h.el.hidden = !visible; }
      if (visible) {
        shown++;
        var open = active ? true : h.wasOpen;
        if (h.el.open !== open) { h.el.open = open; }
      }
    }
    count.textContent = shown + " of " + hosts.length + " hosts";
  }

  [hostSel, stateSel, kindSel, newBox].forEach(function (el) {
    el.addEventListener("change", apply);
  });
  search.addEventListener("input", apply);
  byId("filters").addEventListener("submit", function (ev) { ev.preventDefault(); });
  byId("f-reset").addEventListener("click", function () {
    hostSel.value = ""; stateSel.value = ""; kindSel.value = ""; newBox.checked = false;
    search.value = ""; apply();
  });

  // a heat-map cell (or host name) filters the host list to that host (and kind)
  var heat = byId("heatmap");
  if (heat) {
    var pick = function (ev) {
      var cell = ev.target.closest("[data-idx]");
      if (!cell) { return; }
      hostSel.value = cell.getAttribute("data-idx");
      var k = cell.getAttribute("data-kind");
      kindSel.value = k && Array.prototype.some.call(kindSel.options, function (o) {
        return o.value === k; }) ? k : "";
      stateSel.value = ""; newBox.checked = false; search.value = "";
      apply();
      byId("hosts").scrollIntoView();
    };
    heat.addEventListener("click", pick);
    heat.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); pick(ev); }
    });
  }
})();
