// The dashboards' charts (templates/dashboards/*.html): a line or bar chart drawn by the vendored
// Chart.js from the JSON in the element named by the canvas's data-chart (the CSP allows no inline
// script); the table under each chart has the same numbers. In Persian the periods run right to
// left, the value axis sits on the right and the numbers are in Persian digits (locale fa-IR).
(function () {
  if (typeof Chart === "undefined") return;
  const colours = ["#b02a37", "#198754", "#0a58ca", "#6f42c1", "#fd7e14"];
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.color = "#495057";
  for (const canvas of document.querySelectorAll("canvas[data-chart]")) {
    const blob = document.getElementById(canvas.dataset.chart);
    if (!blob) continue;
    const data = JSON.parse(blob.textContent);
    const direction = data.rtl ? "rtl" : "ltr";
    const number = new Intl.NumberFormat(data.locale, { maximumFractionDigits: 1 });
    const value = {
      beginAtZero: true,
      position: data.rtl ? "right" : "left",
      title: { display: true, text: data.yTitle },
      // Explicit, so the ticks are in the reader's digits whatever the scale's own formatting does.
      ticks: data.percent
        ? { callback: (tick) => `${number.format(tick)}${data.rtl ? "٪" : "%"}` }
        : { precision: 0, callback: (tick) => number.format(tick) },
    };
    if (data.percent) value.max = 100;
    if (data.min !== undefined) { value.beginAtZero = false; value.min = data.min; value.max = data.max; }
    const chart = new Chart(canvas, {
      type: data.type,
      data: {
        labels: data.labels,
        datasets: data.series.map((series, index) => ({
          label: series.label,
          data: series.data,
          borderColor: colours[index % colours.length],
          backgroundColor: colours[index % colours.length],
          spanGaps: false,
          tension: 0.2,
        })),
      },
      options: {
        locale: data.locale,
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        layout: { padding: { left: 28, right: 28 } },
        interaction: { mode: "index", intersect: false },
        scales: { x: { reverse: data.rtl, grid: { display: false }, ticks: { maxRotation: 60 } }, y: value },
        plugins: {
          legend: { position: "top", rtl: data.rtl, textDirection: direction },
          tooltip: { rtl: data.rtl, textDirection: direction },
        },
      },
    });
    canvas.dataset.drawn = String(chart.data.datasets.length);
  }
})();
