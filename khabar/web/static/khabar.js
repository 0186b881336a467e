// Khabar workbench: progressive enhancement only (every page works without this file).
// Served from /static under a CSP that forbids inline scripts; it never inserts HTML.
"use strict";
(function () {
  // Map: wheel to zoom around the pointer, drag to pan, double-click to reset.
  const svg = document.getElementById("map");
  if (!svg) return;
  const start = svg.getAttribute("viewBox").split(/\s+/).map(Number);
  let box = start.slice();
  const apply = () => svg.setAttribute("viewBox", box.map((v) => v.toFixed(2)).join(" "));
  const toMap = (ev) => {
    const r = svg.getBoundingClientRect();
    return [box[0] + ((ev.clientX - r.left) / r.width) * box[2], box[1] + ((ev.clientY - r.top) / r.height) * box[3]];
  };
  svg.addEventListener("wheel", (ev) => {
    ev.preventDefault();
    const [mx, my] = toMap(ev);
    const k = ev.deltaY < 0 ? 0.8 : 1.25;
    const w = Math.min(1000, Math.max(10, box[2] * k)), h = w / 2;
    box = [mx - ((mx - box[0]) * w) / box[2], my - ((my - box[1]) * h) / box[3], w, h];
    apply();
  }, { passive: false });
  let drag = null;
  svg.addEventListener("pointerdown", (ev) => { if (ev.target.tagName !== "circle") drag = [ev.clientX, ev.clientY, box.slice()]; });
  window.addEventListener("pointerup", () => { drag = null; });
  svg.addEventListener("pointermove", (ev) => {
    if (!drag) return;
    const r = svg.getBoundingClientRect();
    box = [drag[2][0] - ((ev.clientX - drag[0]) / r.width) * box[2], drag[2][1] - ((ev.clientY - drag[1]) / r.height) * box[3], box[2], box[3]];
    apply();
  });
  svg.addEventListener("dblclick", () => { box = start.slice(); apply(); });
})();
