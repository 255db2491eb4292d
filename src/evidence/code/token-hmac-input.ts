// What an HMAC is computed over, for the token-level languages: the raw body, JSON re-serialised
// from the parsed request (through a serialiser called on an object of any name, or a variable that
// holds its output), or a parameter the collector follows one call away.
import { findAssignment, type Tokens } from './tokens.js';
import { enclosingFunction, isParsedRequest, resolveAlias, type Aliases } from './token-scope.js';
import type { HmacInput, ScanContext } from './types.js';

/** Serialisers called as functions or on their module, once import aliases are resolved. */
export const SERIALIZER = /^(json\.dumps|json\.dump|json\.Marshal|json\.MarshalIndent|JSON\.generate|JSON\.pretty_generate|JSON\.fast_generate|JSON\.dump|ActiveSupport::JSON\.encode|Oj\.dump|MultiJson\.(dump|encode)|json_encode|Json::encode|Json\.encode|JSON\.stringify|JSON\.toJSONString|writeValueAsString|writeValueAsBytes|toJson|simplejson\.dumps|ujson\.dumps|orjson\.dumps|rapidjson\.dumps)$/;
/**
 * Serialisers called on an object of any name (`mapper`, `objectMapper`, `this.json`, `new Gson()`):
 * Jackson's writeValueAsString/Bytes, Gson's toJson, fastjson's toJSONString. The value is the first argument.
 */
const SERIALIZER_METHOD = /^(writeValueAsString|writeValueAsBytes|toJson|toJSONString)$/;
/** Conversions that keep the bytes: `json.getBytes(UTF_8)`, `data.encode()`, `[]byte(s)`, `payload.b`. */
const SAME_BYTES_METHOD = /^(getBytes|encode|to_s|b|bytes|force_encoding|toByteArray|toString)$/;
const SAME_BYTES_CALL = /^(string|bytes|bytearray|str|String)$/;
const RAWISH = /raw|body|payload|bytes|buf|get_data|\.data\b|read|php:\/\/input|getContent|ReadAll|input|getInputStream/i;

/**
 * The serialised value of a serialiser call at [a, b]: `json.dumps(x)` -> x, `mapper.writeValueAsString(x)`
 * -> x, `x.to_json` -> x, Symfony's `$serializer->serialize($x, 'json')` -> $x, and in Java
 * `x.toString()` of a mapped request body (a JsonNode or a Map) -> x.
 */
function serialised(tk: Tokens, src: string, a: number, b: number, aliases: Aliases): { value: [number, number]; at: [number, number] } | undefined {
  const t = tk.t;
  const linked = (k: number): boolean => ['.', '->', '&.', '?.'].some((l) => tk.is(k - 1, l));
  for (let k = a; k <= b; k++) {
    if (t[k]!.kind !== 'id') continue;
    if (!linked(k)) {
      const { path, end } = tk.path(k);
      if (tk.is(end + 1, '(') && SERIALIZER.test(resolveAlias(aliases, path))) {
        const [arg] = tk.args(end + 1);
        if (arg) return { value: arg, at: [k, tk.match[end + 1]!] };
      }
      continue;
    }
    // A method on a receiver of any name: what it is called on, or what it is given.
    const name = t[k]!.text;
    const call = tk.is(k + 1, '(') && tk.match[k + 1]! > k ? tk.match[k + 1]! : -1;
    const start = tk.chainStart(k - 2);
    // `new ObjectMapper().writeValueAsString(x)`: the receiver starts at `new`.
    const receiver: [number, number] = [t[start - 1]?.text === 'new' ? start - 1 : start, k - 2];
    if (receiver[0] > receiver[1]) continue;
    const args = call >= 0 ? tk.args(k + 1) : [];
    if (name === 'to_json') return { value: receiver, at: [receiver[0], call >= 0 ? call : k] };
    if (call < 0) continue;
    if (SERIALIZER_METHOD.test(name) && args[0]) return { value: args[0], at: [receiver[0], call] };
    if (name === 'serialize' && args[0] && args.some(([x, y]) => x === y && t[x]!.kind === 'str' && t[x]!.text === 'json')) return { value: args[0], at: [receiver[0], call] };
    if (name === 'toString' && args.length === 0 && isParsedRequest(tk, src, receiver[0], receiver[1], aliases)) return { value: receiver, at: [receiver[0], call] };
  }
  return undefined;
}

/** The value inside a conversion that keeps its bytes (`x.getBytes(UTF_8)`, `[]byte(x)`, `x.encode()`), or undefined. */
function sameBytes(tk: Tokens, a: number, b: number): [number, number] | undefined {
  const t = tk.t;
  // Go's `[]byte(x)`.
  if (tk.is(a, '[') && tk.is(a + 1, ']') && t[a + 2]?.text === 'byte' && tk.is(a + 3, '(') && tk.match[a + 3] === b) return [a + 4, b - 1];
  // `string(x)`, `bytes(x, "utf-8")`, `String(x)`.
  if (t[a]!.kind === 'id' && SAME_BYTES_CALL.test(t[a]!.text) && tk.is(a + 1, '(') && tk.match[a + 1] === b) return tk.args(a + 1)[0];
  // A method at the end of the chain: `x.getBytes(StandardCharsets.UTF_8)`, Ruby's `x.b` without parens.
  const m = tk.is(b, ')') && tk.match[b]! > a ? tk.match[b]! - 1 : b;
  if (t[m]?.kind === 'id' && SAME_BYTES_METHOD.test(t[m]!.text) && (tk.is(m - 1, '.') || tk.is(m - 1, '->')) && m - 2 >= a && tk.chainStart(m - 2) === a) return [a, m - 2];
  return undefined;
}

/**
 * Raw bytes, JSON re-serialised from the parsed request (placed on the serialisation), or a
 * parameter of the function, left for the collector to follow one call away.
 */
export function classifyInput(
  tk: Tokens, src: string, a: number, b: number, text: (a: number, b: number) => string, aliases: Aliases, ctx: ScanContext, depth = 0,
): { kind: HmacInput['kind']; at: [number, number]; param?: { fn: string; param: number; via: 'serialised' } } {
  const t = tk.t;
  const ser = serialised(tk, src, a, b, aliases);
  if (ser) {
    const [va, vb] = ser.value;
    // Serialising an outgoing object (built here, or anything not read from the request) is signing, not verifying.
    if (isParsedRequest(tk, src, va, vb, aliases)) return { kind: 'reserialized', at: ser.at };
    if (va === vb && t[va]!.kind === 'id' && !findAssignment(tk, t[va]!.text, va)) {
      const fn = enclosingFunction(tk, src, va, ctx.language);
      const param = fn?.params.indexOf(t[va]!.text) ?? -1;
      if (fn && param >= 0) return { kind: 'unknown', at: ser.at, param: { fn: fn.name, param, via: 'serialised' } };
    }
    return { kind: 'unknown', at: [a, b] };
  }
  if (depth < 4) {
    // `json.getBytes(UTF_8)`, `data.encode()`, `[]byte(s)`: the variable inside, followed to what it holds.
    const inner = sameBytes(tk, a, b);
    const follow = inner ?? (a === b && t[a]!.kind === 'id' ? findAssignment(tk, t[a]!.text, a) : undefined);
    if (follow) {
      const found = classifyInput(tk, src, follow[0], follow[1], text, aliases, ctx, depth + 1);
      if (found.kind !== 'unknown' || found.param) return found;
    }
  }
  return { kind: RAWISH.test(text(a, b)) ? 'raw' : 'unknown', at: [a, b] };
}
