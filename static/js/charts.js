// Shared Chart.js drawing for the staff analytics and the customer's own charts.
// The JSON (django-chartjs views) may carry, beside labels and datasets:
//   channels   channel codes, per series or per bar: coloured with the badge's colour (--oh-channel-<code>)
//   partial    indices of a cut or still running period: dashed line segment / lighter bar, not a cliff
//   horizontal bars across (every name stays readable at 360 px)
// Counts are straight segments (no tension), so a line never overshoots its points.
window.ohCharts = (() => {
  const css = getComputedStyle(document.documentElement);
  const channelColour = (code) =>
    (css.getPropertyValue(`--oh-channel-${code}`) || css.getPropertyValue("--oh-channel-other")).trim();
  const lighter = (colour) => {
    const hex = /^#([0-9a-f]{6})$/i.exec(String(colour).trim());
    if (!hex) return colour;
    const n = parseInt(hex[1], 16);
    return `rgba(${n >> 16}, ${(n >> 8) & 255}, ${n & 255}, 0.35)`;
  };

  function applyChannels(data) {
    const codes = data.channels || [];
    if (!codes.length) return;
    if (data.datasets.length === codes.length && data.datasets.length > 1) {
      data.datasets.forEach((ds, i) => {
        ds.backgroundColor = channelColour(codes[i]);
        ds.borderColor = channelColour(codes[i]);
      });
    } else if (data.datasets.length && codes.length === data.labels.length) {
      data.datasets[0].backgroundColor = codes.map(channelColour);
      data.datasets[0].borderColor = "#fff";
    }
  }

  function applyPartial(data, type) {
    const partial = new Set(data.partial || []);
    if (!partial.size || type === "doughnut") return;
    data.datasets.forEach((ds) => {
      if (type === "line") {
        const dashed = (ctx) => (partial.has(ctx.p1DataIndex) || partial.has(ctx.p0DataIndex) ? [6, 4] : undefined);
        ds.segment = { borderDash: dashed };
        ds.pointStyle = data.labels.map((_, i) => (partial.has(i) ? "rectRot" : "circle"));
      } else {
        const base = ds.backgroundColor;
        ds.backgroundColor = data.labels.map((_, i) => {
          const c = Array.isArray(base) ? base[i % base.length] : base;
          return partial.has(i) ? lighter(c) : c;
        });
        ds.borderColor = data.labels.map((_, i) => (Array.isArray(base) ? base[i % base.length] : base));
        ds.borderWidth = data.labels.map((_, i) => (partial.has(i) ? 1 : 0));
      }
    });
  }

  function showEmpty(canvas) {
    const box = canvas.parentElement;
    const note = document.createElement("p");
    note.className = "small text-muted text-center py-4 mb-0 oh-chart-empty";
    note.textContent = canvas.dataset.emptyText || "";
    box.replaceWith(note);
  }

  function draw(canvas, data, extra = {}) {
    const type = canvas.dataset.chartType;
    const total = data.datasets.reduce((sum, ds) => sum + ds.data.reduce((a, b) => a + Number(b || 0), 0), 0);
    canvas.dataset.ready = String(data.labels.length);
    if (total === 0) {
      showEmpty(canvas);
      return null;
    }
    const horizontal = Boolean(data.horizontal) && type === "bar";
    const stacked = "stacked" in canvas.dataset;
    applyChannels(data);
    applyPartial(data, type);
    if (horizontal) {
      // one row per name: the box grows with the names instead of Chart.js skipping every other one
      canvas.parentElement.style.height = `${Math.max(160, data.labels.length * 28 + 60)}px`;
    }
    const valueAxis = { stacked, beginAtZero: true, ticks: { precision: 0 } };
    const labelAxis = { stacked, ticks: { autoSkip: !horizontal } };
    return new Chart(canvas, {
      type,
      data,
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        indexAxis: horizontal ? "y" : "x",
        plugins: {
          legend: { display: type === "doughnut" || data.datasets.length > 1, position: "bottom" },
        },
        scales: type === "doughnut" ? {} : horizontal ? { x: valueAxis, y: labelAxis } : { x: labelAxis, y: valueAxis },
        ...extra,
      },
    });
  }

  async function load(canvas) {
    const response = await fetch(canvas.dataset.chartUrl, { credentials: "same-origin" });
    if (!response.ok) return null;
    return response.json();
  }

  return { draw, load, channelColour };
})();
