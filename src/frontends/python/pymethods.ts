import { Interpreter } from './interp';
import { PyBuiltin, PyDict, PyError, PyList, PyTuple, PyValue } from './values';

/** Methods of Python's list. */
export function listMethod(ip: Interpreter, l: PyList, name: string): PyValue | undefined {
  const m = (fn: (args: PyValue[], kw: Map<string, PyValue>) => PyValue) => new PyBuiltin(name, fn);
  switch (name) {
    case 'append':
      return m(([x]) => (l.items.push(x), null));
    case 'extend':
      return m(([x]) => (l.items.push(...ip.iterate(x)), null));
    case 'pop':
      return m(([i]) => {
        if (!l.items.length) throw new PyError('IndexError', 'pop from empty list');
        const k = i === undefined ? l.items.length - 1 : ip.normIndex(i, l.items.length);
        return l.items.splice(k, 1)[0];
      });
    case 'insert':
      return m(([i, x]) => {
        let k = Number(i);
        if (k < 0) k = Math.max(0, k + l.items.length);
        l.items.splice(Math.min(k, l.items.length), 0, x);
        return null;
      });
    case 'index':
      return m(([x]) => {
        const i = l.items.findIndex((y) => ip.equals(x, y));
        if (i < 0) throw new PyError('ValueError', `${ip.repr(x)} is not in list`);
        return BigInt(i);
      });
    case 'count':
      return m(([x]) => BigInt(l.items.filter((y) => ip.equals(x, y)).length));
    case 'remove':
      return m(([x]) => {
        const i = l.items.findIndex((y) => ip.equals(x, y));
        if (i < 0) throw new PyError('ValueError', 'list.remove(x): x not in list');
        l.items.splice(i, 1);
        return null;
      });
    case 'reverse':
      return m(() => (l.items.reverse(), null));
    case 'clear':
      return m(() => ((l.items.length = 0), null));
    case 'copy':
      return m(() => new PyList(l.items.slice()));
    case 'sort':
      return m((_a, kw) => {
        const sorted = ip.call(ip.builtins.get('sorted')!, [l], kw) as PyList;
        l.items = sorted.items;
        return null;
      });
  }
  return undefined;
}

/** d.keys() / values() / items(): a snapshot list that prints as Python's view (dict_keys([...])). */
function dictView(d: PyDict, kind: string, items: PyValue[]): PyList {
  const l = new PyList(items);
  l.view = `${d.ordered ? 'odict' : 'dict'}_${kind}`;
  return l;
}

/** Methods of Python's dict. */
export function dictMethod(ip: Interpreter, d: PyDict, name: string): PyValue | undefined {
  const m = (fn: (args: PyValue[], kw: Map<string, PyValue>) => PyValue) => new PyBuiltin(name, fn);
  switch (name) {
    case 'keys':
      return m(() => dictView(d, 'keys', d.keys()));
    case 'values':
      return m(() => dictView(d, 'values', d.values()));
    case 'items':
      return m(() => dictView(d, 'items', d.entries().map(([k, v]) => new PyTuple([k, v]))));
    case 'get':
      return m(([k, dflt]) => d.get(k) ?? (dflt === undefined ? null : dflt));
    case 'pop':
      return m(([k, dflt]) => {
        const v = d.get(k);
        if (v === undefined) {
          if (dflt !== undefined) return dflt;
          throw new PyError('KeyError', ip.repr(k));
        }
        d.delete(k);
        return v;
      });
    case 'setdefault':
      return m(([k, dflt]) => {
        if (!d.has(k)) d.set(k, dflt ?? null);
        return d.get(k)!;
      });
    case 'update':
      return m(([o], kw) => {
        if (o instanceof PyDict) for (const [k, v] of o.entries()) d.set(k, v);
        else if (o !== undefined && o !== null) {
          // an iterable of key/value pairs
          for (const pair of ip.iterate(o)) {
            const kv = [...ip.iterate(pair)];
            if (kv.length !== 2) throw new PyError('ValueError', `dictionary update sequence element #0 has length ${kv.length}; 2 is required`);
            d.set(kv[0], kv[1]);
          }
        }
        for (const [k, v] of kw) d.set(k, v);
        return null;
      });
    case 'clear':
      return m(() => {
        for (const k of d.keys()) d.delete(k);
        return null;
      });
    case 'popitem':
      return m(() => {
        const ks = d.keys();
        if (!ks.length) throw new PyError('KeyError', "'popitem(): dictionary is empty'");
        const k = ks[ks.length - 1];
        const v = d.get(k)!;
        d.delete(k);
        return new PyTuple([k, v]);
      });
    case 'copy':
      return m(() => {
        const c = new PyDict();
        c.ordered = d.ordered;
        for (const [k, v] of d.entries()) c.set(k, v);
        return c;
      });
  }
  return undefined;
}

