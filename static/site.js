// Small enhancements for every page; each works without it as well.
(function () {
  "use strict";
  // Print buttons (a print view also offers the browser's own print).
  document.querySelectorAll("[data-print]").forEach(function (b) {
    b.hidden = false;
    b.addEventListener("click", function () { window.print(); });
  });
})();
