// Customer charts: each <canvas data-chart-url data-chart-type> gets its Chart.js data (labels + datasets)
// from a django-chartjs JSON view. The same numbers are in the table below each chart.
document.addEventListener("DOMContentLoaded", () => {
  if (!window.Chart) return;
  document.querySelectorAll("canvas[data-chart-url]").forEach(async (canvas) => {
    const response = await fetch(canvas.dataset.chartUrl, { credentials: "same-origin" });
    if (!response.ok) return;
    const data = await response.json();
    const type = canvas.dataset.chartType;
    new Chart(canvas, {
      type,
      data,
      options: {
        responsive: true,
        maintainAspectRatio: false,
        plugins: { legend: { display: type === "doughnut", position: "bottom" } },
        scales: type === "doughnut" ? {} : { y: { beginAtZero: true, ticks: { precision: 0 } } },
      },
    });
  });
});
