/* Reflection form: save the draft in the background (progressive enhancement; the form works without it).
   Saves every N seconds while something changed and when a changed field loses focus. The server answers
   with the ids of newly created rows, which are written into the hidden id fields so the next save updates
   them instead of creating them again. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave-url]");
  if (!form || !window.fetch || !window.FormData) {
    return;
  }
  var url = form.getAttribute("data-autosave-url");
  var seconds = parseInt(form.getAttribute("data-autosave-seconds"), 10) || 20;
  var status = document.getElementById("autosave-status");
  var dirty = false;
  var saving = false;
  var submitting = false;
  var inFlight = null; // the promise of a background save that has not answered yet

  function say(text) {
    if (status && text) {
      status.textContent = text;
    }
  }

  function applyIds(ids) {
    Object.keys(ids || {}).forEach(function (name) {
      var input = form.querySelector('input[name="' + name + '"]');
      if (input && !input.value && ids[name]) {
        input.value = ids[name];
      }
    });
  }

  function save() {
    if (saving || submitting || !dirty) {
      return;
    }
    saving = true;
    dirty = false;
    var data = new FormData(form);
    data.set("action", "autosave");
    inFlight = fetch(url, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch", "Accept": "application/json" }
    })
      .then(function (response) {
        return response.json().then(function (body) {
          return { ok: response.ok, body: body };
        });
      })
      .then(function (result) {
        if (result.ok && result.body.saved) {
          applyIds(result.body.ids);
        } else {
          dirty = true;
        }
        say(result.body.message);
      })
      .catch(function () {
        dirty = true;
        say(form.getAttribute("data-autosave-offline") || "");
      })
      .then(function () {
        saving = false;
        inFlight = null;
      });
  }

  form.addEventListener("input", function () {
    dirty = true;
  });
  form.addEventListener("change", function () {
    dirty = true;
  });
  form.addEventListener("focusout", function () {
    if (dirty) {
      save();
    }
  });
  // A submit while a background save is under way (a field left with Tab, then Enter at once) waits for
  // its answer: the ids of rows that save created go into the form first, so the submit updates those rows
  // instead of creating them a second time (and the late save cannot remove what the submit wrote).
  form.addEventListener("submit", function (event) {
    if (inFlight) {
      event.preventDefault();
      var submitter = event.submitter || null;
      inFlight.then(function () {
        if (form.requestSubmit) {
          form.requestSubmit(submitter);
          return;
        }
        if (submitter && submitter.name) {
          var hidden = document.createElement("input");
          hidden.type = "hidden";
          hidden.name = submitter.name;
          hidden.value = submitter.value;
          form.appendChild(hidden);
        }
        submitting = true;
        form.submit();
      });
      return;
    }
    submitting = true;
  });
  window.setInterval(save, seconds * 1000);
})();
