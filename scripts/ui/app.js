/*
 * attache's web page: the little script it uses (docs/web.md).  Every page
 * reads without it; with it, the page follows the store live (an event
 * stream of the store's changes: the page's content is fetched again
 * and put in place, without a reload), and the event form echoes how the
 * date typed is read ("mid March 2024" -> its EDTF and its reading).
 */
"use strict";

(function () {
  var main = document.getElementById("main");

  /* ---- live updates ---- */
  var live = main && main.getAttribute("data-live");
  var form = document.getElementById("event-form");
  var updates = 0, pending = null;

  function refresh() {
    pending = null;
    fetch(location.href, {credentials: "same-origin", headers: {"Accept": "text/html"}})
      .then(function (r) {
        if (!r.ok) throw new Error("HTTP " + r.status);
        return r.text();
      })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.getElementById("main");
        if (!fresh) return;
        /* what has focus, to give it back */
        var focusId = document.activeElement && document.activeElement.id;
        main.innerHTML = fresh.innerHTML;
        if (focusId && document.getElementById(focusId)) document.getElementById(focusId).focus();
        updates++;
        document.body.dataset.updates = String(updates);
        var say = document.getElementById("live-status");
        if (say) say.textContent = "Updated at " + new Date().toLocaleTimeString();
      })
      .catch(function () { /* the next change tries again */ });
  }

  var es = null;

  function listen() {
    if (es) return;
    es = new EventSource(live);
    es.addEventListener("change", function () {
      /* a burst of changes is one fetch */
      if (!pending) pending = setTimeout(refresh, 250);
    });
  }

  if (live && window.EventSource && !form) {
    var status = document.createElement("p");
    status.id = "live-status";
    status.className = "live";
    status.setAttribute("role", "status");
    main.parentNode.insertBefore(status, main.nextSibling);
    listen();
    /* A page left for another is kept by the browser (back/forward
     * cache): its stream would hold one of the few connections a browser
     * opens to a server.  Closed when left, opened again (and the page
     * brought up to date) when it comes back. */
    window.addEventListener("pagehide", function () {
      if (es) { es.close(); es = null; }
    });
    window.addEventListener("pageshow", function (e) {
      if (e.persisted) { listen(); refresh(); }
    });
  }

  /* ---- the date's echo in the form ---- */
  var when = document.getElementById("f-when");
  var echo = document.getElementById("when-echo");
  var timer = null, asked = 0;

  function show(text, bad) {
    echo.textContent = text;
    echo.className = bad ? "error" : "ok";
  }

  function ask() {
    var q = when.value.trim(), n = ++asked;
    if (!q) { show("", false); return; }
    fetch("/ui/dates?q=" + encodeURIComponent(q), {credentials: "same-origin"})
      .then(function (r) { return r.json().then(function (j) { return [r.status, j]; }); })
      .then(function (a) {
        if (n !== asked) return; /* an older answer */
        if (a[0] === 200) show(a[1].human + " [" + a[1].edtf + "]", false);
        else show((a[1].error && a[1].error.message) || "not a date", true);
      })
      .catch(function () {});
  }

  if (when && echo) {
    when.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, 200);
    });
    if (when.value) ask();
  }
})();
