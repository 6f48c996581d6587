// Narrow windows: theme/book.css draws each row of a table of three or more columns as a card,
// one cell under the other; each cell is labelled with its column's name, copied here from the
// table's header. Without JavaScript, the table stays a table, which scrolls sideways.
(function () {
    for (const table of document.querySelectorAll('.content table')) {
        const names = [...table.querySelectorAll('thead th')].map((th) => th.textContent.trim());
        if (names.length < 3) continue;
        for (const row of table.querySelectorAll('tbody tr')) {
            [...row.children].forEach((cell, i) => {
                if (names[i]) cell.setAttribute('data-label', names[i]);
            });
        }
        table.classList.add('stacked');
    }
})();
