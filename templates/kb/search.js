// Search for a knowledge base written by `relnotes kb`. It reads the
// prebuilt index (search-index.js, an elasticlunr index of every page) the
// first time it is needed and searches it in the page: no network, no
// libraries, results written as text only. Everything else on the site works
// without this script.
(function () {
  'use strict';

  var form = document.getElementById('search-form');
  var input = document.getElementById('search-q');
  var status = document.getElementById('search-status');
  var list = document.getElementById('search-results');
  if (!form || !input || !status || !list) {
    return;
  }

  // A match in a title counts three times as much as one in the text.
  var FIELDS = { title: 3, body: 1 };
  var SHOWN = 20;
  var EXPANSIONS = 50;
  var data = null;
  var loading = false;

  form.hidden = false;
  status.textContent = '';

  // The same tokens as the index: lower case, split at white space and "-",
  // anything but letters, digits and "_" trimmed from both ends.
  function tokens(text) {
    return text
      .toLowerCase()
      .split(/[\s-]+/)
      .map(function (t) {
        return t.replace(/^[^0-9a-z_]+|[^0-9a-z_]+$/g, '');
      })
      .filter(function (t) {
        return t.length > 0;
      });
  }

  function isChild(key) {
    return key !== 'docs' && key !== 'df';
  }

  function hasDocs(node) {
    return Object.keys(node.docs || {}).length > 0;
  }

  // The trie nodes along `term`: `node` is the node of the whole term, if
  // the index has it; `path` holds the node of every prefix walked.
  function walk(root, term) {
    var node = root;
    var path = [];
    var chars = Array.from(term);
    for (var i = 0; i < chars.length; i++) {
      var c = chars[i];
      if (!isChild(c) || !Object.prototype.hasOwnProperty.call(node, c)) {
        return { node: null, path: path };
      }
      node = node[c];
      path.push(node);
    }
    return { node: node, path: path };
  }

  // Index terms that match a query token, with a weight: the token itself
  // (1); words that start with it, so results come while typing (less, the
  // longer the rest); and words of four or more letters that the token
  // starts with, up to three letters shorter, so "exports" finds "export".
  function matches(root, token) {
    var out = [];
    var w = walk(root, token);
    if (w.node) {
      var queue = [[w.node, 0]];
      while (queue.length > 0 && out.length < EXPANSIONS) {
        var item = queue.shift();
        var node = item[0];
        var extra = item[1];
        if (hasDocs(node)) {
          out.push({ node: node, weight: extra === 0 ? 1 : 0.7 / (1 + Math.log(1 + extra)) });
        }
        Object.keys(node).sort().forEach(function (k) {
          if (isChild(k)) {
            queue.push([node[k], extra + 1]);
          }
        });
      }
    }
    var length = Array.from(token).length;
    for (var i = Math.max(3, length - 4); i < Math.min(w.path.length, length - 1); i++) {
      if (hasDocs(w.path[i])) {
        out.push({ node: w.path[i], weight: 0.5 });
      }
    }
    return out;
  }

  function search(query) {
    var index = data.index;
    var store = index.documentStore;
    var count = store.length || 1;
    var words = tokens(query);
    var scores = {};
    var found = {};
    words.forEach(function (token, t) {
      Object.keys(FIELDS).forEach(function (field) {
        var root = index.index[field] && index.index[field].root;
        if (!root) {
          return;
        }
        matches(root, token).forEach(function (m) {
          var idf = 1 + Math.log(count / (m.node.df + 1));
          Object.keys(m.node.docs).forEach(function (ref) {
            var length = (store.docInfo[ref] || {})[field] || 1;
            var score = (m.node.docs[ref].tf * idf * idf * m.weight * FIELDS[field]) / Math.sqrt(length);
            scores[ref] = (scores[ref] || 0) + score;
            found[ref] = found[ref] || {};
            found[ref][t] = true;
          });
        });
      });
    });
    // Pages that match more of the words come first.
    return Object.keys(scores)
      .map(function (ref) {
        var share = Object.keys(found[ref]).length / words.length;
        return { ref: ref, score: scores[ref] * share };
      })
      .sort(function (a, b) {
        return b.score - a.score || (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0);
      });
  }

  function show(query) {
    while (list.firstChild) {
      list.removeChild(list.firstChild);
    }
    var q = query.trim();
    if (q === '') {
      status.textContent = '';
      return;
    }
    if (!data) {
      status.textContent = 'Loading the search index\u2026';
      load();
      return;
    }
    var results = search(q);
    if (results.length === 0) {
      status.textContent = 'No page matches \u201c' + q + '\u201d.';
      return;
    }
    status.textContent =
      (results.length === 1 ? '1 page matches' : results.length + ' pages match') +
      (results.length > SHOWN ? '; the first ' + SHOWN + ' are listed.' : '.');
    results.slice(0, SHOWN).forEach(function (r) {
      var page = data.pages[r.ref] || { title: r.ref, kind: '' };
      var li = document.createElement('li');
      var a = document.createElement('a');
      a.href = r.ref;
      a.textContent = page.title;
      li.appendChild(a);
      if (page.kind) {
        var kind = document.createElement('span');
        kind.className = 'small';
        kind.textContent = ' \u00b7 ' + page.kind;
        li.appendChild(kind);
      }
      list.appendChild(li);
    });
  }

  function load() {
    if (loading || data) {
      return;
    }
    loading = true;
    var script = document.createElement('script');
    script.src = form.getAttribute('data-index');
    script.addEventListener('load', function () {
      data = window.relnotesKbIndex || null;
      if (!data) {
        status.textContent = 'The search index could not be read.';
        return;
      }
      show(input.value);
    });
    script.addEventListener('error', function () {
      loading = false;
      status.textContent = 'The search index could not be loaded.';
    });
    document.head.appendChild(script);
  }

  input.addEventListener('focus', load);
  input.addEventListener('input', function () {
    show(input.value);
  });
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    show(input.value);
  });

  var initial = new URLSearchParams(window.location.search).get('q');
  if (initial) {
    input.value = initial;
    show(initial);
  }
})();
