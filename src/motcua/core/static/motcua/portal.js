// Commune pickers: load a province's communes when it is chosen; long lists get a search box; buttons marked
// data-once submit once.

// Type-to-search: a search box before each list marked data-filter keeps the options holding every word typed,
// accents optional ("ha noi" finds Hà Nội); Enter picks the first. The choice made stays listed. Without
// JavaScript the list is a plain one.
const fold = (text) => text.normalize("NFD").replace(/\p{M}/gu, "").replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
const listed = new WeakMap(); // a list → every option it holds (the placeholder aside)

const remember = (select) => {
  const options = Array.from(select.options).slice(1);
  options.forEach((o) => { o.dataset.folded = fold(`${o.text} ${o.dataset.also || ""}`); });
  listed.set(select, options);
};

const narrow = (select, query) => { // the options that match, in order
  const words = fold(query).split(/\s+/).filter(Boolean);
  const chosen = select.value;
  const matches = listed.get(select).filter((o) => words.every((w) => o.dataset.folded.includes(w)));
  const shown = new Set(matches);
  select.replaceChildren(select.options[0], ...listed.get(select).filter((o) => shown.has(o) || o.value === chosen));
  select.value = chosen;
  return matches;
};

const boxes = new Map(); // a list → its search box
document.querySelectorAll("select[data-filter]").forEach((select) => {
  remember(select);
  const box = document.createElement("input");
  box.type = "search";
  box.className = "list-filter";
  box.autocomplete = "off";
  box.placeholder = select.dataset.filter;
  box.setAttribute("aria-label", select.dataset.filter);
  box.setAttribute("aria-controls", select.id);
  box.addEventListener("input", () => narrow(select, box.value));
  box.addEventListener("keydown", (event) => {
    if (event.key !== "Enter") return;
    event.preventDefault(); // not the form's submission
    const [first] = narrow(select, box.value);
    if (!first) return;
    select.value = first.value;
    select.dispatchEvent(new Event("change"));
    select.focus();
  });
  select.before(box);
  boxes.set(select, box);
});

document.querySelectorAll("[data-commune-picker]").forEach((picker) => {
  const province = picker.querySelector("[data-province]");
  const commune = picker.querySelector("[data-commune]");
  if (!province || !commune) return;
  const load = async () => {
    const code = province.value;
    const keep = commune.dataset.selected || commune.value;
    boxes.get(commune).value = "";
    commune.length = 1;
    remember(commune);
    if (!code) return;
    const response = await fetch(`/api/divisions/provinces/${code}/communes`);
    if (!response.ok) return;
    for (const c of await response.json()) {
      commune.add(new Option(c.name, c.code, false, c.code === keep));
    }
    remember(commune);
  };
  province.addEventListener("change", () => { commune.dataset.selected = ""; load(); });
  if (province.value && commune.length <= 1) load();
});
document.querySelectorAll("form").forEach((form) => {
  form.addEventListener("submit", () => {
    form.querySelectorAll("[data-once]").forEach((b) => { b.disabled = true; });
  });
});
