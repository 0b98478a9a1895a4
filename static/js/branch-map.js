// Kakao map (only on pages rendered with KAKAO_MAP_JS_KEY): a marker per branch card on the page;
// clicking a marker scrolls to its card.
(function () {
  "use strict";
  const box = document.getElementById("branch-map");
  if (!box || !window.kakao || !window.kakao.maps) return;
  window.kakao.maps.load(() => {
    const maps = window.kakao.maps;
    const cards = Array.from(document.querySelectorAll(".oh-branch")).filter((c) => c.dataset.lat && c.dataset.lng);
    if (!cards.length) return;
    const first = new maps.LatLng(Number(cards[0].dataset.lat), Number(cards[0].dataset.lng));
    const map = new maps.Map(box, { center: first, level: 6 });
    const bounds = new maps.LatLngBounds();
    cards.forEach((card) => {
      const position = new maps.LatLng(Number(card.dataset.lat), Number(card.dataset.lng));
      const marker = new maps.Marker({ map, position, title: card.dataset.name });
      bounds.extend(position);
      maps.event.addListener(marker, "click", () => {
        card.scrollIntoView({ behavior: "smooth", block: "center" });
        card.classList.add("border-primary");
      });
    });
    if (box.dataset.originLat) bounds.extend(new maps.LatLng(Number(box.dataset.originLat), Number(box.dataset.originLng)));
    if (cards.length > 1) map.setBounds(bounds);
  });
})();
