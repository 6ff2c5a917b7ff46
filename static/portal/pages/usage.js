// The usage chart (Chart.js UMD, vendored). The data comes from a <script type="application/json">
// block rendered with Django's json_script (never executed, so the Content-Security-Policy allows
// it); nothing inline runs. Without JavaScript the data table under the chart shows the same numbers.
(function () {
  "use strict";

  function draw() {
    var canvas = document.getElementById("usage-chart");
    var source = document.getElementById("usage-chart-data");
    if (!canvas || !source || typeof window.Chart === "undefined") return;
    var data = JSON.parse(source.textContent);
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: [
          { label: "Calls", data: data.calls, backgroundColor: "#1f4fd1" },
          { label: "Errors", data: data.errors, backgroundColor: "#a61b1b" },
          { label: "Rate limited (429)", data: data.rate_limited, backgroundColor: "#b54708" },
        ],
      },
      options: {
        animation: false,
        responsive: true,
        interaction: { mode: "index", intersect: false },
        scales: {
          x: { ticks: { maxRotation: 0, autoSkip: true } },
          y: { beginAtZero: true, ticks: { precision: 0 } },
        },
      },
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
