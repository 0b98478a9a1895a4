// Segment builder: the recipient count follows the filters (debounced); the "인원 확인" button
// does the same without JavaScript.
(() => {
  const form = document.getElementById("segment-form");
  if (!form) return;
  const out = document.getElementById("segment-count");
  let timer = null;
  let latest = 0;

  async function refresh() {
    const ticket = ++latest;
    const params = new URLSearchParams(new FormData(form));
    params.delete("csrfmiddlewaretoken");
    try {
      const response = await fetch(`${form.dataset.countUrl}?${params}`, { credentials: "same-origin" });
      const result = await response.json();
      if (ticket !== latest) return; // a newer change already asked
      out.textContent = result.count === null ? result.error : result.text;
    } catch (err) {
      out.textContent = "";
    }
  }

  form.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(refresh, 300);
  });
  form.addEventListener("change", () => {
    clearTimeout(timer);
    timer = setTimeout(refresh, 300);
  });
  refresh();
})();
