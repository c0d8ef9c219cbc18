"""The page's style sheet and script, kept apart from the code that writes the page."""

STYLE = """
body { font-family: system-ui, sans-serif; margin: 1.5rem auto; max-width: 72rem;
  padding: 0 1rem; color: #222; line-height: 1.4; }
h1 { margin-bottom: .2rem; } h2 { font-size: 1.15rem; margin: 0 0 .4rem; }
.lede { color: #444; margin-top: 0; }
.banner { background: #fff3cd; border: 1px solid #e0c36c; padding: .5rem 1rem; }
.tiles { display: grid; grid-template-columns: repeat(4, 1fr); gap: .75rem; margin: 1rem 0; }
.tile { border: 1px solid #ddd; border-radius: 6px; padding: .6rem .8rem; }
.tile .label { font-size: .8rem; color: #555; }
.tile .value { font-size: 1.25rem; font-weight: 600; margin: .2rem 0; }
.tile .detail { font-size: .75rem; color: #666; }
.cn { color: #d62728; } .us { color: #1f77b4; }
.cards { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: .75rem; }
.card { border: 1px solid #ddd; border-radius: 6px; padding: .6rem .8rem; font-size: .85rem; }
.card h3 { font-size: .95rem; margin: 0 0 .2rem; }
.card .source { color: #555; font-size: .8rem; margin-bottom: .4rem; }
.card dl { display: grid; grid-template-columns: 6rem 1fr; gap: .15rem .5rem; margin: 0; }
.card dt { color: #666; } .card dd { margin: 0; overflow-wrap: anywhere; }
.card details { margin-top: .4rem; color: #333; }
.badge { display: inline-block; border-radius: 1rem; padding: 0 .6rem; font-size: .75rem;
  font-weight: 600; margin-left: .3rem; white-space: nowrap; }
.consistent { background: #d4edda; color: #155724; }
.not_consistent { background: #f8d7da; color: #721c24; }
.not_measurable { background: #e9ecef; color: #495057; }
nav ol { columns: 2; font-size: .9rem; }
figure { margin: 2.2rem 0; } .chart { min-height: 2rem; }
figcaption, .notes { font-size: .85rem; color: #444; }
.notes { margin: .3rem 0; padding-left: 1.2rem; } .notes li { margin: .1rem 0; }
.data summary { cursor: pointer; font-size: .85rem; color: #1f4e79; }
.data .scroll { max-height: 22rem; overflow: auto; max-width: 100%; }
.data table { border-collapse: collapse; font-size: .75rem; }
.data th, .data td { border: 1px solid #ddd; padding: .15rem .4rem; text-align: left; }
button.csv { font-size: .75rem; margin: .3rem .3rem 0 0; }
"""


# The page's script: draw each chart, keep its view (the browser test reads the colour scales
# from it), build a table when its <details> opens, write a CSV on a button's click.
SCRIPT = """
window.views = {};
const embedded = (kind, name) =>
  JSON.parse(document.getElementById(kind + '-' + name).textContent);
const datasetsOf = (name) => document.getElementById('spec-' + name)
  ? embedded('spec', name).datasets : embedded('table', name);
for (const el of document.querySelectorAll('script[id^="spec-"]')) {
  const name = el.id.slice(5);
  vegaEmbed('#chart-' + name, JSON.parse(el.textContent), {actions: false, renderer: 'svg'})
    .then((result) => { window.views[name] = result.view; })
    .catch((error) => { window.views[name] = null;
      document.getElementById('chart-' + name).textContent = String(error); });
}
const cell = (v) => v === null || v === undefined ? '' : String(v);
const csvCell = (v) => /[",\\n]/.test(cell(v)) ? '"' + cell(v).replaceAll('"', '""') + '"' : cell(v);
for (const details of document.querySelectorAll('details.data')) {
  details.addEventListener('toggle', () => {
    const box = details.querySelector('.scroll');
    if (!details.open || box.childElementCount) return;
    for (const [name, rows] of Object.entries(datasetsOf(details.dataset.figure))) {
      const columns = Object.keys(rows[0] || {});
      const table = document.createElement('table');
      const head = table.createTHead().insertRow();
      for (const c of columns) head.appendChild(document.createElement('th')).textContent = c;
      const body = table.createTBody();
      for (const row of rows.slice(0, 500)) {
        const tr = body.insertRow();
        for (const c of columns) tr.insertCell().textContent = cell(row[c]);
      }
      const caption = table.createCaption();
      caption.textContent = name + ': ' + rows.length + ' rows' +
        (rows.length > 500 ? ' (the first 500; the CSV has all)' : '');
      box.appendChild(table);
    }
  });
}
for (const button of document.querySelectorAll('button.csv')) {
  button.addEventListener('click', () => {
    const rows = datasetsOf(button.dataset.figure)[button.dataset.dataset];
    const columns = Object.keys(rows[0] || {});
    const lines = [columns.map(csvCell).join(',')]
      .concat(rows.map((row) => columns.map((c) => csvCell(row[c])).join(',')));
    const link = document.createElement('a');
    link.href = URL.createObjectURL(new Blob([lines.join('\\n') + '\\n'], {type: 'text/csv'}));
    link.download = button.dataset.figure + '-' + button.dataset.dataset + '.csv';
    link.click();
    URL.revokeObjectURL(link.href);
  });
}
"""
