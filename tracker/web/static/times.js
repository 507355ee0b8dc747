// Times for people: every <time datetime="...T...Z"> (the `timetag` filter) is shown in the reader's
// time zone and language, in relative words where they help ("3 hours ago", "yesterday at 14:02",
// "Monday at 09:10", "in 5 minutes", "in 3 days at 14:02"), as a local date beyond a week. The
// exact UTC text stays in the title, for hover; without JavaScript the UTC text itself stays. The
// words are refreshed every minute.
(function () {
  "use strict";
  const language = navigator.language || "en";
  const MINUTE = 60 * 1000;
  const HOUR = 60 * MINUTE;
  const relative = new Intl.RelativeTimeFormat(language, { numeric: "auto" });
  const clock = new Intl.DateTimeFormat(language, { hour: "numeric", minute: "2-digit" });
  const weekday = new Intl.DateTimeFormat(language, { weekday: "long" });
  const full = new Intl.DateTimeFormat(language, { dateStyle: "medium", timeStyle: "short" });
  const joiner = dateTimeJoiner();

  // The words a language puts between a day and a time (" at " in English, " um " in German, " "
  // in Japanese), read from the language's own long date-and-time format.
  function dateTimeJoiner() {
    const parts = new Intl.DateTimeFormat(language, { dateStyle: "long", timeStyle: "short" })
      .formatToParts(new Date(Date.UTC(2026, 2, 5, 14, 2)));
    const first = parts.findIndex((part) => part.type === "hour" || part.type === "dayPeriod");
    const before = parts[first - 1];
    return before && before.type === "literal" ? before.value : ", ";
  }

  // Whole local calendar days from today to the moment's day (negative in the past).
  function dayDistance(moment, now) {
    const midnight = (date) => new Date(date.getFullYear(), date.getMonth(), date.getDate());
    return Math.round((midnight(moment) - midnight(now)) / (24 * HOUR));
  }

  function describe(moment, now) {
    const ahead = moment - now;
    const distance = Math.abs(ahead);
    if (distance < MINUTE) return relative.format(0, "second");
    if (distance < HOUR) return relative.format(Math.round(ahead / MINUTE), "minute");
    if (distance < 6 * HOUR) return relative.format(Math.round(ahead / HOUR), "hour");
    const days = dayDistance(moment, now);
    if (Math.abs(days) <= 1) return relative.format(days, "day") + joiner + clock.format(moment);
    if (days > 0 && days < 7) return relative.format(days, "day") + joiner + clock.format(moment);
    if (days < 0 && days > -7) return weekday.format(moment) + joiner + clock.format(moment);
    return full.format(moment);
  }

  function show() {
    const now = new Date();
    for (const element of document.querySelectorAll("time[datetime*='T']")) {
      const moment = new Date(element.getAttribute("datetime"));
      if (Number.isNaN(moment.getTime())) continue;
      if (!element.title) element.title = element.textContent.trim();
      element.textContent = describe(moment, now);
    }
  }

  // A time the reader types (<input type="datetime-local" data-local-time>) is in the reader's zone,
  // as the times shown are; the server reads a time without a zone as UTC, so the form sends it with
  // its zone. Without JavaScript the label keeps saying "(UTC)" and the server reads it so.
  function sendTypedTimesWithTheirZone() {
    for (const input of document.querySelectorAll("input[type=datetime-local][data-local-time]")) {
      const zone = input.form.querySelector("[data-zone-name]");
      if (zone) zone.textContent = "(your time)";
      input.form.addEventListener("submit", () => {
        const moment = new Date(input.value);  // a value without a zone is local time
        if (Number.isNaN(moment.getTime())) return;
        const sent = document.createElement("input");
        sent.type = "hidden";
        sent.name = input.name;
        sent.value = moment.toISOString();
        input.removeAttribute("name");
        input.form.append(sent);
      });
    }
  }

  show();
  sendTypedTimesWithTheirZone();
  setInterval(show, MINUTE);
})();
