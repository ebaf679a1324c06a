// Live dashboard: the server says when the figures moved (server-sent events); the figures are then
// fetched again and swapped in place, without reloading the page. The server either holds the stream open
// or answers at once with the time to come back (EventSource then reconnects by itself: polling).
(function () {
  var live = document.getElementById("live");
  if (!live || !window.EventSource) return;
  var version = live.dataset.version;
  var busy = false;
  function refresh() {
    if (busy) return;
    busy = true;
    var url = new URL(window.location.href);
    url.searchParams.set("partial", "1");
    fetch(url, { headers: { "X-Requested-With": "fetch" } })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) { live.innerHTML = html; live.classList.add("flash"); setTimeout(function () { live.classList.remove("flash"); }, 800); })
      .finally(function () { busy = false; });
  }
  function connect() {
    var source = new EventSource(live.dataset.events + "?since=" + encodeURIComponent(version));
    source.addEventListener("changed", function (e) {
      var next = JSON.parse(e.data).version;
      if (String(next) !== String(version)) { version = next; refresh(); }
    });
    // An error answer (the streams' server restarting, say) stops EventSource for good: try again later.
    source.addEventListener("error", function () {
      if (source.readyState === EventSource.CLOSED) setTimeout(connect, 10000);
    });
  }
  connect();
})();
