// Live preview of an SMS template: the server renders it with sample values (nothing is saved).
(() => {
  const form = document.getElementById("template-form");
  if (!form) return;
  const textarea = form.querySelector("textarea[name=body]");
  const out = {
    body: document.getElementById("preview-body"),
    kind: document.getElementById("preview-kind"),
    bytes: document.getElementById("preview-bytes"),
    error: document.getElementById("preview-error"),
  };
  let timer = null;
  let latest = 0;

  async function refresh() {
    const ticket = ++latest;
    const data = new FormData();
    data.append("body", textarea.value);
    data.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
    try {
      const response = await fetch(form.dataset.previewUrl, { method: "POST", body: data, credentials: "same-origin" });
      const result = await response.json();
      if (ticket !== latest) return; // a newer keystroke already asked
      out.error.textContent = result.ok ? "" : result.error;
      if (result.ok) {
        out.body.textContent = result.body;
        out.kind.textContent = result.kind;
        out.bytes.textContent = form.dataset.msgSize.replace("{bytes}", result.bytes).replace("{chars}", result.chars);
        result.limits.forEach((limit, index) => {
          const row = document.querySelector(`#preview-limits tr[data-limit="${index}"]`);
          if (!row) return;
          row.querySelector("[data-count]").textContent = limit.count;
          row.classList.toggle("table-danger", limit.over && limit.refuses);
          row.classList.toggle("table-warning", limit.over && !limit.refuses);
        });
      }
    } catch (err) {
      out.error.textContent = form.dataset.msgFailed;
    }
  }

  textarea.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(refresh, 250);
  });
  refresh();
})();
