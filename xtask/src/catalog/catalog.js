// The index's instant search, over window.MESH_CATALOG (search-index.js). Results are built with
// DOM calls and textContent only: nothing from the data is parsed as markup.
(function () {
  "use strict";
  var data = window.MESH_CATALOG;
  var input = document.getElementById("q");
  if (!data || !input) { return; }
  var col = {};
  data.fields.forEach(function (name, i) { col[name] = i; });
  var results = document.getElementById("results");
  var count = document.getElementById("count");
  var form = document.getElementById("search-form");
  var filters = ["domain", "layer", "sla"].map(function (id) { return document.getElementById(id); });
  var LIMIT = 50;

  // Each product's searchable words, lower case, with what kind of word each is.
  var docs = data.products.map(function (p) {
    var words = [];
    function add(kind, value) {
      String(value).toLowerCase().split(/[\s.@,;:()\/]+/).forEach(function (w) {
        if (w) { words.push([w, kind, value]); }
      });
      words.push([String(value).toLowerCase(), kind, value]);
    }
    add("product", p[col.id]); add("product", p[col.name]); add("domain", p[col.domain]);
    add("layer", p[col.layer]); add("owner", p[col.owner]);
    p[col.tags].forEach(function (t) { add("tag", t); });
    p[col.fields].forEach(function (f) { add("field", f); });
    p[col.pii].forEach(function (c) { add("PII class", c); });
    return { p: p, words: words, text: String(p[col.description]).toLowerCase() };
  });

  // Every query word must start some word of the product (or, from 3 letters, occur in its
  // description); exact words and names rank first.
  function score(doc, terms) {
    var total = 0, why = [];
    for (var i = 0; i < terms.length; i++) {
      var best = 0, reason = null;
      for (var j = 0; j < doc.words.length; j++) {
        var w = doc.words[j];
        var s = w[0] === terms[i] ? 4 : (w[0].indexOf(terms[i]) === 0 ? 2 : (w[0].indexOf(terms[i]) > 0 ? 0.5 : 0));
        if (s > 0 && w[1] === "product") { s += 1; }
        if (s > best) { best = s; reason = w; }
      }
      if (best === 0 && terms[i].length >= 3 && doc.text.indexOf(terms[i]) >= 0) { best = 0.25; reason = null; }
      if (best === 0) { return null; }
      total += best;
      if (reason && reason[1] !== "product") { why.push(reason[1] + " " + reason[2]); }
    }
    return { score: total, why: why };
  }

  function render() {
    var terms = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    var wanted = filters.map(function (f) { return f ? f.value : ""; });
    var hits = [];
    docs.forEach(function (doc) {
      var p = doc.p;
      if (wanted[0] && p[col.domain] !== wanted[0]) { return; }
      if (wanted[1] && p[col.layer] !== wanted[1]) { return; }
      if (wanted[2] && p[col.sla] !== wanted[2]) { return; }
      var s = terms.length ? score(doc, terms) : { score: 0, why: [] };
      if (s) { hits.push({ doc: doc, score: s.score, why: s.why }); }
    });
    hits.sort(function (a, b) { return b.score - a.score || (a.doc.p[col.id] < b.doc.p[col.id] ? -1 : 1); });
    while (results.firstChild) { results.removeChild(results.firstChild); }
    hits.slice(0, LIMIT).forEach(function (hit) {
      var p = hit.doc.p;
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = "products/" + p[col.id] + ".html";
      a.textContent = p[col.id];
      li.appendChild(a);
      [p[col.layer], p[col.owner]].forEach(function (t, i) {
        var span = document.createElement("span");
        span.className = i === 0 ? "badge" : "owner";
        span.textContent = t;
        li.appendChild(span);
      });
      var desc = document.createElement("p");
      desc.textContent = p[col.description];
      li.appendChild(desc);
      if (hit.why.length) {
        var why = document.createElement("p");
        why.className = "why";
        why.textContent = "matched " + hit.why.join(", ");
        li.appendChild(why);
      }
      results.appendChild(li);
    });
    var n = hits.length;
    count.textContent = n + (n === 1 ? " product" : " products") + (n > LIMIT ? " (first " + LIMIT + " shown)" : "");
  }

  input.addEventListener("input", render);
  filters.forEach(function (f) { if (f) { f.addEventListener("change", render); } });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var first = results.querySelector("a");
    if (first) { window.location.href = first.href; }
  });
  var params = new URLSearchParams(window.location.search);
  if (params.get("q")) { input.value = params.get("q"); }
  render();
  input.focus();
}());