/** Methods of Python's str. */
export function strMethod(ip: Interpreter, s: string, name: string): PyValue | undefined {
  const m = (fn: (args: PyValue[], kw: Map<string, PyValue>) => PyValue) => new PyBuiltin(name, fn);
  switch (name) {
    case 'format':
      return m((args, kw) => {
        let auto = 0;
        return s.replace(/\{\{|\}\}|\{([^{}!:]*)(?:!([rs]))?(?::([^{}]*))?\}/g, (all, field: string | undefined, conv: string | undefined, spec: string | undefined) => {
          if (all === '{{') return '{';
          if (all === '}}') return '}';
          const key = field ?? '';
          const v = key === '' ? args[auto++] : /^\d+$/.test(key) ? args[Number(key)] : kw.get(key);
          if (v === undefined) throw new PyError(key === '' || /^\d+$/.test(key) ? 'IndexError' : 'KeyError', key === '' ? 'Replacement index 0 out of range for positional args tuple' : `'${key}'`);
          const val = conv === 'r' ? ip.repr(v) : conv === 's' ? ip.str(v) : v;
          return ip.format(val, spec ?? '');
        });
      });
    case 'join':
      return m(([it]) => [...ip.iterate(it)].map((x) => {
        if (typeof x !== 'string') throw new PyError('TypeError', `sequence item 0: expected str instance, ${ip.typeName(x)} found`);
        return x;
      }).join(s));
    case 'isdigit':
    case 'isnumeric':
    case 'isdecimal':
      return m(() => s.length > 0 && /^[0-9]+$/.test(s));
    case 'isalpha':
      return m(() => s.length > 0 && /^[A-Za-z]+$/.test(s));
    case 'isalnum':
      return m(() => s.length > 0 && /^[A-Za-z0-9]+$/.test(s));
    case 'isspace':
      return m(() => s.length > 0 && /^\s+$/.test(s));
    case 'isupper':
      return m(() => /[A-Z]/.test(s) && !/[a-z]/.test(s));
    case 'islower':
      return m(() => /[a-z]/.test(s) && !/[A-Z]/.test(s));
    case 'upper':
      return m(() => s.toUpperCase());
    case 'lower':
      return m(() => s.toLowerCase());
    case 'strip':
      return m(() => s.trim());
    case 'lstrip':
      return m(() => s.trimStart());
    case 'rstrip':
      return m(() => s.trimEnd());
    case 'split':
      return m(([sep]) => new PyList(sep === undefined || sep === null ? s.trim().split(/\s+/).filter((x) => x) : s.split(String(sep))));
    case 'replace':
      return m(([a, b]) => s.split(String(a)).join(String(b)));
    case 'startswith':
      return m(([p]) => s.startsWith(String(p)));
    case 'endswith':
      return m(([p]) => s.endsWith(String(p)));
    case 'center':
      return m(([w, fill]) => {
        // CPython: the extra padding goes left when the text is odd-sized and the width even... i.e. left = pad / 2 + (pad & width & 1)
        const width = Number(w);
        const f = fill === undefined ? ' ' : String(fill);
        const pad = width - s.length;
        if (pad <= 0) return s;
        const left = Math.floor(pad / 2) + (pad & width & 1);
        return f.repeat(left) + s + f.repeat(pad - left);
      });
    case 'ljust':
      return m(([w, fill]) => s.padEnd(Number(w), fill === undefined ? ' ' : String(fill)));
    case 'rjust':
      return m(([w, fill]) => s.padStart(Number(w), fill === undefined ? ' ' : String(fill)));
    case 'zfill':
      return m(([w]) => {
        const width = Number(w);
        if (s.length >= width) return s;
        const sign = s[0] === '-' || s[0] === '+' ? s[0] : '';
        return sign + '0'.repeat(width - s.length) + s.slice(sign.length);
      });
    case 'title':
      return m(() => s.replace(/\b\w/g, (c) => c.toUpperCase()));
    case 'count':
      return m(([p]) => BigInt(s.split(String(p)).length - 1));
    case 'find':
      return m(([p]) => BigInt(s.indexOf(String(p))));
  }
  return undefined;
}
