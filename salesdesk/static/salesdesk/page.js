/* Small behaviours of the pages, declared in the markup instead of inline handlers, so that the
   Content-Security-Policy can forbid inline script:
     data-submit-on-change          a select or input that submits its form when it changes
     data-print                     a button that prints the page
     data-check-all="<selector>"    a checkbox that checks or clears the boxes the selector finds
     data-query-into="<field>"      a form that copies the page's query string into that field on submit
     data-confirm="<question>"      a form that asks before it is sent
   Listeners sit on the document, so content that htmx swaps in behaves the same. */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var field = event.target.closest("[data-submit-on-change]");
    if (field && field.form) { field.form.submit(); }
  });
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) { window.print(); return; }
    var all = event.target.closest("[data-check-all]");
    if (all) {
      document.querySelectorAll(all.getAttribute("data-check-all")).forEach(function (box) { box.checked = all.checked; });
    }
  });
  document.addEventListener("submit", function (event) {
    var asking = event.target.closest("[data-confirm]");
    if (asking && !window.confirm(asking.getAttribute("data-confirm"))) { event.preventDefault(); return; }
    var form = event.target.closest("[data-query-into]");
    if (form) { form.elements[form.getAttribute("data-query-into")].value = location.search.slice(1); }
  });
})();
