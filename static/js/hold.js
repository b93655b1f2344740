// Counts down the time a chosen slot is held. The page says the end time as text,
// so without this script nothing is lost.
(function () {
  var note = document.querySelector(".hold-note[data-expires]");
  if (!note) return;
  var expires = new Date(note.getAttribute("data-expires"));
  var live = document.createElement("span");
  live.className = "hold-countdown";
  note.appendChild(document.createTextNode(" "));
  note.appendChild(live);
  function tick() {
    var left = Math.round((expires - new Date()) / 1000);
    if (left <= 0) {
      live.textContent = "Reservationen har gått ut, men du kan fortfarande boka om tiden är ledig.";
      return;
    }
    var minutes = Math.floor(left / 60);
    live.textContent = "(" + minutes + " min kvar)";
    setTimeout(tick, 30000);
  }
  tick();
})();
