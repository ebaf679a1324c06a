// Commune pickers: load a province's communes when it is chosen; buttons marked data-once submit once.
document.querySelectorAll("[data-commune-picker]").forEach((picker) => {
  const province = picker.querySelector("[data-province]");
  const commune = picker.querySelector("[data-commune]");
  if (!province || !commune) return;
  const load = async () => {
    const code = province.value;
    const keep = commune.dataset.selected || commune.value;
    commune.length = 1;
    if (!code) return;
    const response = await fetch(`/api/divisions/provinces/${code}/communes`);
    if (!response.ok) return;
    for (const c of await response.json()) {
      const option = new Option(c.name, c.code, false, c.code === keep);
      commune.add(option);
    }
  };
  province.addEventListener("change", () => { commune.dataset.selected = ""; load(); });
  if (province.value && commune.length <= 1) load();
});
document.querySelectorAll("form").forEach((form) => {
  form.addEventListener("submit", () => {
    form.querySelectorAll("[data-once]").forEach((b) => { b.disabled = true; });
  });
});
