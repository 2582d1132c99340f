// The embedded schedule is shown in the visitor's zone: without ?tz= in its address, reload once with the
// browser's zone (a framed page usually gets no cookies). Nothing else runs here.
(function () {
  if (document.body.dataset.tzKnown === "yes") return;
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!zone) return;
  var url = new URL(window.location.href);
  if (url.searchParams.get("tz")) return;
  url.searchParams.set("tz", zone);
  window.location.replace(url.toString());
})();
