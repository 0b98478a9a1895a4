// Customer charts: each <canvas data-chart-url data-chart-type> gets its Chart.js data (labels + datasets,
// for the same filter as the history above) from a django-chartjs JSON view; charts.js draws it.
// The same numbers are in the table below each chart.
document.addEventListener("DOMContentLoaded", () => {
  if (!window.Chart || !window.ohCharts) return;
  document.querySelectorAll("canvas[data-chart-url]").forEach(async (canvas) => {
    const data = await window.ohCharts.load(canvas);
    if (data) window.ohCharts.draw(canvas, data);
  });
});
