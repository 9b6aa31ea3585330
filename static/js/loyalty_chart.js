// The loyalty page's chart (templates/loyalty/program.html): points issued, redeemed and expired
// by month, drawn by the vendored Chart.js from the JSON in #loyalty-chart-data (the page's CSP
// allows no inline script). The table under the chart has the same figures.
// Wide screens get columns, months along the bottom; a phone gets bars across, months down the
// side (twelve month names do not fit across a phone). In Persian the months run right to left
// (or the bars grow leftwards), the value axis sits on the right and the numbers are in Persian
// digits (the chart's locale, fa-IR); the font is the page's.
(function () {
  const canvas = document.getElementById("loyalty-chart");
  const blob = document.getElementById("loyalty-chart-data");
  if (!canvas || !blob || typeof Chart === "undefined") return;
  const data = JSON.parse(blob.textContent);
  const box = canvas.parentElement;
  const colours = { issued: "#198754", redeemed: "#0a58ca", expired: "#b02a37" };
  const direction = data.rtl ? "rtl" : "ltr";
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.color = "#495057";
  box.style.position = "relative";
  const isNarrow = () => box.clientWidth < 576;

  function options(narrow) {
    const months = { grid: { display: false }, ticks: { autoSkip: !narrow, maxRotation: 60 } };
    const points = {
      beginAtZero: true,
      title: { display: true, text: data.yTitle },
      ticks: { precision: 0 },
    };
    if (narrow) {
      points.reverse = data.rtl; // bars grow from the side the months are on
      months.position = data.rtl ? "right" : "left";
    } else {
      months.reverse = data.rtl; // the oldest month where the reader starts
      points.position = data.rtl ? "right" : "left";
    }
    return {
      indexAxis: narrow ? "y" : "x",
      locale: data.locale,
      responsive: true,
      aspectRatio: narrow ? 0.75 : 2.6,
      animation: false,
      interaction: { mode: "index", intersect: false },
      scales: narrow ? { y: months, x: points } : { x: months, y: points },
      plugins: {
        legend: { position: "top", rtl: data.rtl, textDirection: direction },
        tooltip: { rtl: data.rtl, textDirection: direction },
      },
    };
  }

  function draw(narrow) {
    const chart = new Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: data.series.map((series) => ({
          label: series.label,
          data: series.data,
          backgroundColor: colours[series.key],
          borderColor: colours[series.key],
          borderRadius: 2,
        })),
      },
      options: options(narrow),
    });
    canvas.dataset.drawn = String(chart.data.datasets.length);
    canvas.dataset.layout = narrow ? "bars" : "columns";
    return chart;
  }

  let narrow = isNarrow();
  let chart = draw(narrow);
  // A turned phone or a resized window may cross the width where the layout changes.
  new ResizeObserver(() => {
    if (isNarrow() === narrow) return;
    narrow = isNarrow();
    chart.destroy();
    chart = draw(narrow);
  }).observe(box);
})();
