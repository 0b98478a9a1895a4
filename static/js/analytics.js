// Staff analytics: each <canvas data-chart-url> gets Chart.js data from a django-chartjs view and is
// drawn by charts.js. A click on a bar, point or slice follows the link the server gave for that label.
document.addEventListener("DOMContentLoaded", () => {
  if (!window.Chart || !window.ohCharts) return;
  document.querySelectorAll("canvas[data-chart-url]").forEach(async (canvas) => {
    const data = await window.ohCharts.load(canvas);
    if (!data) return;
    const links = data.links || [];
    delete data.links;
    window.ohCharts.draw(canvas, data, {
      onHover: (event, elements) => {
        const target = event.native && event.native.target;
        if (target) target.style.cursor = elements.length && links[elements[0].index] ? "pointer" : "default";
      },
      onClick: (event, elements) => {
        if (!elements.length) return;
        const link = links[elements[0].index];
        if (link) window.location.assign(link);
      },
    });
  });
});
