// The booking and reschedule slot picker (templates/consultations/_slot_picker.html and _slot_picker_bar.html).
// Without JavaScript every day of the week is listed with its slots. Here: a strip of the week's days (the
// ones without a free slot stay disabled), the slots of the chosen day only, and the summary of the choice
// in the sticky bar next to the submit button. The radio inputs named "slot" are what the form posts.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-slot-picker]").forEach((picker) => {
    const form = picker.closest("form");
    const strip = picker.querySelector("[data-day-strip]");
    const summary = form && form.querySelector("[data-slot-summary]");
    if (!strip || !form) return;
    const buttons = Array.from(strip.querySelectorAll("button[data-day]"));
    const groups = new Map(
      Array.from(picker.querySelectorAll("fieldset[data-day]")).map((group) => [group.dataset.day, group]),
    );
    const open = buttons.filter((button) => !button.disabled);

    const choose = (day) => {
      buttons.forEach((button) => {
        const chosen = button.dataset.day === day;
        button.setAttribute("aria-pressed", String(chosen));
        if (chosen) button.setAttribute("aria-current", "date");
        else button.removeAttribute("aria-current");
        button.tabIndex = chosen ? 0 : -1;
      });
      groups.forEach((group, key) => group.classList.toggle("is-current", key === day));
    };

    const describe = () => {
      if (!summary) return;
      summary.classList.remove("is-missing");
      const checked = picker.querySelector("input[name=slot]:checked");
      if (!checked) {
        summary.textContent = summary.dataset.empty;
        summary.classList.remove("is-chosen");
        return;
      }
      const group = checked.closest("fieldset[data-day]");
      const time = picker.querySelector(`label[for="${checked.id}"]`).textContent.trim();
      const channel = picker.dataset.channel ? ` · ${picker.dataset.channel}` : "";
      summary.textContent = `${group.dataset.label} ${time}${channel}`;
      summary.classList.add("is-chosen");
    };

    strip.hidden = false;
    if (summary) summary.hidden = false; // without JavaScript it could not follow the choice
    picker.classList.add("is-enhanced");
    if (!open.length) {
      picker.querySelector("[data-slot-none]").hidden = false;
      picker.querySelector(".oh-slots").hidden = true;
      return;
    }
    const checked = picker.querySelector("input[name=slot]:checked");
    choose(checked ? checked.closest("fieldset[data-day]").dataset.day : open[0].dataset.day);
    describe();

    buttons.forEach((button) => {
      button.addEventListener("click", () => choose(button.dataset.day));
      // One tab stop for the strip; the arrow keys, Home and End move between the open days.
      button.addEventListener("keydown", (event) => {
        const at = open.indexOf(button);
        const next = {
          ArrowRight: open[at + 1],
          ArrowLeft: open[at - 1],
          Home: open[0],
          End: open[open.length - 1],
        }[event.key];
        if (!next) return;
        event.preventDefault();
        choose(next.dataset.day);
        next.focus();
      });
    });
    picker.addEventListener("change", (event) => {
      if (event.target.name === "slot") describe();
    });
    // Nothing chosen: say so next to the button instead of sending the form for an error.
    form.addEventListener("submit", (event) => {
      if (!summary || picker.querySelector("input[name=slot]:checked")) return;
      event.preventDefault();
      summary.textContent = summary.dataset.empty;
      summary.classList.add("is-missing");
      const first = picker.querySelector(".oh-slot-day.is-current input[name=slot]");
      if (first) first.focus();
    });
  });
});
