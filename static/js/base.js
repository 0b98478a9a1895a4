// Behaviour shared by every page. No inline scripts anywhere: this file and feature files only.
document.addEventListener("DOMContentLoaded", () => {
  // <select data-autosubmit> submits its form on change (language switcher).
  document.querySelectorAll("select[data-autosubmit]").forEach((select) => {
    select.addEventListener("change", () => select.form.submit());
  });
  // <form data-confirm="..."> asks before a destructive action.
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
});

// Radio buttons with data-autosubmit-radio submit their form when chosen (the booking method).
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("input[data-autosubmit-radio]").forEach((radio) => {
    radio.addEventListener("change", () => radio.form.submit());
  });
});
