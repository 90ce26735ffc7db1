// relnotes preview: reload this page when the server has rebuilt it, and
// come back to the same scroll position. Injected by the preview server;
// never part of what `relnotes build` writes.
(function () {
  "use strict";
  var script = document.currentScript;
  var since = script ? script.getAttribute("data-since") : null;
  var key = "relnotes-preview-scroll:" + location.pathname;

  try {
    var saved = sessionStorage.getItem(key);
    if (saved) {
      sessionStorage.removeItem(key);
      var at = JSON.parse(saved);
      var restore = function () { window.scrollTo(at.x, at.y); };
      restore();
      window.addEventListener("load", restore);
    }
  } catch (e) { /* storage may be disabled: reload without scrolling */ }

  // Pages shown inside the compare view reload with it.
  if (!since || window.top !== window || !window.EventSource) return;

  var events = new EventSource("/_relnotes/events?since=" + encodeURIComponent(since));
  events.onmessage = function (e) {
    if (e.data !== "reload") return;
    events.close();
    try {
      sessionStorage.setItem(key, JSON.stringify({ x: window.scrollX, y: window.scrollY }));
    } catch (err) { /* ignore */ }
    location.reload();
  };
})();
