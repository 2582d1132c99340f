// Attendance buttons: without JavaScript each button is a small form that reloads the page. With it, the mark is
// sent in the background and the pressed button changes at once; any failure falls back to the normal form post.
(function () {
  "use strict";
  document.querySelectorAll(".mark-buttons form").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      var button = event.submitter || form.querySelector("button");
      if (!window.fetch || !button) return;
      event.preventDefault();
      var data = new FormData(form);
      data.set(button.name, button.value);
      var group = form.closest(".mark-buttons");
      var item = form.closest(".attendee");
      group.setAttribute("aria-busy", "true");
      fetch(form.action, { method: "POST", body: data, credentials: "same-origin", redirect: "follow" })
        .then(function (response) {
          if (!response.ok) throw new Error("status " + response.status);
          group.querySelectorAll("button").forEach(function (other) {
            other.setAttribute("aria-pressed", other === button ? "true" : "false");
          });
          var state = item && item.querySelector(".attendee-name .meta");
          if (state) state.textContent = button.textContent;
          group.removeAttribute("aria-busy");
        })
        .catch(function () {
          var field = document.createElement("input");
          field.type = "hidden"; field.name = button.name; field.value = button.value;
          form.appendChild(field);
          form.submit();
        });
    });
  });
})();
