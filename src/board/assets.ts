/** The board's one stylesheet and one script, served as files so the Content-Security-Policy needs no inline code. */
export const boardCss = `
*{box-sizing:border-box}body{margin:0;font:15px/1.4 system-ui,sans-serif;background:#f6f6f4;color:#1d1d1f}
header{padding:12px 16px;background:#fff;border-bottom:1px solid #ddd}h1{margin:0 0 4px;font-size:20px}
.note{color:#666;font-size:13px;margin:0 0 8px}.filters{display:flex;flex-wrap:wrap;gap:8px;align-items:center}
.filters input[type=text],.filters select{padding:6px;border:1px solid #bbb;border-radius:6px;max-width:100%}
button,.button{padding:6px 10px;border:1px solid #888;border-radius:6px;background:#fff;cursor:pointer;color:inherit;text-decoration:none;font-size:14px}
button:disabled{opacity:.5;cursor:default}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(180px,1fr));gap:12px;padding:16px}
.card{background:#fff;border:1px solid #ddd;border-radius:8px;overflow:hidden;display:flex;flex-direction:column}
.card img{width:100%;aspect-ratio:1;object-fit:cover;background:#eee;display:block}
.card .body{padding:8px;display:flex;flex-direction:column;gap:4px;flex:1}
.prompt{margin:0;overflow-wrap:anywhere}.meta{margin:0;color:#666;font-size:12px}
.row{display:flex;gap:6px;align-items:center;flex-wrap:wrap}.star{border:none;background:none;font-size:18px;padding:0 4px}
.bar{position:sticky;bottom:0;background:#fff;border-top:1px solid #ddd;padding:8px 16px;display:flex;gap:8px;align-items:center}
nav{padding:0 16px 16px}main.page{padding:16px;max-width:1100px}
.tree{display:grid;gap:16px}.tree section{background:#fff;border:1px solid #ddd;border-radius:8px;padding:12px}
.tree h2{font-size:16px;margin:0 0 8px}.strip{display:flex;gap:8px;flex-wrap:wrap}.strip .card{width:160px}
.focus img{max-width:100%;max-height:70vh;display:block;margin:0 auto 8px}
.compare{display:grid;grid-template-columns:repeat(auto-fit,minmax(260px,1fr));gap:12px;padding:16px}
.compare img{width:100%;height:auto;display:block}table{border-collapse:collapse;font-size:13px}td{padding:2px 8px 2px 0;vertical-align:top}
code{background:#eee;padding:2px 4px;border-radius:4px;overflow-wrap:anywhere}
`;

export const boardJs = `
document.querySelectorAll('[data-copy]').forEach(function (button) {
  button.addEventListener('click', function () {
    var text = button.getAttribute('data-copy') || '';
    var done = function () { button.textContent = 'Copied'; };
    if (navigator.clipboard) navigator.clipboard.writeText(text).then(done, function () { window.prompt('Copy:', text); });
    else window.prompt('Copy:', text);
  });
});
var picks = Array.prototype.slice.call(document.querySelectorAll('input[name=pick]'));
var compare = document.getElementById('compare-button');
function update() {
  var chosen = picks.filter(function (box) { return box.checked; }).length;
  if (compare) { compare.disabled = chosen < 2 || chosen > 4; compare.textContent = 'Compare ' + chosen + ' selected'; }
  picks.forEach(function (box) { box.disabled = !box.checked && chosen >= 4; });
}
picks.forEach(function (box) { box.addEventListener('change', update); });
update();
`;

/** A small icon, so browsers do not ask for /favicon.ico (outside the signed path). */
export const boardIcon =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#4a3aa8"/><rect x="3" y="3" width="4" height="4" fill="#fff"/><rect x="9" y="3" width="4" height="4" fill="#fff"/><rect x="3" y="9" width="4" height="4" fill="#fff"/><rect x="9" y="9" width="4" height="4" fill="#f5c542"/></svg>';
