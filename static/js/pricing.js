// The pricing page's cost calculator, live as one types. Without JavaScript the form submits
// ?calls=N and the server computes the same table (portal/public/pricing.py holds the rules).
(function () {
  const form = document.getElementById("calculator");
  if (!form) return;
  const input = form.querySelector('input[name="calls"]');
  const rows = Array.from(document.querySelectorAll("tr[data-plan]"));

  function money(minor, symbol) {
    const major = minor / 100;
    if (major !== 0 && Math.abs(major) < 0.01) return symbol + major.toString();
    return symbol + major.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  }

  function costOf(row, calls) {
    if (row.dataset.custom === "true") return null;
    const included = row.dataset.included === "" ? 0 : Number(row.dataset.included);
    const extra = Math.max(0, calls - included);
    if (extra > 0 && row.dataset.hardCap === "true") return null;
    // Overage is a fraction of a cent: work in millionths of a cent to stay exact.
    const overageMicro = Math.round(Number(row.dataset.overage) * 1e6);
    return Number(row.dataset.monthlyPrice) + (overageMicro * extra) / 1e6;
  }

  function update() {
    const calls = Math.max(0, Math.floor(Number(input.value) || 0));
    const costs = rows.map((row) => costOf(row, calls));
    const possible = costs.filter((cost) => cost !== null);
    const cheapest = possible.length ? Math.min(...possible) : null;
    let marked = false;
    rows.forEach((row, index) => {
      const cost = costs[index];
      const output = row.querySelector("[data-cost]");
      if (cost === null) {
        output.textContent = row.dataset.custom === "true" ? "Contact us" : "Over the hard cap";
      } else {
        output.textContent = money(cost, row.dataset.symbol) + " / month";
      }
      let badge = row.querySelector("[data-cheapest]");
      const isCheapest = cost !== null && cost === cheapest && !marked;
      marked = marked || isCheapest;
      if (isCheapest && !badge) {
        badge = document.createElement("span");
        badge.className = "badge live";
        badge.dataset.cheapest = "";
        badge.textContent = "Cheapest";
        output.after(" ", badge);
      } else if (!isCheapest && badge) {
        badge.remove();
      }
    });
    document.querySelectorAll("[data-calls-echo]").forEach((node) => { node.textContent = calls; });
  }

  input.addEventListener("input", update);
})();
