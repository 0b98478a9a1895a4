// A campaign's results by hour: sent, delivered and failed as bars (data from the page itself).
document.addEventListener("DOMContentLoaded", () => {
  const canvas = document.getElementById("campaign-hours");
  const source = document.getElementById("campaign-hours-data");
  if (!window.Chart || !canvas || !source) return;
  const data = JSON.parse(source.textContent);
  new Chart(canvas, {
    type: "bar",
    data,
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      plugins: { legend: { position: "bottom" } },
      scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
    },
  });
  if (data.labels.length === 0) {
    const note = document.createElement("p");
    note.className = "small text-muted text-center mb-0";
    note.textContent = canvas.dataset.emptyText || "";
    canvas.parentElement.after(note);
  }
  canvas.dataset.ready = String(data.labels.length);
});
