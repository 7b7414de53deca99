/* centinela report: sort tables by clicking headers; filter the question table.
   Reads only the DOM; never builds HTML from data (no innerHTML). */
(function () {
  "use strict";

  function cellKey(row, col, type) {
    var cell = row.cells[col];
    if (!cell) { return null; }
    if (type === "num") {
      var raw = cell.getAttribute("data-v");
      if (raw === null || raw === "") { return null; }
      var n = parseFloat(raw);
      return isNaN(n) ? null : n;
    }
    return cell.textContent.trim().toLowerCase();
  }

  function sortBy(table, th) {
    var col = th.cellIndex, type = th.getAttribute("data-type") || "text";
    var asc = th.getAttribute("aria-sort") !== "ascending";
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows).map(function (r, i) {
      return { row: r, key: cellKey(r, col, type), i: i };
    });
    rows.sort(function (a, b) {
      if (a.key === null && b.key === null) { return a.i - b.i; }
      if (a.key === null) { return 1; }
      if (b.key === null) { return -1; }
      var c = type === "num" ? a.key - b.key : a.key.localeCompare(b.key);
      return (asc ? c : -c) || a.i - b.i;
    });
    var frag = document.createDocumentFragment();
    rows.forEach(function (x) { frag.appendChild(x.row); });
    body.appendChild(frag);
    Array.prototype.forEach.call(th.parentNode.cells, function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", asc ? "ascending" : "descending");
  }

  function setupSort(table) {
    if (!table.tHead || !table.tBodies.length) { return; }
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) {
      th.setAttribute("tabindex", "0");
      th.addEventListener("click", function () { sortBy(table, th); });
      th.addEventListener("keydown", function (e) {
        if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sortBy(table, th); }
      });
    });
  }

  function setupFilter(box) {
    var table = document.getElementById(box.getAttribute("data-table"));
    if (!table) { return; }
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var texts = rows.map(function (r) { return r.textContent.toLowerCase(); });
    var shown = box.querySelector(".shown");
    function control(name) { return box.querySelector('[data-filter="' + name + '"]'); }
    function apply() {
      var q = (control("text") || {}).value || "";
      var terms = q.toLowerCase().split(/\s+/).filter(Boolean);
      var sel = {};
      ["run", "system", "set"].forEach(function (k) { var c = control(k); sel[k] = c ? c.value : ""; });
      var onlyFindings = control("findings") && control("findings").checked;
      var count = 0;
      rows.forEach(function (r, i) {
        var ok = terms.every(function (t) { return texts[i].indexOf(t) !== -1; });
        ["run", "system", "set"].forEach(function (k) {
          if (ok && sel[k] && r.getAttribute("data-" + k) !== sel[k]) { ok = false; }
        });
        if (ok && onlyFindings && r.getAttribute("data-findings") !== "1") { ok = false; }
        r.hidden = !ok;
        if (ok) { count += 1; }
      });
      if (shown) { shown.textContent = String(count); }
    }
    Array.prototype.forEach.call(box.querySelectorAll("[data-filter]"), function (c) {
      c.addEventListener(c.tagName === "SELECT" || c.type === "checkbox" ? "change" : "input", apply);
    });
    apply();
  }

  document.querySelectorAll("table.sortable").forEach(setupSort);
  document.querySelectorAll(".filters[data-table]").forEach(setupFilter);
}());
