// "Print referral sheet" buttons (button[data-print]): shown only where this script runs, as they
// need it; each opens the browser's print dialog (the print stylesheet makes the sheet).
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll("button[data-print]"), function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();
