/* Suggestions as people type: the header search box and the partner fields.
   Without JavaScript the header box submits to the results page and the partner
   fields keep their short list. */
(function () {
  "use strict";
  var DELAY = 200;
  var counter = 0;

  function attach(input, url, pick) {
    var list = document.createElement("ul");
    var timer = null;
    var options = [];
    var active = -1;
    list.className = "suggest";
    list.id = "suggest-" + (++counter);
    list.setAttribute("role", "listbox");
    list.hidden = true;
    input.parentNode.appendChild(list);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("autocomplete", "off");

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      options.forEach(function (li, i) { li.setAttribute("aria-selected", i === index ? "true" : "false"); });
      active = index;
      if (index >= 0) { input.setAttribute("aria-activedescendant", options[index].id); }
    }

    function render(data) {
      list.textContent = "";
      options = [];
      (data.groups || []).forEach(function (group) {
        var head = document.createElement("li");
        head.className = "suggest-head";
        head.setAttribute("role", "presentation");
        head.textContent = group.title;
        list.appendChild(head);
        group.items.forEach(function (item) {
          var li = document.createElement("li");
          var note = document.createElement("small");
          li.id = list.id + "-" + options.length;
          li.setAttribute("role", "option");
          li.textContent = item.title;
          note.textContent = item.note || "";
          li.appendChild(note);
          li.addEventListener("mousedown", function (event) { event.preventDefault(); choose(item); });
          li.item = item;
          options.push(li);
          list.appendChild(li);
        });
      });
      if (!options.length) {
        var none = document.createElement("li");
        none.className = "suggest-head";
        none.textContent = "Không tìm thấy trong phạm vi của bạn.";
        list.appendChild(none);
      }
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      active = -1;
    }

    function choose(item) { close(); pick(item, input); }

    function query() {
      var q = input.value.trim();
      if (q.length < 2) { close(); return; }
      var sep = url.indexOf("?") >= 0 ? "&" : "?";
      fetch(url + sep + "q=" + encodeURIComponent(q), { headers: { "Accept": "application/json" }, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : { groups: [] }; })
        .then(function (data) { if (data.q === q) { render(data); } })
        .catch(close);
    }

    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(query, DELAY); });
    input.addEventListener("blur", close);
    input.addEventListener("keydown", function (event) {
      if (list.hidden || !options.length) { return; }
      if (event.key === "ArrowDown") { event.preventDefault(); highlight((active + 1) % options.length); }
      else if (event.key === "ArrowUp") { event.preventDefault(); highlight(active <= 0 ? options.length - 1 : active - 1); }
      else if (event.key === "Escape") { close(); }
      else if (event.key === "Enter" && active >= 0) { event.preventDefault(); choose(options[active].item); }
    });
  }

  function go(item) { window.location.href = item.url; }

  function addPartner(select) {
    return function (item, input) {
      var value = String(item.id);
      var option = Array.prototype.find.call(select.options, function (o) { return o.value === value; });
      if (!option) {
        option = new Option(item.title, value);
        select.appendChild(option);
      }
      option.selected = true;
      select.dispatchEvent(new Event("change", { bubbles: true }));
      input.value = "";
    };
  }

  function partnerBox(select) {
    var box = document.createElement("div");
    var label = document.createElement("label");
    var input = document.createElement("input");
    box.className = "partner-search";
    input.type = "search";
    input.id = select.id + "-tim";
    input.placeholder = "ví dụ: toa an ha giang";
    label.htmlFor = input.id;
    label.textContent = "Cơ quan khác: tìm theo tên";
    box.appendChild(label);
    box.appendChild(input);
    select.parentNode.insertBefore(box, select.nextSibling);
    attach(input, select.getAttribute("data-search"), addPartner(select));
  }

  document.querySelectorAll("input[data-suggest]").forEach(function (input) {
    attach(input, input.getAttribute("data-suggest"), go);
  });
  document.querySelectorAll("select[data-search]").forEach(partnerBox);
})();
