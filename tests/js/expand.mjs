// Expand the first master VEVENT of an iCalendar object (stdin) with Mozilla's ical.js.
//   node tests/js/expand.mjs [maxOccurrences] < invite.ics
// Every VTIMEZONE in the object is registered with ICAL.TimezoneService (ical.js has no zone database
// of its own, so our VTIMEZONE is what it uses); overrides are attached with Event.relateException.
// Prints JSON: {"tzid": ..., "occurrences": [{"recurrenceId", "start", "end"}, ...]} with UTC ISO instants.
import ICAL from "ical.js";

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString("utf8");
}

const max = Number(process.argv[2] ?? 500);
const root = new ICAL.Component(ICAL.parse(await readStdin()));
for (const vtimezone of root.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(vtimezone);
}
const vevents = root.getAllSubcomponents("vevent");
const master = vevents.find((v) => !v.hasProperty("recurrence-id"));
if (!master) {
  console.error("no master VEVENT");
  process.exit(2);
}
const event = new ICAL.Event(master);
for (const v of vevents) {
  if (v !== master && v.hasProperty("recurrence-id")) event.relateException(v);
}
const tzid = event.startDate.zone ? event.startDate.zone.tzid : null;
if (!tzid || tzid === "floating") {
  console.error(`DTSTART time zone was not resolved (got ${tzid})`);
  process.exit(3);
}
const iso = (t) => t.toJSDate().toISOString();
const occurrences = [];
const it = event.iterator();
for (let next = it.next(); next && occurrences.length < max; next = it.next()) {
  const d = event.getOccurrenceDetails(next);
  occurrences.push({ recurrenceId: iso(d.recurrenceId), start: iso(d.startDate), end: iso(d.endDate) });
}
console.log(JSON.stringify({ tzid, occurrences }));
