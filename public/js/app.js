/*
 * Progressive enhancements for the operator dashboard. Every page works
 * without this file; it only adds confirmations and copy buttons.
 */
;(function () {
  'use strict'

  // <form data-confirm="Revoke this token?"> asks before submitting. A {name}
  // in the message is replaced with the value of the form's field of that name.
  document.addEventListener('submit', function (event) {
    var form = event.target
    if (!(form instanceof HTMLFormElement)) return
    var message = form.getAttribute('data-confirm')
    if (!message) return
    message = message.replace(/\{(\w+)\}/g, function (placeholder, name) {
      var field = form.elements.namedItem(name)
      return field && 'value' in field ? String(field.value).trim() : placeholder
    })
    if (!window.confirm(message)) event.preventDefault()
  })

  // <button data-copy="#element-id"> copies that input's value (or text).
  document.addEventListener('click', function (event) {
    var button = event.target instanceof Element ? event.target.closest('[data-copy]') : null
    if (!button) return
    var source = document.querySelector(button.getAttribute('data-copy'))
    if (!source) return
    var text = 'value' in source ? source.value : source.textContent
    var label = button.textContent

    function done(ok) {
      button.textContent = ok ? 'Copied' : 'Press Ctrl+C'
      window.setTimeout(function () {
        button.textContent = label
      }, 1600)
    }

    function fallback() {
      if (typeof source.select === 'function') source.select()
      try {
        done(document.execCommand('copy'))
      } catch (error) {
        done(false)
      }
    }

    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () {
        done(true)
      }, fallback)
    } else {
      fallback()
    }
  })

  // A read-only secret is selected whole when it gets focus.
  document.addEventListener('focusin', function (event) {
    var input = event.target
    if (input instanceof HTMLInputElement && input.hasAttribute('data-select-on-focus'))
      input.select()
  })

  // Selecting "*" (all abilities) clears the individual ones and vice versa.
  document.addEventListener('change', function (event) {
    var input = event.target
    if (!(input instanceof HTMLInputElement) || input.type !== 'checkbox' || !input.checked) return
    var group = input.closest('[data-abilities]')
    if (!group) return
    group.querySelectorAll('input[type="checkbox"]').forEach(function (other) {
      if (other === input) return
      if (input.value === '*' || other.value === '*') other.checked = false
    })
  })
})()
