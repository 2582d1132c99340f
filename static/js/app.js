// Detects the visitor's time zone once and tells the server, which then shows times in it.
(function () {
  "use strict";
  var body = document.body;
  if (!body) return;
  var zone = "";
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { zone = ""; }
  document.querySelectorAll("input[data-detect-timezone]").forEach(function (input) {
    if (!input.value && zone) input.value = zone;
  });
  if (body.dataset.tzKnown === "no" && zone && !sessionStorage.getItem("tz-detected")) {
    sessionStorage.setItem("tz-detected", "1");
    var next = window.location.pathname + window.location.search;
    window.location.replace(body.dataset.tzUrl + "?tz=" + encodeURIComponent(zone) + "&next=" + encodeURIComponent(next));
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
