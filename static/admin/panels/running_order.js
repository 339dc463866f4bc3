'use strict';
/*
 * Up and down buttons for the rows of an admin tabular inline that has an "order" column
 * (the panel page's running order).
 *
 * Moving a row moves it on the page and numbers the rows' "order" fields 0, 1, 2… from the
 * top, so that the saved order is the order on screen; the server numbers them again after
 * saving. New rows get the next number. The wording comes from the script tag's data
 * attributes (translated by the template): data-prefix (the formset's prefix), data-move-up,
 * data-move-down, data-moved ("Moved to position {position} of {total}.") and
 * data-times-stale.
 *
 * Django's inlines.js renumbers the rows' field names in page order when a new row is
 * removed; rows that were saved before must keep the first numbers (Django reads the first
 * INITIAL_FORMS rows as saved ones), so they are numbered again here afterwards.
 */
{
    const script = document.currentScript;
    const text = script.dataset;
    const prefix = text.prefix;

    const isFormRow = (row) => row.classList.contains('form-row');
    const formRows = (tbody) => Array.from(tbody.children).filter(
        (row) => isFormRow(row) && !row.classList.contains('empty-form')
    );
    const orderInput = (row) => row.querySelector('td.field-order input');
    // A row's errors are shown in a row of their own just above it; they move together.
    const errorRow = (row) => {
        const previous = row.previousElementSibling;
        return previous && previous.classList.contains('row-form-errors') ? previous : null;
    };

    function numberRows(tbody) {
        formRows(tbody).forEach((row, position) => {
            const input = orderInput(row);
            if (input && input.value !== String(position)) {
                input.value = String(position);
            }
        });
    }

    function updateButtons(tbody) {
        const rows = formRows(tbody);
        rows.forEach((row, position) => {
            row.querySelector('button[data-move="-1"]').disabled = position === 0;
            row.querySelector('button[data-move="1"]').disabled = position === rows.length - 1;
        });
    }

    function announce(group, message) {
        const status = group.querySelector('.move-status');
        status.textContent = '';
        // A change after a moment is announced even when the text is the same as before.
        window.setTimeout(() => { status.textContent = message; }, 50);
    }

    function markTimesStale(group) {
        if (group.classList.contains('reordered')) {
            return;
        }
        group.classList.add('reordered');
        const note = document.createElement('p');
        note.className = 'times-stale';
        note.textContent = text.timesStale;
        group.querySelector('table').after(note);
    }

    // Put ``row`` (with its errors) just above ``above`` (and its errors).
    function placeAbove(row, above) {
        const tbody = row.parentNode;
        const anchor = errorRow(above) || above;
        const errors = errorRow(row);
        if (errors) {
            tbody.insertBefore(errors, anchor);
        }
        tbody.insertBefore(row, anchor);
    }

    function move(button) {
        const row = button.closest('tr');
        const tbody = row.parentNode;
        const group = tbody.closest('.inline-group');
        const rows = formRows(tbody);
        const position = rows.indexOf(row);
        const step = Number(button.dataset.move);
        const other = rows[position + step];
        if (!other) {
            return;
        }
        if (step < 0) {
            placeAbove(row, other);
        } else {
            placeAbove(other, row);
        }
        numberRows(tbody);
        updateButtons(tbody);
        markTimesStale(group);
        // Keep the keyboard on the row that moved; at the top or bottom, on its other button.
        const again = button.disabled ? row.querySelector(`button[data-move="${-step}"]`) : button;
        again.focus();
        announce(group, text.moved
            .replace('{position}', position + step + 1)
            .replace('{total}', rows.length));
    }

    function addButtons(row) {
        const cell = row.querySelector('td.field-order');
        if (!cell || cell.querySelector('.move-buttons')) {
            return;
        }
        const buttons = document.createElement('span');
        buttons.className = 'move-buttons';
        for (const [step, label, arrow] of [[-1, text.moveUp, '↑'], [1, text.moveDown, '↓']]) {
            const button = document.createElement('button');
            button.type = 'button';
            button.dataset.move = String(step);
            button.setAttribute('aria-label', label);
            button.title = label;
            button.textContent = arrow;
            buttons.append(button);
        }
        cell.append(buttons);
    }

    // A page shown again after an error lists the rows as saved, with the numbers as moved:
    // show them in the order of their numbers (rows without a number keep their place).
    function showInOrder(tbody) {
        const rows = formRows(tbody);
        const numbered = rows.map((row, index) => {
            const number = Number.parseInt(orderInput(row).value, 10);
            return {row, index, number: Number.isNaN(number) ? index : number};
        });
        numbered.sort((a, b) => a.number - b.number || a.index - b.index);
        if (numbered.every((item, position) => item.index === position)) {
            return;
        }
        const end = tbody.querySelector('tr.empty-form');
        for (const {row} of numbered) {
            const errors = errorRow(row);
            if (errors) {
                tbody.insertBefore(errors, end);
            }
            tbody.insertBefore(row, end);
        }
    }

    // Saved rows first, then new ones, each group in page order: the numbers Django expects.
    function renumberFieldNames(tbody) {
        const rows = formRows(tbody);
        const ordered = rows.filter((row) => row.classList.contains('has_original'))
            .concat(rows.filter((row) => !row.classList.contains('has_original')));
        const pattern = new RegExp(`${prefix}-\\d+`);
        ordered.forEach((row, index) => {
            const replacement = `${prefix}-${index}`;
            row.id = replacement;
            for (const element of row.querySelectorAll('[id], [name], [for]')) {
                for (const attribute of ['id', 'name', 'for']) {
                    const value = element.getAttribute(attribute);
                    if (value) {
                        element.setAttribute(attribute, value.replace(pattern, replacement));
                    }
                }
            }
        });
    }

    function setUp() {
        const group = document.getElementById(`${prefix}-group`);
        const tbody = group && group.querySelector('table tbody');
        if (!tbody) {
            return;
        }
        const status = document.createElement('p');
        status.className = 'move-status visually-hidden';
        status.setAttribute('role', 'status');
        group.append(status);

        // The template row that "Add another" copies gets the buttons too.
        Array.from(tbody.children).filter(isFormRow).forEach(addButtons);
        showInOrder(tbody);
        updateButtons(tbody);

        group.addEventListener('click', (event) => {
            const button = event.target.closest('button[data-move]');
            if (button && group.contains(button)) {
                event.preventDefault();
                move(button);
            }
        });
        document.addEventListener('formset:added', (event) => {
            if (event.detail.formsetName !== prefix) {
                return;
            }
            const numbers = formRows(tbody).filter((row) => row !== event.target)
                .map((row) => Number.parseInt(orderInput(row).value, 10))
                .filter((number) => !Number.isNaN(number));
            orderInput(event.target).value = String(numbers.length ? Math.max(...numbers) + 1 : 0);
            updateButtons(tbody);
        });
        document.addEventListener('formset:removed', (event) => {
            if (event.detail.formsetName === prefix) {
                // inlines.js numbers the field names after announcing the removal: follow it.
                window.setTimeout(() => {
                    renumberFieldNames(tbody);
                    updateButtons(tbody);
                });
            }
        });
    }

    if (document.readyState === 'loading') {
        document.addEventListener('DOMContentLoaded', setUp);
    } else {
        setUp();
    }
}
