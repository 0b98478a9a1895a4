// Staff calendar: bookings (read-only) and unavailable blocks (drag to create, move, resize;
// click to delete). The server refuses a block that would cover a booking, with a message.
document.addEventListener("DOMContentLoaded", () => {
  const el = document.getElementById("calendar");
  if (!el || !window.FullCalendar) return;
  const errorBox = document.getElementById("calendar-error");
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
    if (!response.ok) throw new Error(data.error || "저장하지 못했습니다. 잠시 후 다시 시도해 주세요.");
    return data;
  }

  const blockUrl = (pk) => el.dataset.blockUrl.replace(/0\/$/, `${pk}/`);

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

  const calendar = new FullCalendar.Calendar(el, {
    locale: "ko",
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
    events: { url: el.dataset.eventsUrl, failure: () => showError("일정을 불러오지 못했습니다.") },
    select: async (info) => {
      calendar.unselect();
      const reason = window.prompt("상담 불가 사유 (예: 교육, 회의)", "");
      if (reason === null) return;
      try {
        showError("");
        await send(el.dataset.createUrl, "POST", { start: info.start.toISOString(), end: info.end.toISOString(), reason });
        calendar.refetchEvents();
      } catch (err) {
        showError(err.message);
      }
    },
    eventDrop: moveBlock,
    eventResize: moveBlock,
    eventClick: async (info) => {
      if (info.event.extendedProps.kind !== "block") return; // bookings open the customer page (url)
      info.jsEvent.preventDefault();
      if (!info.event.startEditable) return;
      if (!window.confirm(`'${info.event.title}' 일정을 지울까요?`)) return;
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
});
