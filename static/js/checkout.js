// Checkout: show only the address or the clinic choice that fits the chosen delivery.
// Without JavaScript both are shown and the server ignores the one not chosen.
(function () {
  "use strict";
  var form = document.querySelector(".checkout-form");
  if (!form) return;
  var radios = form.querySelectorAll('input[name="delivery_method"]');
  var groups = form.querySelectorAll("[data-show-for]");
  function update() {
    var chosen = form.querySelector('input[name="delivery_method"]:checked');
    groups.forEach(function (group) {
      group.hidden = chosen !== null && group.getAttribute("data-show-for") !== chosen.value;
    });
  }
  radios.forEach(function (radio) { radio.addEventListener("change", update); });
  update();
})();
