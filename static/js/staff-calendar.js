// Staff calendar: bookings (open their booking page), unavailable blocks (drag to create, move,
// resize; click to delete) and closed days (public holidays, branch closing days) in the background.
// The server refuses a block that would cover a booking, with a message. The "차단 추가" form does
// the same as a drag, with the keyboard. A drag (mouse, or touch: a short press then a drag) asks the
// reason in a modal <dialog> (focus inside, Esc closes, focus back after), never with prompt(); a
// booking in the way is refused before the dialog opens.
document.addEventListener("DOMContentLoaded", () => {
  const el = document.getElementById("calendar");
  if (!el || !window.FullCalendar) return;
  const errorBox = document.getElementById("calendar-error");
  // Messages come translated from the page (data-msg-*); {name} marks a value filled in here.
  const msg = (key, values = {}) =>
    (el.dataset[key] || "").replace(/\{(\w+)\}/g, (all, name) => (name in values ? values[name] : all));
  const showError = (text) => {
    errorBox.textContent = text;
    errorBox.classList.toggle("d-none", !text);
  };

  async function send(url, method, body) {
    const response = await fetch(url, {
      method,
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": el.dataset.csrf },
      body: body ? JSON.stringify(body) : undefined,
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(data.error || msg("msgSaveFailed"));
    return data;
  }

  const blockUrl = (pk) => el.dataset.blockUrl.replace(/0\/$/, `${pk}/`);
  const statusBox = document.getElementById("calendar-status");
  const form = document.getElementById("block-form");
  const box = document.getElementById("block-form-box");
  const pad = (n) => String(n).padStart(2, "0");
  const dateValue = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  const timeValue = (d) => `${pad(d.getHours())}:${pad(d.getMinutes())}`;

  // A booking in the way is said at once, before anyone types a reason.
  function bookingInTheWay(start, end) {
    return calendar.getEvents().find(
      (ev) => ev.extendedProps.kind !== "block" && ev.extendedProps.kind !== "closed" && ev.start < end && ev.end > start
    );
  }

  async function createBlock(start, end, reason) {
    try {
      showError("");
      await send(el.dataset.createUrl, "POST", { start: start.toISOString(), end: end.toISOString(), reason });
      calendar.refetchEvents();
      statusBox.textContent = msg("msgAdded", { when: `${dateValue(start)} ${timeValue(start)}–${timeValue(end)}` });
      return true;
    } catch (err) {
      showError(err.message);
      return false;
    }
  }

  async function moveBlock(info) {
    try {
      showError("");
      await send(blockUrl(info.event.extendedProps.pk), "POST", {
        start: info.event.start.toISOString(), end: info.event.end.toISOString(),
      });
    } catch (err) {
      info.revert();
      showError(err.message);
    }
  }

  const dialog = document.getElementById("block-dialog");
  const when = document.getElementById("block-dialog-when");
  let picked = null;
  if (dialog) {
    // Enter in the reason adds (the only submit button); 취소 and Esc close with nothing saved
    dialog.querySelector("[data-dialog-cancel]").addEventListener("click", () => dialog.close("cancel"));
    dialog.addEventListener("close", async () => {
      const chosen = picked;
      picked = null;
      if (dialog.returnValue !== "ok" || !chosen) return;
      await createBlock(chosen.start, chosen.end, dialog.querySelector("[name=reason]").value.trim());
    });
  }

  const calendar = new FullCalendar.Calendar(el, {
    locale: document.documentElement.lang === "en" ? "en" : "ko",
    initialDate: el.dataset.initial,
    firstDay: 1,
    timeZone: "local",
    initialView: window.matchMedia("(max-width: 767px)").matches ? "timeGridDay" : "timeGridWeek",
    headerToolbar: { left: "prev,next today", center: "title", right: "timeGridWeek,timeGridDay,listWeek" },
    allDaySlot: false,
    slotMinTime: "08:00:00",
    slotMaxTime: "19:00:00",
    slotDuration: "00:30:00",
    eventTimeFormat: { hour: "2-digit", minute: "2-digit", hour12: false },
    slotLabelFormat: { hour: "2-digit", minute: "2-digit", hour12: false },
    weekends: false,
    nowIndicator: true,
    height: "auto",
    businessHours: { daysOfWeek: [1, 2, 3, 4, 5], startTime: el.dataset.opens, endTime: el.dataset.closes },
    selectable: true,
    selectMirror: true,
    // on a touch screen a short press starts the drag (the default second-long press read as text
    // selection); the grid itself selects no text (omnihana.css)
    selectLongPressDelay: 250,
    eventLongPressDelay: 250,
    // A closed day takes no bookings: there is nothing to block on it.
    selectOverlap: (event) => event.extendedProps.kind !== "closed",
    eventOverlap: (stillEvent) => stillEvent.extendedProps.kind !== "closed",
    events: { url: el.dataset.eventsUrl, failure: () => showError(msg("msgLoadFailed")) },
    select: (info) => {
      calendar.unselect();
      if (bookingInTheWay(info.start, info.end)) {
        showError(msg("msgBookingInTheWay"));
        return;
      }
      showError("");
      const offered = (select, d) => [...select.options].some((o) => (o.value || o.text) === timeValue(d));
      if (!offered(form.elements.start, info.start) || !offered(form.elements.end, info.end)) {
        showError(msg("msgGrid"));
        return;
      }
      if (!dialog || typeof dialog.showModal !== "function") {
        // no <dialog> in this browser: the same form as the keyboard, filled in
        form.elements.date.value = dateValue(info.start);
        form.elements.start.value = timeValue(info.start);
        form.elements.end.value = timeValue(info.end);
        box.open = true;
        form.elements.reason.focus();
        return;
      }
      picked = { start: info.start, end: info.end };
      when.textContent = `${dateValue(info.start)} ${timeValue(info.start)}–${timeValue(info.end)}`;
      dialog.querySelector("[name=reason]").value = "";
      dialog.returnValue = ""; // Esc keeps the last value: never let it re-add the previous one
      dialog.showModal();
      dialog.querySelector("[name=reason]").focus();
    },
    viewDidMount: () => {
      // FullCalendar's arrow glyphs are role="img" without a name; the buttons carry the name.
      el.querySelectorAll(".fc-icon").forEach((icon) => icon.setAttribute("aria-hidden", "true"));
    },
    eventDrop: moveBlock,
    eventResize: moveBlock,
    eventClick: async (info) => {
      if (info.event.extendedProps.kind !== "block") return; // bookings open their page (url)
      info.jsEvent.preventDefault();
      if (!info.event.startEditable) return;
      if (!window.confirm(msg("msgDelete", { title: info.event.title }))) return;
      try {
        showError("");
        await send(blockUrl(info.event.extendedProps.pk), "DELETE");
        info.event.remove();
      } catch (err) {
        showError(err.message);
      }
    },
  });
  calendar.render();
  el.querySelectorAll(".fc-icon").forEach((icon) => icon.setAttribute("aria-hidden", "true"));

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const { date, start, end, reason } = form.elements;
    const from = new Date(`${date.value}T${start.value}`);
    const to = new Date(`${date.value}T${end.value}`);
    if (!date.value || !start.value || !end.value || Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())) {
      showError(msg("msgNeedTimes"));
      return;
    }
    if (to <= from) {
      showError(msg("msgEndAfterStart"));
      end.focus();
      return;
    }
    if (await createBlock(from, to, reason.value.trim())) {
      reason.value = "";
      calendar.gotoDate(from);
    }
  });
});
