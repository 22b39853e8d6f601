// Kiosk and ticket pages: print buttons, a live ticket status, and a return
// to the kiosk's start page after a while without use.
(function () {
  "use strict";

  document.querySelectorAll("[data-print]").forEach(function (b) {
    b.addEventListener("click", function () { window.print(); });
  });

  var body = document.body;
  var home = body.getAttribute("data-idle-home");
  if (home && location.pathname !== home) {
    var idle;
    var reset = function () {
      clearTimeout(idle);
      idle = setTimeout(function () { location.href = home; }, 120000);
    };
    ["click", "keydown", "touchstart"].forEach(function (e) { document.addEventListener(e, reset, { passive: true }); });
    reset();
  }

  var ticket = document.querySelector("[data-ticket]");
  if (!ticket) { return; }
  var id = ticket.getAttribute("data-ticket");
  var status = document.getElementById("ticket-status");
  var wait = document.getElementById("ticket-wait");
  var fill = function (el, attr, n) { return (el.getAttribute(attr) || "").replace("{n}", n); };

  var refresh = function () {
    fetch("/api/v1/tickets/" + id, { headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (t) {
        if (!t) { return; }
        if (t.status === "called" || t.status === "serving") {
          status.textContent = fill(status, "data-window", t.window_number);
          status.classList.add("called");
          wait.textContent = "";
        } else if (t.position !== null && t.position !== undefined) {
          status.textContent = fill(status, "data-ahead", t.position);
          status.classList.remove("called");
          // No open window can serve it: say so, never "0 minutes".
          wait.textContent = t.estimated_wait_minutes === null
            ? (wait.getAttribute("data-none") || "")
            : fill(wait, "data-wait", t.estimated_wait_minutes);
        } else {
          status.textContent = status.getAttribute("data-done");
          wait.textContent = "";
        }
      })
      .catch(function () {});
  };
  setInterval(refresh, 15000);
  if (window.EventSource) {
    var events = new EventSource("/display/events");
    events.addEventListener("call", refresh);
    events.addEventListener("queue", refresh);
  }
})();
