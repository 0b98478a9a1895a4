// Validation as you go for a <form data-validate> (sign-up): each field is checked when it loses focus
// (and again as it is corrected), its message shown under it with aria-invalid and aria-describedby;
// a corrected field loses the server's stale message too. The server still checks everything: without
// JavaScript the same messages come back after submitting, with the summary at the top.
// The Korean messages come from the form's data-msg-* attributes (translated by the template).
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.querySelector("[data-error-summary]");
  if (summary) summary.focus(); // after a refused submit, read the errors first, without scrolling

  document.querySelectorAll("form[data-validate]").forEach((form) => {
    const msg = form.dataset;
    const PHONE = /^01[016789]-?\d{3,4}-?\d{4}$/;
    const LOGIN = /^[a-z][a-z0-9_]{3,19}$/;
    const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

    function problem(el) {
      const value = (el.value || "").trim();
      if (el.type === "radio") {
        const group = form.querySelectorAll(`input[name="${el.name}"]`);
        return el.required && ![...group].some((r) => r.checked) ? msg.msgChoose : "";
      }
      if (el.type === "checkbox") {
        return el.required && !el.checked ? msg.msgConsent || msg.msgRequired : "";
      }
      if (!value) return el.required ? msg.msgRequired : "";
      switch (el.name) {
        case "username":
          return LOGIN.test(value) ? "" : msg.msgLogin;
        case "password1":
          return value.length >= 8 ? "" : msg.msgShort;
        case "password2": {
          const first = form.querySelector('[name="password1"]');
          return first && first.value && first.value !== el.value ? msg.msgMismatch : "";
        }
        case "phone":
          return PHONE.test(value.replace(/\s/g, "")) ? "" : msg.msgPhone;
        case "code":
          return /^\d{6}$/.test(value) ? "" : msg.msgCode;
        case "email":
          return EMAIL.test(value) ? "" : msg.msgEmail;
        default:
          return "";
      }
    }

    // where a field's message goes: after its input group, or its radio/checkbox group
    function anchor(el) {
      if (el.type === "radio" || el.type === "checkbox") {
        return el.closest(".mb-3") || el.parentElement;
      }
      return el.closest(".input-group") || el;
    }

    function serverErrors(el) {
      const box = el.closest(".mb-3") || el.parentElement;
      return box ? box.querySelectorAll(".invalid-feedback:not([data-live-error])") : [];
    }

    function show(el, text) {
      const group = el.type === "radio" ? form.querySelectorAll(`input[name="${el.name}"]`) : [el];
      const id = `${el.name}-live-error`;
      let note = form.querySelector(`#${CSS.escape(id)}`);
      // the server's message goes once the field was changed (or a new message replaces it)
      if (text || el.dataset.touched) serverErrors(el).forEach((old) => old.remove());
      if (!text) {
        if (note) note.remove();
        if (serverErrors(el).length) return; // an unchanged field keeps the server's verdict
        group.forEach((input) => {
          input.classList.remove("is-invalid");
          input.removeAttribute("aria-invalid");
          input.removeAttribute("aria-describedby");
        });
        return;
      }
      if (!note) {
        note = document.createElement("div");
        note.id = id;
        note.className = "invalid-feedback d-block";
        note.dataset.liveError = "";
        const at = anchor(el);
        if (at === el.closest(".mb-3")) at.append(note);
        else at.after(note);
      }
      note.textContent = text;
      group.forEach((input) => {
        input.classList.add("is-invalid");
        input.setAttribute("aria-invalid", "true");
        input.setAttribute("aria-describedby", id);
      });
    }

    const fields = form.querySelectorAll("input:not([type=hidden]):not([type=submit]), select, textarea");
    fields.forEach((el) => {
      el.addEventListener("blur", () => show(el, problem(el)));
      const again = () => {
        el.dataset.touched = "1";
        if (el.type === "radio") form.querySelectorAll(`input[name="${el.name}"]`).forEach((r) => (r.dataset.touched = "1"));
        if (el.getAttribute("aria-invalid") === "true" || serverErrors(el).length) show(el, problem(el));
      };
      el.addEventListener(el.type === "radio" || el.type === "checkbox" ? "change" : "input", again);
      if (el.name === "password1") {
        el.addEventListener("input", () => {
          const second = form.querySelector('[name="password2"]');
          if (second && second.value) show(second, problem(second));
        });
      }
    });
  });
});
