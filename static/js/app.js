// Detects the visitor's time zone once and remembers it in the "tz" cookie, without reloading: the server guessed
// one from the browser's languages for this page, and shows the detected one from the next page on.
(function () {
  "use strict";
  var body = document.body;
  if (!body) return;
  var zone = "";
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { zone = ""; }
  if (!zone) return;
  if (body.dataset.tzKnown === "no") {
    document.cookie = "tz=" + zone + "; path=/; max-age=31536000; samesite=lax";
    document.querySelectorAll("select[data-detect-timezone]").forEach(function (select) {
      for (var i = 0; i < select.options.length; i++) {
        if (select.options[i].value === zone) { select.value = zone; break; }
      }
    });
  }
})();

// Live preview of the next sessions on the meeting form.
(function () {
  "use strict";
  var form = document.querySelector("form[data-preview-url]");
  if (!form) return;
  var target = document.getElementById("preview");
  var timer = null;
  function refresh() {
    var data = new FormData(form);
    fetch(form.dataset.previewUrl, { method: "POST", body: data, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) { if (html !== null && target) target.innerHTML = html; })
      .catch(function () {});
  }
  form.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(refresh, 350); });
  form.addEventListener("change", function () { clearTimeout(timer); timer = setTimeout(refresh, 150); });
})();

// "Share" on a meeting: the phone's own share sheet where there is one; the link stays selectable anyway.
(function () {
  "use strict";
  if (!navigator.share) return;
  document.querySelectorAll("button[data-share-button]").forEach(function (button) {
    var input = button.parentNode.querySelector("input[data-share-title]");
    if (!input) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.share({ title: input.dataset.shareTitle, url: input.value }).catch(function () {});
    });
  });
})();
