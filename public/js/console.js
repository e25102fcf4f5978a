/*
 * Operator console enhancements: "/" focuses the top bar's search box
 * (unless the operator is already typing in a field).
 */
;(function () {
  'use strict'

  document.addEventListener('keydown', function (event) {
    if (event.key !== '/' || event.ctrlKey || event.metaKey || event.altKey) return
    var target = event.target
    if (
      target instanceof HTMLInputElement ||
      target instanceof HTMLTextAreaElement ||
      target instanceof HTMLSelectElement ||
      (target instanceof HTMLElement && target.isContentEditable)
    )
      return
    var box = document.querySelector('[data-global-search]')
    if (!box) return
    event.preventDefault()
    box.focus()
    box.select()
  })
})()
