// What the scripts of the search, compare and map views share: building elements, filling the
// page's messages, the page's language prefix and phone numbers as people read them.
// `IOPFinderPage(TEXT, labels, prefix)` takes the page's words (#text), labels (#labels) and
// language prefix ("" or "/es"); none of it holds words of its own.
window.IOPFinderPage = function (TEXT, labels, prefix) {
  "use strict";

  function el(tag, text, attributes) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = text;
    Object.keys(attributes || {}).forEach(function (key) { node.setAttribute(key, attributes[key]); });
    return node;
  }

  // A message with its %(name)s placeholders filled in.
  function say(message, values) {
    return message.replace(/%\((\w+)\)s/g, function (all, name) { return String(values[name]); });
  }

  // A count's message: its singular form for 1, else its plural.
  function sayCount(forms, count, values) { return say(count === 1 ? forms.one : forms.other, values); }

  // A path of the site (from the API: "/facilities/x/") in this page's language.
  function local(url) {
    return url.charAt(0) === "/" && url.indexOf(prefix + "/") !== 0 ? prefix + url : url;
  }

  function phoneText(phone) {
    var d = phone.number.slice(2);
    var number = "(" + d.slice(0, 3) + ") " + d.slice(3, 6) + "-" + d.slice(6);
    return phone.extension ? say(TEXT.extension, { number: number, extension: phone.extension }) : number;
  }

  // A record field's values by their labels in the page's language.
  function named(field, values) {
    return (values || []).map(function (value) { return labels.fields[field][value] || value; });
  }

  return { el: el, say: say, sayCount: sayCount, local: local, phoneText: phoneText, named: named };
};
