// The calling board: live over Server-Sent Events. Every (re)connection
// starts with a snapshot, so a board that lost its connection catches up.
(function () {
  "use strict";
  var body = document.body;
  var hall = body.getAttribute("data-hall");
  var sayTemplate = body.getAttribute("data-say") || "";
  var windowLabel = (document.getElementById("window-label") || {}).textContent || "{n}";
  var latest = document.getElementById("latest");
  var callsList = document.getElementById("calls");
  var zonesList = document.getElementById("zones");
  var offline = document.getElementById("offline");
  var voiceButton = document.getElementById("voice");
  var clock = document.getElementById("clock");
  var voice = false;

  // The hall's clock: the server's instant (a display PC's clock may be
  // wrong) shown in the hall's time zone (the PC's may be another).
  var pad = function (n) { return (n < 10 ? "0" : "") + n; };
  var skew = (parseInt(body.getAttribute("data-now-ms"), 10) || Date.now()) - Date.now();
  var offsetMin = parseInt(body.getAttribute("data-offset-min"), 10) || 0;
  var format = null;
  try {
    format = new Intl.DateTimeFormat("en-GB", {
      timeZone: body.getAttribute("data-tz"), hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23"
    });
  } catch (e) { format = null; }
  var tick = function () {
    var now = new Date(Date.now() + skew);
    if (format) {
      clock.textContent = format.format(now);
    } else {
      var d = new Date(now.getTime() + offsetMin * 60000);
      clock.textContent = pad(d.getUTCHours()) + ":" + pad(d.getUTCMinutes()) + ":" + pad(d.getUTCSeconds());
    }
  };
  tick();
  setInterval(tick, 1000);

  voiceButton.addEventListener("click", function () {
    voice = !voice;
    voiceButton.setAttribute("aria-pressed", voice ? "true" : "false");
  });

  var speak = function (number, windowNumber) {
    if (!voice || !window.speechSynthesis) { return; }
    // Read the letter and digits one by one: "A 0 2 3".
    var spoken = number.split("").join(" ");
    var text = sayTemplate.replace("%N", spoken).replace("%W", windowNumber);
    var u = new SpeechSynthesisUtterance(text);
    u.lang = "zh-CN";
    u.rate = 0.85;
    window.speechSynthesis.speak(u);
  };

  var renderCalls = function (calls) {
    callsList.textContent = "";
    calls.forEach(function (c, i) {
      var li = document.createElement("li");
      if (i === 0) { li.className = "newest"; }
      var n = document.createElement("span");
      n.className = "n";
      n.textContent = c.number;
      var w = document.createElement("span");
      w.className = "w";
      w.textContent = windowLabel.replace("{n}", c.window_number);
      li.appendChild(n);
      li.appendChild(w);
      callsList.appendChild(li);
    });
    latest.textContent = calls.length ? calls[0].number + " → " + windowLabel.replace("{n}", calls[0].window_number) : "—";
  };

  var renderZones = function (zones) {
    zonesList.textContent = "";
    zones.forEach(function (z) {
      var li = document.createElement("li");
      li.textContent = z.letter + " " + z.name + "：" + z.waiting;
      zonesList.appendChild(li);
    });
  };

  var state = { calls: [] };
  var render = function (s) {
    state = s;
    renderCalls(s.calls || []);
    renderZones(s.zones || []);
  };
  var reload = function () {
    fetch("/display/state?hall=" + encodeURIComponent(hall))
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (s) { if (s) { render(s); } })
      .catch(function () {});
  };

  var source = new EventSource("/display/events?hall=" + encodeURIComponent(hall));
  source.addEventListener("open", function () { offline.hidden = true; });
  source.addEventListener("error", function () { offline.hidden = false; });
  source.addEventListener("snapshot", function (e) { render(JSON.parse(e.data)); });
  source.addEventListener("call", function (e) {
    var c = JSON.parse(e.data);
    var called = { number: c.number, window_number: c.window_number, called_at: "" };
    state.calls = [called].concat((state.calls || []).filter(function (x) { return x.number !== c.number; })).slice(0, 12);
    renderCalls(state.calls);
    latest.classList.remove("flash");
    void latest.offsetWidth;
    latest.classList.add("flash");
    speak(c.number, c.window_number);
    reload();
  });
  source.addEventListener("queue", reload);
})();
