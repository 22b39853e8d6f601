// Clerk workstation: confirmations, and a refresh of the waiting list when
// the queue changes, unless the clerk is in the middle of a form.
(function () {
  "use strict";
  document.querySelectorAll("form[data-confirm]").forEach(function (f) {
    f.addEventListener("submit", function (e) {
      if (!window.confirm(f.getAttribute("data-confirm"))) { e.preventDefault(); }
    });
  });
  var bar = document.querySelector(".clerk-bar[data-hall]");
  if (!bar || !window.EventSource) { return; }
  var busy = function () {
    var a = document.activeElement;
    if (a && (a.tagName === "TEXTAREA" || a.tagName === "SELECT" || (a.tagName === "INPUT" && a.type !== "submit"))) { return true; }
    if (document.querySelector("details[open]")) { return true; }
    return Array.prototype.some.call(document.querySelectorAll(".complete-form input:checked, .complete-form textarea"), function (el) {
      return el.tagName === "TEXTAREA" ? el.value !== "" : el.type === "checkbox";
    });
  };
  var timer;
  var later = function () {
    clearTimeout(timer);
    timer = setTimeout(function () { if (!busy()) { location.replace(location.pathname); } }, 1500);
  };
  var events = new EventSource("/display/events?hall=" + encodeURIComponent(bar.getAttribute("data-hall")));
  events.addEventListener("queue", later);
})();
