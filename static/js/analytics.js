// Staff analytics: each <canvas data-chart-url> gets Chart.js data from a django-chartjs view.
// A click on a bar, point or slice follows the link the server gave for that label (drill-down).
document.addEventListener("DOMContentLoaded", () => {
  if (!window.Chart) return;
  document.querySelectorAll("canvas[data-chart-url]").forEach(async (canvas) => {
    const response = await fetch(canvas.dataset.chartUrl, { credentials: "same-origin" });
    if (!response.ok) return;
    const data = await response.json();
    const links = data.links || [];
    delete data.links;
    const type = canvas.dataset.chartType;
    const stacked = "stacked" in canvas.dataset;
    const chart = new Chart(canvas, {
      type,
      data,
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { display: type !== "bar" || data.datasets.length > 1, position: "bottom" } },
        scales:
          type === "doughnut"
            ? {}
            : { x: { stacked }, y: { stacked, beginAtZero: true, ticks: { precision: 0 } } },
        onHover: (event, elements) => {
          const target = event.native && event.native.target;
          if (target) target.style.cursor = elements.length && links[elements[0].index] ? "pointer" : "default";
        },
        onClick: (event, elements) => {
          if (!elements.length) return;
          const link = links[elements[0].index];
          if (link) window.location.assign(link);
        },
      },
    });
    const total = data.datasets.reduce((sum, ds) => sum + ds.data.reduce((a, b) => a + Number(b || 0), 0), 0);
    if (total === 0) {
      const note = document.createElement("p");
      note.className = "small text-muted text-center mb-0";
      note.textContent = canvas.dataset.emptyText || "";
      canvas.parentElement.after(note);
    }
    canvas.dataset.ready = String(chart.data.labels.length);
  });
});
