// On a narrow screen the header menu folds behind its button (motcua.css); without this script it stays open.
// Loaded right after the menu, before the page is shown, so that a phone never sees it open then folding.
(function () {
  var button = document.querySelector(".menu-button");
  var menu = document.getElementById(button.getAttribute("aria-controls"));
  if (!menu.querySelector("a, button")) return; // nothing to fold: a page before logging in
  button.hidden = false;
  function fold(open) { button.setAttribute("aria-expanded", String(open)); }
  button.addEventListener("click", function () { fold(button.getAttribute("aria-expanded") !== "true"); });
  menu.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { fold(false); button.focus(); }
  });
})();
